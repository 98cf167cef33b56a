package io.recllm.gateway.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.provider.CallHeaders;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.EmbeddingsTranslation;
import io.recllm.gateway.provider.ProviderClient;
import io.recllm.gateway.provider.ProviderCounters;
import io.recllm.gateway.provider.UpstreamApi;
import io.recllm.gateway.provider.UpstreamHttp;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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

  /**
   * Gemini API: one string to {@code :embedContent}, an array to {@code :batchEmbedContents} (100 texts a
   * call, several calls for more); Vertex AI:
   * {@code :predict}, one text per call (Gemini embedding models on Vertex take one instance per request).
   * {@code dimensions} is {@code outputDimensionality}; {@code task_type} (e.g. RETRIEVAL_QUERY), a field of
   * Gemini's own, goes on as {@code taskType}. The Gemini API reports no token count for embeddings, so its
   * usage is the gateway tokenizer's estimate; Vertex counts tokens per text.
   */
  @Override
  public Future<ChatResult> embeddings(String model, ObjectNode request) {
    EmbeddingsTranslation.Request r = EmbeddingsTranslation.read(request, config.name(), Set.of("task_type"));
    String bare = bareModel(model);
    String taskType = r.text("task_type", null);
    if (vertex != null) {
      return auth().compose(headers -> EmbeddingsTranslation.each(r.inputs(), text -> {
        ObjectNode body = Json.object();
        ObjectNode instance = body.putArray("instances").addObject().put("content", text);
        if (taskType != null) instance.put("task_type", taskType);
        if (r.dimensions() != null) body.putObject("parameters").put("outputDimensionality", r.dimensions());
        return api.postJson(path(model, ":predict"), headers, UpstreamHttp.encode(body), (resp, buf) -> {
          ObjectNode answer = api.parseObject(buf, o -> o.path("predictions").path(0).path("embeddings").path("values").isArray(),
              "a Vertex AI embeddings answer");
          JsonNode e = answer.path("predictions").get(0).get("embeddings");
          return new Batch(List.of(e.get("values")), e.path("statistics").path("token_count").asLong(-1));
        });
      })).map(list -> embeddingsAnswer(bare, r, list));
    }
    if (r.single()) {
      ObjectNode body = embedRequest(Json.object(), bare, r.inputs().get(0), r.dimensions(), taskType);
      return auth().compose(headers -> api.postJson(path(model, ":embedContent"), headers, UpstreamHttp.encode(body),
          (resp, buf) -> {
            ObjectNode answer = api.parseObject(buf, o -> o.path("embedding").path("values").isArray(), "a Gemini embeddings answer");
            return new Batch(List.of(answer.path("embedding").get("values")), promptTokens(answer));
          })).map(b -> embeddingsAnswer(bare, r, List.of(b)));
    }
    List<List<String>> batches = new ArrayList<>();
    for (int i = 0; i < r.inputs().size(); i += BATCH_LIMIT) {
      batches.add(r.inputs().subList(i, Math.min(r.inputs().size(), i + BATCH_LIMIT)));
    }
    return auth().compose(headers -> EmbeddingsTranslation.each(batches, texts -> {
      ObjectNode body = Json.object();
      ArrayNode requests = body.putArray("requests");
      for (String text : texts) embedRequest(requests.addObject(), bare, text, r.dimensions(), taskType);
      return api.postJson(path(model, ":batchEmbedContents"), headers, UpstreamHttp.encode(body), (resp, buf) -> {
        ObjectNode answer = api.parseObject(buf, o -> o.path("embeddings").isArray() && o.path("embeddings").size() == texts.size()
            && allHaveValues(o.get("embeddings")), "a Gemini embeddings answer with " + texts.size() + " embeddings");
        List<JsonNode> vectors = new ArrayList<>(texts.size());
        for (JsonNode e : answer.get("embeddings")) vectors.add(e.get("values"));
        return new Batch(vectors, promptTokens(answer));
      });
    })).map(list -> embeddingsAnswer(bare, r, list));
  }

  /** batchEmbedContents takes at most this many requests. */
  static final int BATCH_LIMIT = 100;

  /** The vectors of one upstream call, and the input tokens it reported (-1: none). */
  private record Batch(List<JsonNode> vectors, long tokens) {}

  private static boolean allHaveValues(JsonNode embeddings) {
    for (JsonNode e : embeddings) if (!e.path("values").isArray()) return false;
    return true;
  }

  /** A token count if the answer has one (the Gemini API has sent none for embeddings so far). */
  private static long promptTokens(ObjectNode answer) {
    JsonNode n = answer.path("usageMetadata").get("promptTokenCount");
    return n != null && n.canConvertToLong() ? n.asLong() : -1;
  }

  private static ChatResult embeddingsAnswer(String model, EmbeddingsTranslation.Request r, List<Batch> batches) {
    List<JsonNode> vectors = new ArrayList<>(r.inputs().size());
    long tokens = 0;
    for (Batch b : batches) {
      vectors.addAll(b.vectors());
      tokens = tokens < 0 || b.tokens() < 0 ? -1 : tokens + b.tokens();
    }
    TokenUsage usage = EmbeddingsTranslation.counted(tokens, r.inputs());
    return new ChatResult(EmbeddingsTranslation.answer(model, vectors, r.base64(), usage), usage, null);
  }

  /** One EmbedContentRequest; batchEmbedContents wants the model named in each as well as in the URL. */
  private static ObjectNode embedRequest(ObjectNode into, String model, String text, Integer dimensions, String taskType) {
    into.put("model", "models/" + model);
    into.putObject("content").putArray("parts").addObject().put("text", text);
    if (taskType != null) into.put("taskType", taskType);
    if (dimensions != null) into.put("outputDimensionality", dimensions);
    return into;
  }

  /**
   * This call's headers: the call's own (taken now, while they are current: a Vertex AI token fetch
   * completes later, outside the call's context) and Vertex AI's bearer token.
   */
  private Future<MultiMap> auth() {
    MultiMap call = CallHeaders.current();
    if (vertex == null) {
      api.requireKey();
      return Future.succeededFuture(call);
    }
    return vertex.authorization().map(value -> {
      MultiMap h = MultiMap.caseInsensitiveMultiMap();
      if (call != null) h.addAll(call);
      return h.set("Authorization", value);
    });
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
