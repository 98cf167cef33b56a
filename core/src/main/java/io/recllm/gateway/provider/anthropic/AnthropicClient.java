package io.recllm.gateway.provider.anthropic;

import static io.recllm.gateway.provider.MessagesTranslation.usageOf;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.RawJsonObject;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.ProviderClient;
import io.recllm.gateway.provider.ProviderCounters;
import io.recllm.gateway.provider.SseEvent;
import io.recllm.gateway.provider.StreamTranslator;
import io.recllm.gateway.provider.UpstreamApi;
import io.recllm.gateway.provider.UpstreamHttp;
import io.recllm.gateway.provider.UpstreamSseStream;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * Anthropic's Messages API behind the OpenAI chat format: the pure {@link AnthropicMapper},
 * {@link AnthropicStreamTranslator} and {@link AnthropicErrors} do the translation; {@link UpstreamApi}
 * does the HTTP exchange ({@code POST {base_url}/v1/messages} with {@code x-api-key} and
 * {@code anthropic-version}).
 */
public final class AnthropicClient implements ProviderClient {

  public static final String API_VERSION = "2023-06-01";
  private static final String PATH = "/v1/messages";

  private final UpstreamApi api;
  private final ProviderConfig config;
  private final ToIntFunction<String> defaultMaxTokens;

  /** @param defaultMaxTokens per-model max_tokens when the client sends none (Anthropic requires one) */
  public AnthropicClient(UpstreamHttp http, ToIntFunction<String> defaultMaxTokens) {
    this.config = http.config();
    this.defaultMaxTokens = defaultMaxTokens;
    // configured headers come last: e.g. anthropic-beta, or another anthropic-version
    this.api = UpstreamApi.builder(http, AnthropicErrors::fromResponse)
        .header("anthropic-version", API_VERSION)
        .auth(UpstreamApi.AuthHeader.header("x-api-key"))
        .build();
  }

  @Override
  public ProviderConfig config() {
    return config;
  }

  @Override
  public Future<ChatResult> chat(String model, ObjectNode request) {
    api.requireKey();
    ObjectNode body = AnthropicMapper.toAnthropicRequest(request, model, defaultMaxTokens.applyAsInt(model));
    body.remove("stream");
    return api.postJson(PATH, UpstreamHttp.encode(body), (resp, buf) -> {
      ObjectNode message = api.parseObject(buf, o -> "message".equals(o.path("type").asText()), "an Anthropic message");
      String stopReason = message.path("stop_reason").asText(null);
      if (!AnthropicMapper.isKnownStopReason(stopReason)) ProviderCounters.unknownStopReason();
      return AnthropicMapper.toChatResult(message, System.currentTimeMillis() / 1000, resp.header("request-id"));
    });
  }

  @Override
  public Future<ChatStream> stream(String model, ObjectNode request) {
    api.requireKey();
    ObjectNode body = AnthropicMapper.toAnthropicRequest(request, model, defaultMaxTokens.applyAsInt(model));
    body.put("stream", true);
    return api.postSse(PATH, UpstreamHttp.encode(body),
        () -> new AnthropicStreamTranslator(System.currentTimeMillis() / 1000).plumbing());
  }

  /**
   * {@code /v1/messages} passed through: the client's body with the model name replaced, its
   * {@code anthropic-beta} (and {@code anthropic-version}) kept; the answer's bytes go back as sent.
   */
  @Override
  public Future<ChatResult> messages(String model, ObjectNode request, MultiMap headers) {
    api.requireKey();
    return api.postJson(PATH, clientHeaders(headers), passThroughBody(request, model, false), (resp, buf) -> {
      ObjectNode message = api.parseObject(buf, o -> "message".equals(o.path("type").asText()), "an Anthropic message");
      return new ChatResult(message, usageOf(message.get("usage")), resp.header("request-id"), buf);
    });
  }

  /** The upstream's events untouched, each as a chunk holding its data; usage is read by whoever relays them. */
  @Override
  public Future<ChatStream> streamMessages(String model, ObjectNode request, MultiMap headers) {
    api.requireKey();
    return api.postStream(PATH, clientHeaders(headers), passThroughBody(request, model, true),
        resp -> Future.succeededFuture(new UpstreamSseStream(resp, new PassThrough(config.name()))));
  }

  @Override
  public Future<ChatResult> countMessageTokens(String model, ObjectNode request, MultiMap headers) {
    api.requireKey();
    ObjectNode body = request.objectNode();
    body.setAll(request);
    body.put("model", model);
    return api.postJson(PATH + "/count_tokens", clientHeaders(headers), UpstreamHttp.encode(body), (resp, buf) -> {
      ObjectNode count = api.parseObject(buf, o -> o.has("input_tokens"), "an Anthropic token count");
      return new ChatResult(count, io.recllm.gateway.core.TokenUsage.NONE, resp.header("request-id"), buf);
    });
  }

  private static Buffer passThroughBody(ObjectNode request, String model, boolean stream) {
    if (request instanceof RawJsonObject raw && raw.raw() != null && model.equals(request.path("model").asText(null))) {
      return raw.raw(); // the client's own bytes: nothing to change
    }
    ObjectNode body = request.objectNode();
    body.setAll(request); // shallow: the client's nodes are shared, never modified
    body.put("model", model);
    if (stream) body.put("stream", true);
    return UpstreamHttp.encode(body);
  }

  /** The Anthropic headers a client may choose per call; the configured headers still come from the provider. */
  private static MultiMap clientHeaders(MultiMap headers) {
    if (headers == null) return null;
    MultiMap out = MultiMap.caseInsensitiveMultiMap();
    for (String name : new String[] {"anthropic-beta", "anthropic-version"}) {
      String v = headers.get(name);
      if (v != null && !v.isBlank()) out.set(name, v);
    }
    return out;
  }

  /** Events as sent; a stream that ends before {@code message_stop} was cut off. */
  private static final class PassThrough implements StreamTranslator {
    private final String provider;
    private boolean stopped;
    private boolean any;

    PassThrough(String provider) {
      this.provider = provider;
    }

    @Override
    public void onEvent(SseEvent event, Consumer<ChatChunk> out) {
      ChatChunk chunk;
      try {
        chunk = ChatChunk.parse(event.data());
      } catch (IllegalArgumentException e) {
        throw new GatewayException.ProviderFailure("bad_upstream_stream",
            "Provider \"" + provider + "\" sent a stream event that is not a JSON object", 200, false, e);
      }
      String type = chunk.json().path("type").asText("");
      if (type.equals("error")) throw AnthropicErrors.fromResponse(500, event.data(), null);
      if (type.equals("message_stop")) stopped = true;
      any = true;
      out.accept(chunk);
    }

    @Override
    public void onEnd(Consumer<ChatChunk> out) {
      if (stopped) return;
      throw GatewayException.ProviderFailure.truncated(any
          ? "Provider \"" + provider + "\" ended the stream before message_stop"
          : "Provider \"" + provider + "\" ended the stream without sending anything", !any);
    }
  }
}
