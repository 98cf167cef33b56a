package io.recllm.gateway.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.json.RawJsonObject;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.ProviderClient;
import io.recllm.gateway.provider.SseEvent;
import io.recllm.gateway.provider.StreamTranslator;
import io.recllm.gateway.provider.UpstreamApi;
import io.recllm.gateway.provider.UpstreamHttp;
import io.recllm.gateway.provider.UpstreamSseStream;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Any OpenAI-compatible server (OpenAI, Groq, Together, Mistral, DeepSeek, OpenRouter, Ollama, vLLM,
 * llama.cpp). The client's body passes through untouched apart from the model name and, for streams,
 * {@code stream_options.include_usage}, which the gateway always asks for so usage is never lost.
 */
public final class OpenAiClient implements ProviderClient {

  /**
   * Where an OpenAI-compatible API takes a chat call for a model, and the model name its body carries.
   * OpenAI's own: {@code {base_url}/chat/completions} with the model as asked.
   */
  public interface Route {
    Route OPENAI = (operation, model) -> operation;

    /**
     * The path below {@code base_url}, query included, of an operation ({@code /chat/completions},
     * {@code /embeddings}, {@code /completions}) on a model.
     */
    String path(String operation, String model);

    default String upstreamModel(String model) {
      return model;
    }
  }

  private static final String PATH = "/chat/completions";

  private final UpstreamApi api;
  private final ProviderConfig config;
  private final Route route;
  private final UnaryOperator<StreamTranslator> streams;

  public OpenAiClient(UpstreamHttp http) {
    this(UpstreamApi.builder(http,
            (status, body, retryAfter) -> OpenAiErrors.fromResponse(http.config().name(), status, body, retryAfter))
        .auth(UpstreamApi.AuthHeader.bearer())
        .build(), Route.OPENAI, UnaryOperator.identity());
  }

  /**
   * For an API that speaks OpenAI's chat format behind other URLs, auth or errors (Azure OpenAI):
   * {@code streams} may wrap the pass-through translator to smooth the API's own stream quirks.
   */
  public OpenAiClient(UpstreamApi api, Route route, UnaryOperator<StreamTranslator> streams) {
    this.api = api;
    this.config = api.config();
    this.route = route;
    this.streams = streams;
  }

  @Override
  public ProviderConfig config() {
    return config;
  }

  @Override
  public Future<ChatResult> chat(String model, ObjectNode request) {
    return unary(PATH, model, request, "a chat completion JSON object");
  }

  /** Passed through: {@code encoding_format} (float or base64) and {@code dimensions} are the upstream's to honour. */
  @Override
  public Future<ChatResult> embeddings(String model, ObjectNode request) {
    return unary("/embeddings", model, request, "an embeddings JSON object");
  }

  @Override
  public Future<ChatResult> completions(String model, ObjectNode request) {
    return unary("/completions", model, request, "a text completion JSON object");
  }

  @Override
  public Future<ChatStream> stream(String model, ObjectNode request) {
    return sse(PATH, model, request);
  }

  /** Legacy completions stream like chat: chunks with {@code choices[].finish_reason}, a usage chunk when asked. */
  @Override
  public Future<ChatStream> streamCompletions(String model, ObjectNode request) {
    return sse("/completions", model, request);
  }

  private Future<ChatResult> unary(String operation, String model, ObjectNode request, String what) {
    api.requireKey();
    String path = route.path(operation, model);
    String upstreamModel = route.upstreamModel(model);
    Buffer payload = unchanged(request, upstreamModel, false);
    if (payload == null) {
      ObjectNode body = request.objectNode();
      body.setAll(request); // shallow: the client's nodes are shared, never modified
      body.put("model", upstreamModel);
      payload = UpstreamHttp.encode(body);
    }
    return api.postJson(path, payload, (resp, buf) -> {
      ObjectNode parsed = api.parseObject(buf, o -> true, what);
      return new ChatResult(parsed, TokenUsage.fromOpenAi(parsed.get("usage")), resp.header("x-request-id"), buf);
    });
  }

  private Future<ChatStream> sse(String operation, String model, ObjectNode request) {
    api.requireKey();
    String path = route.path(operation, model);
    String upstreamModel = route.upstreamModel(model);
    Buffer payload = unchanged(request, upstreamModel, true);
    if (payload == null) {
      ObjectNode body = request.objectNode();
      body.setAll(request);
      body.put("model", upstreamModel);
      body.put("stream", true);
      ObjectNode streamOptions = body.objectNode();
      JsonNode clientOptions = request.get("stream_options");
      if (clientOptions instanceof ObjectNode o) streamOptions.setAll(o);
      streamOptions.put("include_usage", true);
      body.set("stream_options", streamOptions);
      payload = UpstreamHttp.encode(body);
    }
    return api.postStream(path, payload, resp -> {
      String contentType = resp.header("content-type");
      if (contentType != null && contentType.startsWith("application/json")) {
        // some compatible servers ignore stream:true; their error or answer arrives as one JSON body
        return resp.body().map(buf -> {
          throw api.errors().fromResponse(502, buf.toString(), null);
        });
      }
      return Future.succeededFuture(new UpstreamSseStream(resp, streams.apply(new PassThrough(config.name()))));
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
