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
import io.recllm.gateway.provider.ResponsesTranslation;
import io.recllm.gateway.provider.SseEvent;
import io.recllm.gateway.provider.StreamTranslator;
import io.recllm.gateway.provider.UpstreamApi;
import io.recllm.gateway.provider.UpstreamHttp;
import io.recllm.gateway.provider.UpstreamSseStream;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
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
  private static final String RESPONSES = "/responses";

  private final UpstreamApi api;
  private final ProviderConfig config;
  private final Route route;
  private final UnaryOperator<StreamTranslator> streams;
  private final boolean responsesApi;

  /** A server that speaks chat only (the presets): {@code /v1/responses} is translated to chat. */
  public OpenAiClient(UpstreamHttp http) {
    this(http, false);
  }

  /** @param responsesApi whether the server has OpenAI's Responses API, to pass {@code /v1/responses} to it */
  public OpenAiClient(UpstreamHttp http, boolean responsesApi) {
    this(UpstreamApi.builder(http,
            (status, body, retryAfter) -> OpenAiErrors.fromResponse(http.config().name(), status, body, retryAfter))
        .auth(UpstreamApi.AuthHeader.bearer())
        .build(), Route.OPENAI, UnaryOperator.identity(), responsesApi);
  }

  /**
   * For an API that speaks OpenAI's chat format behind other URLs, auth or errors (Azure OpenAI):
   * {@code streams} may wrap the pass-through translator to smooth the API's own stream quirks.
   */
  public OpenAiClient(UpstreamApi api, Route route, UnaryOperator<StreamTranslator> streams) {
    this(api, route, streams, false);
  }

  public OpenAiClient(UpstreamApi api, Route route, UnaryOperator<StreamTranslator> streams, boolean responsesApi) {
    this.api = api;
    this.config = api.config();
    this.route = route;
    this.streams = streams;
    this.responsesApi = responsesApi;
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

  /**
   * Passed through to {@code /responses} when the server has the Responses API: the client's body with
   * only the model name replaced, the answer's bytes as sent; usage from its {@code usage}.
   */
  @Override
  public Future<ChatResult> responses(String model, ObjectNode request, MultiMap headers) {
    if (!responsesApi) return ProviderClient.super.responses(model, request, headers);
    api.requireKey();
    return api.postJson(route.path(RESPONSES, model), responsesBody(request, model, false), (resp, buf) -> {
      ObjectNode parsed = api.parseObject(buf, o -> "response".equals(o.path("object").asText()), "a response object");
      return new ChatResult(parsed, ResponsesTranslation.usageOf(parsed.get("usage")), resp.header("x-request-id"), buf);
    });
  }

  /** The upstream's events untouched, each as a chunk holding its data; usage is read from {@code response.completed}. */
  @Override
  public Future<ChatStream> streamResponses(String model, ObjectNode request, MultiMap headers) {
    if (!responsesApi) return ProviderClient.super.streamResponses(model, request, headers);
    api.requireKey();
    return api.postStream(route.path(RESPONSES, model), responsesBody(request, model, true),
        resp -> Future.succeededFuture(new UpstreamSseStream(resp, new ResponsesPassThrough(config.name()))));
  }

  @Override
  public Future<ChatResult> storedResponse(HttpMethod method, String path) {
    if (!responsesApi) return ProviderClient.super.storedResponse(method, path);
    api.requireKey();
    int q = path.indexOf('?');
    String upstreamPath = route.path(q < 0 ? path : path.substring(0, q), null);
    if (q >= 0) upstreamPath += (upstreamPath.contains("?") ? "&" : "?") + path.substring(q + 1);
    return api.send(method, upstreamPath, method == HttpMethod.POST ? Buffer.buffer("{}") : null, (resp, buf) -> {
      ObjectNode parsed = api.parseObject(buf, o -> true, "a JSON object");
      return new ChatResult(parsed, TokenUsage.NONE, resp.header("x-request-id"), buf);
    });
  }

  private Buffer responsesBody(ObjectNode request, String model, boolean stream) {
    String upstreamModel = route.upstreamModel(model);
    if (request instanceof RawJsonObject raw && raw.raw() != null && upstreamModel.equals(request.path("model").asText(null))
        && (!stream || request.path("stream").asBoolean(false))) {
      return raw.raw(); // the client's own bytes: nothing to change
    }
    ObjectNode body = request.objectNode();
    body.setAll(request); // shallow: the client's nodes are shared, never modified
    body.put("model", upstreamModel);
    if (stream) body.put("stream", true);
    return UpstreamHttp.encode(body);
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
   * Responses API events go out as they came. An {@code error} event fails the stream; a stream that
   * ends without {@code response.completed}, {@code .incomplete} or {@code .failed} was cut off.
   */
  static final class ResponsesPassThrough implements StreamTranslator {
    private final String provider;
    private boolean finished;
    private boolean any;

    ResponsesPassThrough(String provider) {
      this.provider = provider;
    }

    @Override
    public void onEvent(SseEvent event, Consumer<ChatChunk> out) {
      String data = event.data();
      if (data.equals("[DONE]")) return; // not OpenAI's, but some compatible servers end so
      ChatChunk chunk;
      try {
        chunk = ChatChunk.parse(data);
      } catch (IllegalArgumentException e) {
        throw new GatewayException.ProviderFailure("bad_upstream_stream",
            "Provider \"" + provider + "\" sent a stream event that is not a JSON object", 200, false, e);
      }
      String type = chunk.json().path("type").asText("");
      if (type.equals("error")) throw OpenAiErrors.fromResponse(provider, 500, "{\"error\":" + data + "}", null);
      if (type.equals("response.completed") || type.equals("response.incomplete") || type.equals("response.failed")) {
        finished = true;
      }
      any = true;
      out.accept(chunk);
    }

    @Override
    public void onEnd(Consumer<ChatChunk> out) {
      if (finished) return;
      throw GatewayException.ProviderFailure.truncated(any
          ? "Provider \"" + provider + "\" ended the stream before response.completed"
          : "Provider \"" + provider + "\" ended the stream without sending anything", !any);
    }
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
