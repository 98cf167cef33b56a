package io.recllm.gateway.provider.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.PreparedChatStream;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.ProviderClient;
import io.recllm.gateway.provider.TokenCounter;
import io.recllm.gateway.provider.openai.OpenAiErrors;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Offline, deterministic provider for the quick start, demos, tests and benchmarks. Every model echoes
 * the last user message back. A model named {@code error-<status>} (e.g. {@code mock:error-429}) answers
 * with that upstream error, so error handling can be tried without a real provider.
 */
public final class MockClient implements ProviderClient {

  private static final Pattern ERROR_MODEL = Pattern.compile("error-(\\d{3})");

  private final Vertx vertx;
  private final ProviderConfig config;
  private final MockSettings settings;

  public MockClient(Vertx vertx, ProviderConfig config, MockSettings settings) {
    this.vertx = vertx;
    this.config = config;
    this.settings = settings;
  }

  @Override
  public ProviderConfig config() {
    return config;
  }

  @Override
  public Future<ChatResult> chat(String model, ObjectNode request) {
    failIfErrorModel(model);
    String reply = reply(request);
    long prompt = TokenCounter.countPrompt(request.get("messages"));
    long completion = TokenCounter.count(reply);
    ObjectNode body = Json.object();
    body.put("id", "chatcmpl-mock-" + Integer.toHexString(reply.hashCode()));
    body.put("object", "chat.completion");
    body.put("created", System.currentTimeMillis() / 1000);
    body.put("model", model);
    ArrayNode choices = body.putArray("choices");
    ObjectNode choice = choices.addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    message.put("content", reply);
    message.putNull("refusal");
    choice.putNull("logprobs");
    choice.put("finish_reason", "stop");
    ObjectNode usage = body.putObject("usage");
    usage.put("prompt_tokens", prompt);
    usage.put("completion_tokens", completion);
    usage.put("total_tokens", prompt + completion);
    ChatResult result = new ChatResult(body, TokenUsage.of(prompt, completion), null);
    if (settings.delayMs() <= 0) return Future.succeededFuture(result);
    Promise<ChatResult> promise = Promise.promise();
    vertx.setTimer(settings.delayMs(), id -> promise.complete(result));
    return promise.future();
  }

  @Override
  public Future<ChatStream> stream(String model, ObjectNode request) {
    failIfErrorModel(model);
    String reply = reply(request);
    boolean includeUsage = true; // like a real upstream asked by the gateway: usage always comes last
    List<ChatChunk> chunks = new ArrayList<>();
    String id = "chatcmpl-mock-" + Integer.toHexString(reply.hashCode());
    long created = System.currentTimeMillis() / 1000;
    ObjectNode first = chunk(id, created, model);
    ObjectNode firstDelta = (ObjectNode) first.get("choices").get(0).get("delta");
    firstDelta.put("role", "assistant");
    firstDelta.put("content", "");
    chunks.add(ChatChunk.of(first));
    for (String piece : pieces(reply)) {
      ObjectNode c = chunk(id, created, model);
      ((ObjectNode) c.get("choices").get(0).get("delta")).put("content", piece);
      chunks.add(ChatChunk.of(c));
    }
    ObjectNode last = chunk(id, created, model);
    ((ObjectNode) last.get("choices").get(0)).put("finish_reason", "stop");
    chunks.add(ChatChunk.of(last));
    if (includeUsage) {
      long prompt = TokenCounter.countPrompt(request.get("messages"));
      long completion = TokenCounter.count(reply);
      ObjectNode u = Json.object();
      u.put("id", id);
      u.put("object", "chat.completion.chunk");
      u.put("created", created);
      u.put("model", model);
      u.putArray("choices");
      ObjectNode usage = u.putObject("usage");
      usage.put("prompt_tokens", prompt);
      usage.put("completion_tokens", completion);
      usage.put("total_tokens", prompt + completion);
      chunks.add(ChatChunk.of(u));
    }
    PreparedChatStream stream = new PreparedChatStream(vertx, chunks, settings.streamDelayMs());
    if (settings.delayMs() <= 0) return Future.succeededFuture(stream);
    Promise<ChatStream> promise = Promise.promise();
    vertx.setTimer(settings.delayMs(), t -> promise.complete(stream));
    return promise.future();
  }

  @Override
  public Future<ChatResult> embeddings(String model, ObjectNode request) {
    failIfErrorModel(model);
    return later(MockEndpoints.embeddings(model, request));
  }

  @Override
  public Future<ChatResult> completions(String model, ObjectNode request) {
    failIfErrorModel(model);
    return later(MockEndpoints.completion(model, request));
  }

  @Override
  public Future<ChatStream> streamCompletions(String model, ObjectNode request) {
    failIfErrorModel(model);
    return later(new PreparedChatStream(vertx, MockEndpoints.completionChunks(model, request), settings.streamDelayMs()));
  }

  /** After {@code delay_ms}, as the chat answers come. */
  private <T> Future<T> later(T answer) {
    if (settings.delayMs() <= 0) return Future.succeededFuture(answer);
    Promise<T> promise = Promise.promise();
    vertx.setTimer(settings.delayMs(), id -> promise.complete(answer));
    return promise.future();
  }

  private void failIfErrorModel(String model) {
    Matcher m = ERROR_MODEL.matcher(model);
    if (m.matches()) {
      int status = Integer.parseInt(m.group(1));
      throw OpenAiErrors.fromResponse(config.name(), status,
          "{\"error\":{\"message\":\"Mock error " + status + " requested by model " + model
              + "\",\"type\":\"mock_error\",\"code\":\"mock_" + status + "\"}}",
          status == 429 ? "1" : null);
    }
    if (model.isBlank()) {
      throw new GatewayException.InvalidRequest("invalid_model", "model", "The mock provider needs a model name");
    }
  }

  private static ObjectNode chunk(String id, long created, String model) {
    ObjectNode c = Json.object();
    c.put("id", id);
    c.put("object", "chat.completion.chunk");
    c.put("created", created);
    c.put("model", model);
    ObjectNode choice = c.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("delta");
    choice.putNull("logprobs");
    choice.putNull("finish_reason");
    return c;
  }

  /** Splits the reply into word-sized pieces, keeping the spaces, like a model's token stream. */
  static List<String> pieces(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 1; i < text.length(); i++) {
      if (text.charAt(i) == ' ') {
        out.add(text.substring(start, i));
        start = i;
      }
    }
    if (start < text.length()) out.add(text.substring(start));
    return out;
  }

  static String reply(ObjectNode request) {
    JsonNode messages = request.get("messages");
    for (int i = messages.size() - 1; i >= 0; i--) {
      JsonNode m = messages.get(i);
      if ("user".equals(m.path("role").asText())) {
        String text = TokenCounter.contentText(m.get("content"));
        if (!text.isEmpty()) return text;
      }
    }
    return "Hello from the mock provider.";
  }
}
