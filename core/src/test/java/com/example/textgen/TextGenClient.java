package com.example.textgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.ProviderClient;
import io.recllm.gateway.provider.SseEvent;
import io.recllm.gateway.provider.StreamTranslator;
import io.recllm.gateway.provider.UpstreamApi;
import io.recllm.gateway.provider.UpstreamHttp;
import io.vertx.core.Future;
import java.util.function.Consumer;

/**
 * The TextGen API (made up for this example): {@code POST {base_url}/generate} with
 * {@code {"model", "prompt": [{"role", "text"}], "max_new_tokens", "stream"}}, the key in
 * {@code x-textgen-key}, answered with {@code {"id", "model", "output", "stop": "eos"|"max_length",
 * "tokens": {"input", "output"}}}; a stream sends {@code {"delta": "..."}} events and then one with
 * {@code stop} and {@code tokens}. Errors are {@code {"detail": "..."}}. It has no tool calls.
 * Everything but the mapping is {@link UpstreamApi}'s.
 */
final class TextGenClient implements ProviderClient {

  private static final String PATH = "/generate";

  private final UpstreamApi api;
  private final TextGenSettings settings;

  TextGenClient(UpstreamHttp http, TextGenSettings settings) {
    this.settings = settings;
    this.api = UpstreamApi.builder(http, TextGenClient::error)
        .auth(UpstreamApi.AuthHeader.header("x-textgen-key"))
        .header("textgen-version", settings.apiVersion())
        .build();
  }

  @Override
  public ProviderConfig config() {
    return api.config();
  }

  @Override
  public Future<ChatResult> chat(String model, ObjectNode request) {
    api.requireKey();
    return api.postJson(PATH, UpstreamHttp.encode(toTextGen(model, request, false)), (resp, buf) -> {
      ObjectNode answer = api.parseObject(buf, o -> o.path("output").isTextual(), "a TextGen answer");
      return new ChatResult(toChatCompletion(answer, model), usage(answer), resp.header("x-textgen-request-id"));
    });
  }

  @Override
  public Future<ChatStream> stream(String model, ObjectNode request) {
    api.requireKey();
    return api.postSse(PATH, UpstreamHttp.encode(toTextGen(model, request, true)), () -> new Translator(model));
  }

  private ObjectNode toTextGen(String model, ObjectNode request, boolean stream) {
    if (request.has("tools") || request.has("tool_choice")) {
      throw new GatewayException.InvalidRequest("unsupported_parameter", "tools", "TextGen models cannot call tools");
    }
    ObjectNode out = Json.object();
    out.put("model", model);
    ArrayNode prompt = out.putArray("prompt");
    for (JsonNode m : request.path("messages")) {
      prompt.addObject().put("role", m.path("role").asText()).put("text", m.path("content").asText());
    }
    JsonNode max = request.hasNonNull("max_completion_tokens") ? request.get("max_completion_tokens") : request.get("max_tokens");
    out.put("max_new_tokens", max != null && max.canConvertToInt() ? max.asInt() : settings.defaultMaxNewTokens());
    out.put("stream", stream);
    return out;
  }

  private static ObjectNode toChatCompletion(JsonNode answer, String model) {
    TokenUsage usage = usage(answer);
    ObjectNode body = Json.object();
    body.put("id", "chatcmpl-" + answer.path("id").asText());
    body.put("object", "chat.completion");
    body.put("created", System.currentTimeMillis() / 1000);
    body.put("model", answer.path("model").asText(model));
    ObjectNode choice = body.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("message").put("role", "assistant").put("content", answer.get("output").asText());
    choice.put("finish_reason", finishReason(answer.path("stop").asText()));
    body.putObject("usage").put("prompt_tokens", usage.promptTokens()).put("completion_tokens", usage.completionTokens())
        .put("total_tokens", usage.totalTokens());
    return body;
  }

  private static TokenUsage usage(JsonNode answer) {
    return TokenUsage.of(answer.path("tokens").path("input").asLong(), answer.path("tokens").path("output").asLong());
  }

  private static String finishReason(String stop) {
    return stop.equals("max_length") ? "length" : "stop";
  }

  static GatewayException error(int status, String body, String retryAfter) {
    String detail;
    try {
      detail = Json.MAPPER.readTree(body).path("detail").asText("");
    } catch (Exception notJson) {
      detail = "";
    }
    String message = detail.isBlank() ? "TextGen answered HTTP " + status : detail;
    if (status == 429) return new GatewayException.RateLimited(null, null, message, retryAfter);
    if (status == 404) return new GatewayException.NotFound("model_not_found", message, 404);
    if (status >= 400 && status < 500) return new GatewayException.UpstreamRejected(status, null, null, null, message);
    return new GatewayException.ProviderFailure("upstream_error", message, status, status >= 500, null);
  }

  /** TextGen events to OpenAI chunks: a role chunk first, one chunk per delta, the finish reason, then usage. */
  private static final class Translator implements StreamTranslator {
    private final String model;
    private final long created = System.currentTimeMillis() / 1000;
    private boolean roleSent;

    Translator(String model) {
      this.model = model;
    }

    @Override
    public void onEvent(SseEvent event, Consumer<ChatChunk> out) {
      JsonNode e;
      try {
        e = Json.MAPPER.readTree(event.data());
      } catch (Exception notJson) {
        throw new GatewayException.ProviderFailure("bad_upstream_stream", "TextGen sent an event that is not JSON", 200,
            false, notJson);
      }
      String id = "chatcmpl-" + e.path("id").asText();
      if (!roleSent) {
        ObjectNode first = chunk(id, e);
        first.putArray("choices").addObject().put("index", 0).putObject("delta").put("role", "assistant").put("content", "");
        out.accept(ChatChunk.of(first));
        roleSent = true;
      }
      if (e.has("delta")) {
        ObjectNode c = chunk(id, e);
        c.putArray("choices").addObject().put("index", 0).putObject("delta").put("content", e.get("delta").asText());
        out.accept(ChatChunk.of(c));
      }
      if (e.has("stop")) {
        ObjectNode last = chunk(id, e);
        ObjectNode choice = last.putArray("choices").addObject().put("index", 0);
        choice.putObject("delta");
        choice.put("finish_reason", finishReason(e.get("stop").asText()));
        out.accept(ChatChunk.of(last));
        TokenUsage usage = usage(e);
        ObjectNode u = chunk(id, e);
        u.putArray("choices");
        u.putObject("usage").put("prompt_tokens", usage.promptTokens()).put("completion_tokens", usage.completionTokens())
            .put("total_tokens", usage.totalTokens());
        out.accept(ChatChunk.of(u, usage));
      }
    }

    private ObjectNode chunk(String id, JsonNode event) {
      ObjectNode c = Json.object();
      c.put("id", id);
      c.put("object", "chat.completion.chunk");
      c.put("created", created);
      c.put("model", event.path("model").asText(model));
      return c;
    }
  }
}
