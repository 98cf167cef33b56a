package io.recllm.gateway.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.ProviderClient;
import io.recllm.gateway.provider.ProviderCounters;
import io.recllm.gateway.provider.UpstreamApi;
import io.recllm.gateway.provider.UpstreamHttp;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * Gemini behind the OpenAI chat format: the pure {@link GeminiMapper}, {@link GeminiStreamTranslator}
 * and {@link GeminiErrors} do the translation; {@link UpstreamApi} does the HTTP exchange. Gemini API:
 * {@code POST {base_url}/v1beta/models/{model}:generateContent} (streams
 * {@code :streamGenerateContent?alt=sse}) with the key in {@code x-goog-api-key}. Vertex AI: the same
 * bodies at {@code /v1/projects/{project}/locations/{location}/publishers/google/models/{model}:...},
 * with an OAuth2 bearer token from {@link VertexCredentials}.
 */
public final class GeminiClient implements ProviderClient {

  private final UpstreamApi api;
  private final ProviderConfig config;
  private final String modelsPath;
  private final VertexCredentials vertex;

  GeminiClient(UpstreamHttp http, GeminiSettings settings, VertexCredentials vertex) {
    this.config = http.config();
    this.vertex = vertex;
    this.api = UpstreamApi.builder(http, GeminiErrors::fromResponse)
        // Vertex takes a bearer token per call instead of the key
        .auth(vertex == null ? UpstreamApi.AuthHeader.header("x-goog-api-key") : null)
        .build();
    GeminiSettings.Vertex v = settings.vertex();
    this.modelsPath = v == null ? "/v1beta/models/"
        : "/v1/projects/" + v.project() + "/locations/" + v.location() + "/publishers/google/models/";
  }

  @Override
  public ProviderConfig config() {
    return config;
  }

  @Override
  public Future<ChatResult> chat(String model, ObjectNode request) {
    String path = path(model, ":generateContent");
    Buffer body = UpstreamHttp.encode(GeminiMapper.toGeminiRequest(request, bareModel(model)));
    return auth().compose(headers -> api.postJson(path, headers, body, (resp, buf) -> {
      ObjectNode answer = api.parseObject(buf, o -> o.has("candidates") || o.has("promptFeedback"), "a Gemini answer");
      for (JsonNode c : answer.path("candidates")) {
        if (!GeminiMapper.isKnownFinishReason(c.path("finishReason").asText(null))) ProviderCounters.unknownStopReason();
      }
      return GeminiMapper.toChatResult(answer, bareModel(model), System.currentTimeMillis() / 1000);
    }));
  }

  @Override
  public Future<ChatStream> stream(String model, ObjectNode request) {
    String path = path(model, ":streamGenerateContent?alt=sse");
    Buffer body = UpstreamHttp.encode(GeminiMapper.toGeminiRequest(request, bareModel(model)));
    return auth().compose(headers -> api.postSse(path, headers, body,
        () -> new GeminiStreamTranslator(bareModel(model), System.currentTimeMillis() / 1000).plumbing()));
  }

  private Future<MultiMap> auth() {
    if (vertex == null) {
      api.requireKey();
      return Future.succeededFuture(null);
    }
    return vertex.authorization().map(value -> MultiMap.caseInsensitiveMultiMap().set("Authorization", value));
  }

  private String path(String model, String method) {
    return modelsPath + bareModel(model) + method;
  }

  /** The model as it goes into the URL: "models/x" is accepted as x, and nothing can leave the path segment. */
  static String bareModel(String model) {
    String m = model.startsWith("models/") ? model.substring("models/".length()) : model;
    if (!m.matches("[A-Za-z0-9._@-]+")) {
      throw new GatewayException.InvalidRequest("invalid_value", "model",
          "Invalid Gemini model name '" + model + "': only letters, digits, '.', '_', '@' and '-' are allowed");
    }
    return m;
  }
}
