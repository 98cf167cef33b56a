package io.recllm.gateway.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.json.RawJsonObject;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.ProviderClient;
import io.recllm.gateway.provider.ProviderKeys;
import io.recllm.gateway.provider.SseEvent;
import io.recllm.gateway.provider.StreamTranslator;
import io.recllm.gateway.provider.TokenUsage;
import io.recllm.gateway.provider.UpstreamHttp;
import io.recllm.gateway.provider.UpstreamSseStream;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.util.function.Consumer;

/**
 * Any OpenAI-compatible server (OpenAI, Groq, Together, Mistral, DeepSeek, OpenRouter, Ollama, vLLM,
 * llama.cpp). The client's body passes through untouched apart from the model name and, for streams,
 * {@code stream_options.include_usage}, which the gateway always asks for so usage is never lost.
 */
public final class OpenAiClient implements ProviderClient {

  private final UpstreamHttp http;
  private final ProviderConfig config;
  // Shared by every call: Vert.x copies request headers and never writes to these.
  private final MultiMap jsonHeaders;
  private final MultiMap sseHeaders;

  public OpenAiClient(UpstreamHttp http) {
    this.http = http;
    this.config = http.config();
    MultiMap h = HttpHeaders.headers()
        .set(HttpHeaders.CONTENT_TYPE, "application/json")
        .set(HttpHeaders.USER_AGENT, ProviderKeys.USER_AGENT);
    if (config.hasKey()) h.set(HttpHeaders.AUTHORIZATION, "Bearer " + config.apiKey());
    config.headers().forEach(h::set);
    this.jsonHeaders = HttpHeaders.headers().addAll(h).set(HttpHeaders.ACCEPT, "application/json");
    this.sseHeaders = HttpHeaders.headers().addAll(h).set(HttpHeaders.ACCEPT, "text/event-stream");
  }

  @Override
  public ProviderConfig config() {
    return config;
  }

  @Override
  public Future<ChatResult> chat(String model, ObjectNode request) {
    ProviderKeys.requireKey(config);
    Buffer payload = unchanged(request, model, false);
    if (payload == null) {
      ObjectNode body = request.objectNode();
      body.setAll(request); // shallow: the client's nodes are shared, never modified
      body.put("model", model);
      payload = UpstreamHttp.encode(body);
    }
    return http.post("/chat/completions", jsonHeaders, payload)
        .compose(resp -> resp.body().map(buf -> {
          if (resp.status() / 100 != 2) {
            throw OpenAiErrors.fromResponse(config.name(), resp.status(), buf.toString(), resp.header("retry-after"));
          }
          ObjectNode parsed = parseCompletion(buf);
          return new ChatResult(parsed, TokenUsage.fromOpenAi(parsed.get("usage")), resp.header("x-request-id"), buf);
        }));
  }

  @Override
  public Future<ChatStream> stream(String model, ObjectNode request) {
    ProviderKeys.requireKey(config);
    Buffer payload = unchanged(request, model, true);
    if (payload == null) {
      ObjectNode body = request.objectNode();
      body.setAll(request);
      body.put("model", model);
      body.put("stream", true);
      ObjectNode streamOptions = body.objectNode();
      JsonNode clientOptions = request.get("stream_options");
      if (clientOptions instanceof ObjectNode o) streamOptions.setAll(o);
      streamOptions.put("include_usage", true);
      body.set("stream_options", streamOptions);
      payload = UpstreamHttp.encode(body);
    }
    return http.post("/chat/completions", sseHeaders, payload).compose(resp -> {
      if (resp.status() / 100 != 2) {
        return resp.body().map(buf -> {
          throw OpenAiErrors.fromResponse(config.name(), resp.status(), buf.toString(), resp.header("retry-after"));
        });
      }
      String contentType = resp.header("content-type");
      if (contentType != null && contentType.startsWith("application/json")) {
        // some compatible servers ignore stream:true; their error or answer arrives as one JSON body
        return resp.body().map(buf -> {
          throw OpenAiErrors.fromResponse(config.name(), 502, buf.toString(), null);
        });
      }
      return Future.succeededFuture(new UpstreamSseStream(resp, new PassThrough(config.name())));
    });
  }

  /**
   * The client's own bytes when they are exactly what the upstream should get: same model name (no
   * provider prefix to strip) and, for streams, usage already requested. Saves a serialisation per call.
   */
  private static Buffer unchanged(ObjectNode request, String model, boolean stream) {
    if (!(request instanceof RawJsonObject raw) || raw.raw() == null) return null;
    if (!model.equals(request.path("model").asText(null))) return null;
    if (stream && !request.path("stream_options").path("include_usage").asBoolean(false)) return null;
    return raw.raw();
  }

  private ObjectNode parseCompletion(Buffer buf) {
    try {
      JsonNode node = Json.MAPPER.readTree(buf.getBytes());
      if (node instanceof ObjectNode o) return o;
    } catch (Exception e) {
      // fall through to the error below
    }
    throw new GatewayException.ProviderFailure("bad_upstream_response",
        "Provider \"" + config.name() + "\" answered with something that is not a chat completion JSON object", 200,
        false, null);
  }

  /**
   * OpenAI chunks go out as they came; only an in-stream error object is turned into a failure, and so
   * is a stream that ends before it is complete. Complete means {@code data: [DONE]} was seen, or a
   * {@code finish_reason} was seen before the upstream closed cleanly: some OpenAI-compatible servers
   * never send {@code [DONE]}, but none stops without a finish reason unless it was cut off.
   */
  static final class PassThrough implements StreamTranslator {
    private final String provider;
    private boolean done;
    private boolean finishReasonSeen;
    private boolean anyChunk;

    PassThrough(String provider) {
      this.provider = provider;
    }

    @Override
    public void onEvent(SseEvent event, Consumer<ChatChunk> out) {
      String data = event.data();
      if (data.equals("[DONE]")) {
        done = true;
        return;
      }
      ChatChunk chunk;
      try {
        chunk = ChatChunk.parse(data);
      } catch (IllegalArgumentException e) {
        throw new GatewayException.ProviderFailure("bad_upstream_stream",
            "Provider \"" + provider + "\" sent a stream event that is not a JSON object", 200, false, e);
      }
      if (chunk.isError()) throw OpenAiErrors.fromResponse(provider, 500, data, null);
      if (chunk.finishReason() != null) finishReasonSeen = true;
      anyChunk = true;
      out.accept(chunk);
    }

    @Override
    public void onEnd(Consumer<ChatChunk> out) {
      if (done || finishReasonSeen) return;
      throw GatewayException.ProviderFailure.truncated(anyChunk
          ? "Provider \"" + provider + "\" ended the stream before the answer was finished (no finish_reason, no [DONE])"
          : "Provider \"" + provider + "\" ended the stream without sending anything", !anyChunk);
    }
  }
}
