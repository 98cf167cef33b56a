package io.recllm.gateway.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.ProviderClient;
import io.recllm.gateway.provider.ProviderKeys;
import io.recllm.gateway.provider.SseEvent;
import io.recllm.gateway.provider.StreamTranslator;
import io.recllm.gateway.provider.UpstreamHttp;
import io.recllm.gateway.provider.UpstreamSseStream;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * Anthropic's Messages API behind the OpenAI chat format: the pure {@link AnthropicMapper},
 * {@link AnthropicStreamTranslator} and {@link AnthropicErrors} do the translation; this class only
 * does the HTTP exchange ({@code POST {base_url}/v1/messages} with {@code x-api-key} and
 * {@code anthropic-version}).
 */
public final class AnthropicClient implements ProviderClient {

  public static final String API_VERSION = "2023-06-01";
  private static final LongAdder UNKNOWN_STOP_REASONS = new LongAdder();

  private final UpstreamHttp http;
  private final ProviderConfig config;
  // Shared by every call: Vert.x copies request headers and never writes to these.
  private final MultiMap jsonHeaders;
  private final MultiMap sseHeaders;
  private final ToIntFunction<String> defaultMaxTokens;

  /** @param defaultMaxTokens per-model max_tokens when the client sends none (Anthropic requires one) */
  public AnthropicClient(UpstreamHttp http, ToIntFunction<String> defaultMaxTokens) {
    this.http = http;
    this.config = http.config();
    this.defaultMaxTokens = defaultMaxTokens;
    MultiMap h = HttpHeaders.headers()
        .set(HttpHeaders.CONTENT_TYPE, "application/json")
        .set(HttpHeaders.USER_AGENT, ProviderKeys.USER_AGENT)
        .set("anthropic-version", API_VERSION);
    if (config.hasKey()) h.set("x-api-key", config.apiKey());
    config.headers().forEach(h::set); // e.g. anthropic-beta, or another anthropic-version
    this.jsonHeaders = HttpHeaders.headers().addAll(h).set(HttpHeaders.ACCEPT, "application/json");
    this.sseHeaders = HttpHeaders.headers().addAll(h).set(HttpHeaders.ACCEPT, "text/event-stream");
  }

  /** Stop reasons Anthropic sent that the mapper did not know (mapped to "stop"), since start. */
  public static long unknownStopReasons() {
    return UNKNOWN_STOP_REASONS.sum();
  }

  @Override
  public ProviderConfig config() {
    return config;
  }

  @Override
  public Future<ChatResult> chat(String model, ObjectNode request) {
    ProviderKeys.requireKey(config);
    ObjectNode body = AnthropicMapper.toAnthropicRequest(request, model, defaultMaxTokens.applyAsInt(model));
    body.remove("stream");
    return http.post("/v1/messages", jsonHeaders, UpstreamHttp.encode(body))
        .compose(resp -> resp.body().map(buf -> {
          if (resp.status() / 100 != 2) {
            throw AnthropicErrors.fromResponse(resp.status(), buf.toString(), resp.header("retry-after"));
          }
          ObjectNode message = parseMessage(buf);
          String stopReason = message.path("stop_reason").asText(null);
          if (!AnthropicMapper.isKnownStopReason(stopReason)) UNKNOWN_STOP_REASONS.increment();
          return AnthropicMapper.toChatResult(message, System.currentTimeMillis() / 1000, resp.header("request-id"));
        }));
  }

  @Override
  public Future<ChatStream> stream(String model, ObjectNode request) {
    ProviderKeys.requireKey(config);
    ObjectNode body = AnthropicMapper.toAnthropicRequest(request, model, defaultMaxTokens.applyAsInt(model));
    body.put("stream", true);
    return http.post("/v1/messages", sseHeaders, UpstreamHttp.encode(body)).compose(resp -> {
      if (resp.status() / 100 != 2) {
        return resp.body().map(buf -> {
          throw AnthropicErrors.fromResponse(resp.status(), buf.toString(), resp.header("retry-after"));
        });
      }
      return Future.succeededFuture(new UpstreamSseStream(resp,
          new Translator(new AnthropicStreamTranslator(System.currentTimeMillis() / 1000))));
    });
  }

  private ObjectNode parseMessage(Buffer buf) {
    try {
      JsonNode node = Json.MAPPER.readTree(buf.getBytes());
      if (node instanceof ObjectNode o && "message".equals(o.path("type").asText())) return o;
    } catch (Exception e) {
      // reported below
    }
    throw new GatewayException.ProviderFailure("bad_upstream_response",
        "Provider \"" + config.name() + "\" answered with something that is not an Anthropic message", 200, false, null);
  }

  /** Adapts the pure translator to the stream plumbing, attaching the full usage (with cache writes). */
  private static final class Translator implements StreamTranslator {
    private final AnthropicStreamTranslator translator;

    Translator(AnthropicStreamTranslator translator) {
      this.translator = translator;
    }

    @Override
    public void onEvent(SseEvent event, Consumer<ChatChunk> out) {
      emit(translator.onEvent(event), out);
    }

    @Override
    public void onEnd(Consumer<ChatChunk> out) {
      emit(translator.onEnd(), out);
    }

    private void emit(List<ObjectNode> chunks, Consumer<ChatChunk> out) {
      for (ObjectNode c : chunks) {
        JsonNode choices = c.get("choices");
        boolean usageOnly = c.has("usage") && choices != null && choices.isEmpty();
        if (usageOnly && !AnthropicMapper.isKnownStopReason(translator.stopReason())) UNKNOWN_STOP_REASONS.increment();
        out.accept(usageOnly ? ChatChunk.of(c, translator.usage()) : ChatChunk.of(c));
      }
    }
  }
}
