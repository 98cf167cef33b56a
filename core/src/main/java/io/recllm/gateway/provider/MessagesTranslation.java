package io.recllm.gateway.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import java.util.Map;
import java.util.Set;

/**
 * Anthropic's Messages API in front of a provider that speaks only chat: a Messages request becomes
 * the gateway's chat form, and the chat answer becomes a Messages answer. The inverse of the anthropic
 * adapter's mapping, under the same fidelity rule: what chat cannot express is a 400
 * {@code unsupported_parameter} naming the field, never silently dropped. Dropped on purpose, because
 * they only steer Anthropic's own serving: {@code cache_control} hints and earlier turns' thinking blocks.
 * Pure: JSON in, JSON out.
 */
public final class MessagesTranslation {

  /** Fields passed on under their chat name; anything else not handled below is refused. */
  private static final Map<String, String> SAME_MEANING = Map.of(
      "max_tokens", "max_tokens", "temperature", "temperature", "top_p", "top_p", "stop_sequences", "stop");
  private static final Set<String> HANDLED = Set.of("model", "messages", "system", "stream", "tools", "tool_choice",
      "metadata", "thinking");

  private static final Map<String, String> STOP_REASONS = Map.of(
      "stop", "end_turn", "length", "max_tokens", "tool_calls", "tool_use", "function_call", "tool_use",
      "content_filter", "refusal");

  private MessagesTranslation() {}

  /** A Messages request as a chat completion request for {@code model}. */
  public static ObjectNode toChat(ObjectNode m) {
    ObjectNode chat = Json.object();
    chat.put("model", m.path("model").asText());
    ArrayNode messages = chat.putArray("messages");
    JsonNode system = m.get("system");
    if (system != null && !system.isNull()) messages.addObject().put("role", "system").put("content", text(system, "system"));
    JsonNode in = m.get("messages");
    for (int i = 0; i < in.size(); i++) addMessage(messages, in.get(i), "messages[" + i + "]");
    var fields = m.fieldNames();
    while (fields.hasNext()) {
      String f = fields.next();
      if (SAME_MEANING.containsKey(f)) chat.set(SAME_MEANING.get(f), m.get(f));
      else if (!HANDLED.contains(f)) throw unsupported(f, "'" + f + "' has no equivalent in the chat API this provider speaks.");
    }
    JsonNode thinking = m.get("thinking");
    if (thinking != null && !thinking.isNull() && !"disabled".equals(thinking.path("type").asText())) {
      throw unsupported("thinking", "Extended thinking is available only from an anthropic provider.");
    }
    String user = m.path("metadata").path("user_id").asText(null);
    if (user != null) chat.put("user", user);
    JsonNode tools = m.get("tools");
    if (tools != null && tools.isArray()) chat.set("tools", tools(tools));
    JsonNode choice = m.get("tool_choice");
    if (choice != null && choice.isObject()) toolChoice(chat, choice);
    if (m.path("stream").asBoolean(false)) {
      chat.put("stream", true);
      chat.putObject("stream_options").put("include_usage", true);
    }
    return chat;
  }

  private static void addMessage(ArrayNode out, JsonNode msg, String path) {
    String role = msg.path("role").asText();
    JsonNode content = msg.get("content");
    if (content == null || content.isTextual()) {
      out.addObject().put("role", role).put("content", content == null ? "" : content.asText());
      return;
    }
    ArrayNode parts = Json.MAPPER.createArrayNode();
    ArrayNode toolCalls = Json.MAPPER.createArrayNode();
    for (int i = 0; i < content.size(); i++) {
      JsonNode block = content.get(i);
      String where = path + ".content[" + i + "]";
      switch (block.path("type").asText()) {
        case "text" -> parts.addObject().put("type", "text").put("text", block.path("text").asText());
        case "image" -> parts.addObject().put("type", "image_url").putObject("image_url").put("url", imageUrl(block, where));
        case "tool_use" -> {
          ObjectNode call = toolCalls.addObject();
          call.put("id", block.path("id").asText());
          call.put("type", "function");
          call.putObject("function").put("name", block.path("name").asText()).put("arguments", compact(block.get("input")));
        }
        case "tool_result" -> {
          flush(out, role, parts, null); // what came before the result keeps its place
          parts.removeAll();
          JsonNode c = block.get("content");
          out.addObject().put("role", "tool").put("tool_call_id", block.path("tool_use_id").asText())
              .put("content", c == null ? "" : text(c, where + ".content"));
        }
        case "thinking", "redacted_thinking" -> { } // Anthropic's own reasoning of an earlier turn
        default -> throw unsupported(where + ".type", "Content blocks of type '" + block.path("type").asText()
            + "' have no equivalent in the chat API this provider speaks.");
      }
    }
    flush(out, role, parts, toolCalls);
  }

  private static void flush(ArrayNode out, String role, ArrayNode parts, ArrayNode toolCalls) {
    boolean calls = toolCalls != null && !toolCalls.isEmpty();
    if (parts.isEmpty() && !calls) return;
    ObjectNode m = out.addObject().put("role", role);
    boolean allText = true;
    for (JsonNode p : parts) allText &= "text".equals(p.path("type").asText());
    if (parts.isEmpty()) {
      m.putNull("content");
    } else if (allText) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode p : parts) sb.append(p.path("text").asText());
      m.put("content", sb.toString());
    } else {
      m.set("content", parts.deepCopy());
    }
    if (calls) m.set("tool_calls", toolCalls);
  }

  private static String imageUrl(JsonNode block, String where) {
    JsonNode source = block.path("source");
    return switch (source.path("type").asText()) {
      case "base64" -> "data:" + source.path("media_type").asText() + ";base64," + source.path("data").asText();
      case "url" -> source.path("url").asText();
      default -> throw unsupported(where + ".source", "Image sources of type '" + source.path("type").asText()
          + "' have no equivalent in the chat API this provider speaks.");
    };
  }

  private static String text(JsonNode content, String where) {
    if (content.isTextual()) return content.asText();
    StringBuilder sb = new StringBuilder();
    for (JsonNode b : content) {
      if (!"text".equals(b.path("type").asText())) {
        throw unsupported(where, "Only text blocks can be translated here, got '" + b.path("type").asText() + "'.");
      }
      sb.append(b.path("text").asText());
    }
    return sb.toString();
  }

  private static ArrayNode tools(JsonNode tools) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (int i = 0; i < tools.size(); i++) {
      JsonNode t = tools.get(i);
      String type = t.path("type").asText("custom");
      if (!type.equals("custom") || !t.has("input_schema")) {
        throw unsupported("tools[" + i + "]", "Server tools ('" + type + "') run only on Anthropic's side.");
      }
      ObjectNode f = out.addObject().put("type", "function").putObject("function");
      f.put("name", t.path("name").asText());
      if (t.hasNonNull("description")) f.put("description", t.get("description").asText());
      f.set("parameters", t.get("input_schema"));
    }
    return out;
  }

  private static void toolChoice(ObjectNode chat, JsonNode choice) {
    switch (choice.path("type").asText()) {
      case "auto" -> chat.put("tool_choice", "auto");
      case "any" -> chat.put("tool_choice", "required");
      case "none" -> chat.put("tool_choice", "none");
      case "tool" -> chat.putObject("tool_choice").put("type", "function").putObject("function")
          .put("name", choice.path("name").asText());
      default -> throw unsupported("tool_choice.type", "Unknown tool_choice type '" + choice.path("type").asText() + "'.");
    }
    if (choice.path("disable_parallel_tool_use").asBoolean(false)) chat.put("parallel_tool_calls", false);
  }

  /** A chat completion as the Messages answer the client expects. */
  public static ChatResult fromChat(ChatResult chat, String requestedModel) {
    ObjectNode c = chat.body();
    ObjectNode m = Json.object();
    m.put("id", messageId(c.path("id").asText(null)));
    m.put("type", "message");
    m.put("role", "assistant");
    m.put("model", c.path("model").asText(requestedModel));
    ArrayNode content = m.putArray("content");
    JsonNode message = c.path("choices").path(0).path("message");
    String text = message.path("content").asText(null);
    if (text != null && !text.isEmpty()) content.addObject().put("type", "text").put("text", text);
    for (JsonNode call : message.path("tool_calls")) {
      ObjectNode block = content.addObject().put("type", "tool_use").put("id", call.path("id").asText());
      block.put("name", call.path("function").path("name").asText());
      block.set("input", parseArguments(call.path("function").path("arguments").asText("{}")));
    }
    m.put("stop_reason", stopReason(c.path("choices").path(0).path("finish_reason").asText(null)));
    m.putNull("stop_sequence");
    TokenUsage u = chat.usage() == null ? TokenUsage.NONE : chat.usage();
    m.set("usage", usage(u));
    return new ChatResult(m, u, chat.upstreamRequestId());
  }

  static String messageId(String chatId) {
    return chatId == null ? "msg_" + Long.toHexString(System.nanoTime()) : chatId.startsWith("msg_") ? chatId : "msg_" + chatId;
  }

  /** A chat finish reason as an Anthropic stop reason; an unknown one reads as end_turn. */
  public static String stopReason(String finishReason) {
    return finishReason == null ? null : STOP_REASONS.getOrDefault(finishReason, "end_turn");
  }

  /** A usage in Anthropic's terms: input_tokens excludes what was read from the cache. */
  public static ObjectNode usage(TokenUsage u) {
    ObjectNode out = Json.object();
    out.put("input_tokens", Math.max(0, u.promptTokens() - u.cachedTokens() - u.cacheWriteTokens()));
    out.put("cache_creation_input_tokens", u.cacheWriteTokens());
    out.put("cache_read_input_tokens", u.cachedTokens());
    out.put("output_tokens", u.completionTokens());
    return out;
  }

  /**
   * Anthropic usage in the gateway's terms. Anthropic's {@code input_tokens} excludes cache reads and
   * cache writes; the gateway's prompt tokens include everything that was read, so all three are added.
   */
  public static TokenUsage usageOf(JsonNode anthropicUsage) {
    if (anthropicUsage == null || !anthropicUsage.isObject()) return TokenUsage.NONE;
    long input = anthropicUsage.path("input_tokens").asLong(0);
    long cacheRead = anthropicUsage.path("cache_read_input_tokens").asLong(0);
    long cacheWrite = anthropicUsage.path("cache_creation_input_tokens").asLong(0);
    long output = anthropicUsage.path("output_tokens").asLong(0);
    long prompt = input + cacheRead + cacheWrite;
    return new TokenUsage(prompt, output, prompt + output, cacheRead, cacheWrite, 0, false);
  }

  static JsonNode parseArguments(String arguments) {
    try {
      JsonNode n = Json.MAPPER.readTree(arguments.isBlank() ? "{}" : arguments);
      return n.isObject() ? n : Json.object();
    } catch (JsonProcessingException e) {
      return Json.object(); // a model's broken JSON: an empty input rather than a failed answer
    }
  }

  private static String compact(JsonNode n) {
    return n == null || n.isNull() ? "{}" : n.toString();
  }

  private static GatewayException unsupported(String param, String message) {
    return new GatewayException.InvalidRequest("unsupported_parameter", param, message);
  }
}
