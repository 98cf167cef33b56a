package io.recllm.gateway.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.EmbeddingsTranslation;
import io.recllm.gateway.provider.ProviderClient;
import io.recllm.gateway.provider.ProviderCounters;
import io.recllm.gateway.provider.UpstreamApi;
import io.recllm.gateway.provider.UpstreamHttp;
import io.recllm.gateway.provider.UpstreamSseStream;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Bedrock Runtime's Converse API behind the OpenAI chat format: the pure {@link BedrockMapper},
 * {@link BedrockStreamTranslator} and {@link BedrockErrors} translate; {@link UpstreamApi} does the HTTP
 * exchange ({@code POST {base_url}/model/{modelId}/converse} or {@code /converse-stream}), signed by
 * {@link BedrockSigner} with credentials from {@link BedrockCredentials}, or with a Bedrock API key as a
 * bearer token when the config has an {@code api_key}.
 */
public final class BedrockClient implements ProviderClient {

  static final String EVENT_STREAM = "application/vnd.amazon.eventstream";

  private final UpstreamApi api;
  private final ProviderConfig config;

  /** @param credentials null to send the configured {@code api_key} as a bearer token instead of signing */
  BedrockClient(UpstreamHttp http, BedrockSettings settings, BedrockCredentials credentials) {
    this(http, settings, credentials, null);
  }

  /** @param signingClock the signature's time; null for the system clock */
  BedrockClient(UpstreamHttp http, BedrockSettings settings, BedrockCredentials credentials, Clock signingClock) {
    this.config = http.config();
    UpstreamApi.Builder b = UpstreamApi.builder(http, BedrockErrors.INSTANCE).streamAccept(EVENT_STREAM);
    if (credentials != null) {
      b.auth(null).signer(new BedrockSigner(config.baseUrl(), settings.region(), credentials, signingClock));
    }
    this.api = b.build();
  }

  @Override
  public ProviderConfig config() {
    return config;
  }

  @Override
  public Future<ChatResult> chat(String model, ObjectNode request) {
    api.requireKey();
    ObjectNode body = BedrockMapper.toConverseRequest(request, model);
    return api.postJson(BedrockMapper.path(model, false), UpstreamHttp.encode(body), (resp, buf) -> {
      ObjectNode answer = api.parseObject(buf, o -> o.path("output").path("message").path("content").isArray(),
          "a Bedrock Converse answer");
      String stopReason = answer.path("stopReason").asText(null);
      if (!BedrockMapper.isKnownStopReason(stopReason)) ProviderCounters.unknownStopReason();
      String requestId = resp.header("x-amzn-requestid");
      ObjectNode completion = BedrockMapper.fromConverseResponse(answer, completionId(requestId), model, now());
      return new ChatResult(completion, BedrockMapper.usageOf(answer.get("usage")), requestId);
    });
  }

  @Override
  public Future<ChatStream> stream(String model, ObjectNode request) {
    api.requireKey();
    ObjectNode body = BedrockMapper.toConverseRequest(request, model);
    return api.postStream(BedrockMapper.path(model, true), UpstreamHttp.encode(body), resp -> {
      BedrockStreamTranslator translator =
          new BedrockStreamTranslator(completionId(resp.header("x-amzn-requestid")), model, now());
      return Future.succeededFuture(new UpstreamSseStream(resp, new BedrockStreamDecoder(translator)));
    });
  }

  /**
   * Titan and Cohere text embedding models through InvokeModel ({@link BedrockEmbeddings}): one call per
   * text for Titan, one per 96 texts for Cohere, signed like Converse. Usage is Bedrock's own count, the
   * {@code x-amzn-bedrock-input-token-count} header (Titan also says {@code inputTextTokenCount}); the
   * gateway tokenizer's estimate only when neither came. The models' own fields pass on: Cohere's
   * {@code input_type} (default {@code search_document}) and {@code truncate}, Titan v2's {@code normalize}.
   */
  @Override
  public Future<ChatResult> embeddings(String model, ObjectNode request) {
    api.requireKey();
    BedrockEmbeddings.Family family = BedrockEmbeddings.family(model);
    boolean cohere = family == BedrockEmbeddings.Family.COHERE_V3 || family == BedrockEmbeddings.Family.COHERE_V4;
    EmbeddingsTranslation.Request r = EmbeddingsTranslation.read(request, config.name(), BedrockEmbeddings.ownFields(family));
    String path = BedrockMapper.invokePath(model);
    Future<List<Part>> parts;
    if (cohere) {
      List<ObjectNode> bodies = new ArrayList<>();
      for (List<String> batch : BedrockEmbeddings.batches(r.inputs())) {
        bodies.add(BedrockEmbeddings.cohereRequest(family, batch, r.dimensions(), r.extra()));
      }
      parts = EmbeddingsTranslation.each(bodies, body -> api.postJson(path, UpstreamHttp.encode(body), (resp, buf) -> {
        int expected = body.get("texts").size();
        List<JsonNode> vectors = BedrockEmbeddings.cohereVectors(api.parseObject(buf, o -> true, "a Cohere embeddings answer"), expected);
        if (vectors == null) throw badAnswer("a Cohere embeddings answer with " + expected + " vectors");
        return new Part(vectors, tokenCount(resp.header("x-amzn-bedrock-input-token-count"), null));
      }));
    } else {
      List<ObjectNode> bodies = new ArrayList<>();
      for (String text : r.inputs()) bodies.add(BedrockEmbeddings.titanRequest(family, text, r.dimensions(), r.extra()));
      parts = EmbeddingsTranslation.each(bodies, body -> api.postJson(path, UpstreamHttp.encode(body), (resp, buf) -> {
        ObjectNode answer = api.parseObject(buf, o -> BedrockEmbeddings.titanVector(o) != null, "a Titan embeddings answer");
        return new Part(List.of(BedrockEmbeddings.titanVector(answer)),
            tokenCount(resp.header("x-amzn-bedrock-input-token-count"), answer.get("inputTextTokenCount")));
      }));
    }
    return parts.map(list -> {
      List<JsonNode> vectors = new ArrayList<>(r.inputs().size());
      long tokens = 0;
      for (Part p : list) {
        vectors.addAll(p.vectors());
        tokens = tokens < 0 || p.tokens() < 0 ? -1 : tokens + p.tokens();
      }
      TokenUsage usage = EmbeddingsTranslation.counted(tokens, r.inputs());
      return new ChatResult(EmbeddingsTranslation.answer(model, vectors, r.base64(), usage), usage, null);
    });
  }

  /** The vectors of one InvokeModel call and the input tokens Bedrock counted for it (-1: not said). */
  private record Part(List<JsonNode> vectors, long tokens) {}

  private static long tokenCount(String header, JsonNode body) {
    if (header != null && header.trim().matches("\\d{1,15}")) return Long.parseLong(header.trim());
    return body != null && body.canConvertToLong() ? body.asLong() : -1;
  }

  private GatewayException badAnswer(String what) {
    return new GatewayException.ProviderFailure("bad_upstream_response",
        "Provider \"" + config.name() + "\" answered with something that is not " + what, 200, false, null);
  }

  /** Converse answers carry no id; Bedrock's request id makes one a support case can be traced with. */
  static String completionId(String requestId) {
    return "chatcmpl-" + (requestId != null && !requestId.isBlank() ? requestId : UUID.randomUUID().toString());
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }
}
