package io.recllm.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI's Responses API in front of a provider that speaks only chat: the stateless part of a
 * Responses request becomes the gateway's chat form, and the chat answer becomes a {@code response}
 * object. The same fidelity rule as {@link MessagesTranslation}: what chat cannot express is a 400
 * {@code unsupported_parameter} naming the field, never silently dropped. What needs state kept at the
 * provider ({@code previous_response_id}, {@code conversation}, {@code store: true}, {@code background})
 * and OpenAI's built-in tools are refused. Dropped on purpose: earlier turns' {@code reasoning} items
 * (only the model that wrote them can read them) and {@code prompt_cache_key} (a serving hint).
 * {@code metadata} is echoed in the answer, not sent. Pure: JSON in, JSON out.
 */
public final class ResponsesTranslation {

  /** Fields passed on under their chat name. */
  private static final Map<String, String> SAME_MEANING = Map.of(
      "max_output_tokens", "max_tokens", "temperature", "temperature", "top_p", "top_p",
      "parallel_tool_calls", "parallel_tool_calls", "user", "user", "safety_identifier", "safety_identifier",
      "service_tier", "service_tier");
  /** Read below, or harmless at their default; anything else is refused. */
  private static final Set<String> HANDLED = Set.of("model", "input", "instructions", "stream", "stream_options",
      "tools", "tool_choice", "text", "reasoning", "metadata", "store", "previous_response_id", "conversation",
      "background", "include", "truncation", "prompt_cache_key", "top_logprobs", "max_tool_calls", "prompt");

  private ResponsesTranslation() {}

  /** A Responses request as a chat completion request. */
  public static ObjectNode toChat(ObjectNode r) {
    refuseState(r);
    ObjectNode chat = Json.object();
    chat.put("model", r.path("model").asText());
    ArrayNode messages = chat.putArray("messages");
    JsonNode instructions = r.get("instructions");
    if (instructions != null && !instructions.isNull()) {
      if (!instructions.isTextual()) throw invalid("instructions", "'instructions' must be a string.");
      if (!instructions.asText().isEmpty()) messages.addObject().put("role", "system").put("content", instructions.asText());
    }
    JsonNode input = r.get("input");
    if (input == null || input.isNull()) {
      throw new GatewayException.InvalidRequest("missing_required_parameter", "input", "Missing required parameter: 'input'.");
    }
    if (input.isTextual()) {
      messages.addObject().put("role", "user").put("content", input.asText());
    } else if (input.isArray()) {
      for (int i = 0; i < input.size(); i++) addItem(messages, input.get(i), "input[" + i + "]");
    } else {
      throw invalid("input", "'input' must be a string or an array of input items.");
    }
    var fields = r.fieldNames();
    while (fields.hasNext()) {
      String f = fields.next();
      JsonNode v = r.get(f);
      if (v.isNull()) continue;
      if (SAME_MEANING.containsKey(f)) chat.set(SAME_MEANING.get(f), v);
      else if (!HANDLED.contains(f)) throw unsupported(f, "It has no equivalent in the chat API this provider speaks.");
    }
    JsonNode tools = r.get("tools");
    if (tools != null && tools.isArray() && !tools.isEmpty()) chat.set("tools", tools(tools));
    JsonNode choice = r.get("tool_choice");
    if (choice != null && !choice.isNull()) chat.set("tool_choice", toolChoice(choice));
    textFormat(chat, r.get("text"));
    reasoning(chat, r.get("reasoning"));
    if (r.path("stream").asBoolean(false)) {
      chat.put("stream", true);
      chat.putObject("stream_options").put("include_usage", true);
    }
    return chat;
  }

  /** What only a provider that keeps responses can do, refused before anything is sent. */
  private static void refuseState(ObjectNode r) {
    if (present(r, "previous_response_id")) {
      throw unsupported("previous_response_id", "This provider keeps no earlier responses; send the whole conversation"
          + " in 'input' instead, or use an OpenAI or Azure provider.");
    }
    if (present(r, "conversation")) {
      throw unsupported("conversation", "This provider keeps no conversations; send the whole conversation in 'input'.");
    }
    if (r.path("store").asBoolean(false)) {
      throw unsupported("store", "Responses from this provider are not stored (GET /v1/responses/{id} and"
          + " previous_response_id cannot find them); send store: false or leave it out.");
    }
    if (r.path("background").asBoolean(false)) {
      throw unsupported("background", "Background responses need a provider that keeps them; this one does not.");
    }
    JsonNode include = r.get("include");
    if (include != null && !include.isNull() && !(include.isArray() && include.isEmpty())) {
      throw unsupported("include", "'include' asks for output only OpenAI produces (" + include + ").");
    }
    JsonNode truncation = r.get("truncation");
    if (truncation != null && !truncation.isNull() && !"disabled".equals(truncation.asText())) {
      throw unsupported("truncation", "Only 'disabled' truncation can be honoured by this provider.");
    }
    JsonNode topLogprobs = r.get("top_logprobs");
    if (topLogprobs != null && !topLogprobs.isNull() && topLogprobs.asInt(-1) != 0) {
      throw unsupported("top_logprobs", "Log probabilities are not translated to the Responses API.");
    }
    if (present(r, "max_tool_calls")) throw unsupported("max_tool_calls", "A cap on built-in tool calls has no chat equivalent.");
    if (present(r, "prompt")) throw unsupported("prompt", "Stored prompt templates live at OpenAI only.");
  }

  private static boolean present(ObjectNode r, String field) {
    JsonNode v = r.get(field);
    return v != null && !v.isNull();
  }

  private static void addItem(ArrayNode out, JsonNode item, String path) {
    if (!item.isObject()) throw invalid(path, "Invalid type for '" + path + "': expected an input item object.");
    String type = item.path("type").asText(item.has("role") ? "message" : "");
    switch (type) {
      case "message" -> addMessage(out, item, path);
      case "function_call" -> {
        ObjectNode call = Json.object().put("id", item.path("call_id").asText()).put("type", "function");
        call.putObject("function").put("name", item.path("name").asText())
            .put("arguments", item.path("arguments").asText("{}"));
        ObjectNode last = out.isEmpty() ? null : (ObjectNode) out.get(out.size() - 1);
        // one assistant turn: its text and every call it made are one chat message
        if (last != null && "assistant".equals(last.path("role").asText())) {
          ArrayNode calls = last.get("tool_calls") instanceof ArrayNode a ? a : last.putArray("tool_calls");
          calls.add(call);
        } else {
          ObjectNode m = out.addObject().put("role", "assistant");
          m.putNull("content");
          m.putArray("tool_calls").add(call);
        }
      }
      case "function_call_output" -> out.addObject().put("role", "tool").put("tool_call_id", item.path("call_id").asText())
          .put("content", outputText(item.get("output"), path + ".output"));
      case "reasoning" -> { } // an earlier turn's reasoning: only the model that wrote it can read it
      default -> throw unsupported(path + ".type", "Input items of type '" + type
          + "' have no equivalent in the chat API this provider speaks.");
    }
  }

  private static void addMessage(ArrayNode out, JsonNode item, String path) {
    String role = item.path("role").asText();
    String chatRole = switch (role) {
      case "user", "assistant", "system" -> role;
      case "developer" -> "system";
      default -> throw invalid(path + ".role", "Invalid value for '" + path + ".role': '" + role
          + "'. Supported values are: 'user', 'assistant', 'system' and 'developer'.");
    };
    JsonNode content = item.get("content");
    ObjectNode m = out.addObject().put("role", chatRole);
    if (content == null || content.isNull() || content.isTextual()) {
      m.put("content", content == null || content.isNull() ? "" : content.asText());
      return;
    }
    if (!content.isArray()) throw invalid(path + ".content", "'" + path + ".content' must be a string or an array.");
    ArrayNode parts = Json.MAPPER.createArrayNode();
    boolean allText = true;
    for (int i = 0; i < content.size(); i++) {
      JsonNode part = content.get(i);
      String where = path + ".content[" + i + "]";
      switch (part.path("type").asText()) {
        case "input_text", "output_text" -> parts.addObject().put("type", "text").put("text", part.path("text").asText());
        case "refusal" -> parts.addObject().put("type", "text").put("text", part.path("refusal").asText());
        case "input_image" -> {
          allText = false;
          JsonNode url = part.get("image_url");
          if (url == null || !url.isTextual()) {
            throw unsupported(where + ".file_id", "Images by file_id live at OpenAI only; send image_url (an https or data URL).");
          }
          ObjectNode image = parts.addObject().put("type", "image_url").putObject("image_url").put("url", url.asText());
          String detail = part.path("detail").asText(null);
          if (detail != null) image.put("detail", detail);
        }
        default -> throw unsupported(where + ".type", "Content parts of type '" + part.path("type").asText()
            + "' have no equivalent in the chat API this provider speaks.");
      }
    }
    if (allText) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode p : parts) sb.append(p.path("text").asText());
      m.put("content", sb.toString());
    } else {
      m.set("content", parts);
    }
  }

  /** A function call's output: a string, or input_text parts (whose texts are joined). */
  private static String outputText(JsonNode output, String path) {
    if (output == null || output.isNull()) return "";
    if (output.isTextual()) return output.asText();
    if (!output.isArray()) return output.toString();
    StringBuilder sb = new StringBuilder();
    for (JsonNode p : output) {
      if (!"input_text".equals(p.path("type").asText())) {
        throw unsupported(path, "Only text can be a function call's output here, got '" + p.path("type").asText() + "'.");
      }
      sb.append(p.path("text").asText());
    }
    return sb.toString();
  }

  private static ArrayNode tools(JsonNode tools) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (int i = 0; i < tools.size(); i++) {
      JsonNode t = tools.get(i);
      String type = t.path("type").asText();
      if (!type.equals("function")) {
        throw unsupported("tools[" + i + "]", "Built-in tools ('" + type + "') run only on OpenAI's side; this provider"
            + " takes function tools only.");
      }
      ObjectNode f = out.addObject().put("type", "function").putObject("function");
      f.put("name", t.path("name").asText());
      if (t.hasNonNull("description")) f.put("description", t.get("description").asText());
      if (t.hasNonNull("parameters")) f.set("parameters", t.get("parameters"));
      if (t.hasNonNull("strict")) f.set("strict", t.get("strict"));
    }
    return out;
  }

  private static JsonNode toolChoice(JsonNode choice) {
    if (choice.isTextual()) {
      return switch (choice.asText()) {
        case "auto", "none", "required" -> choice;
        default -> throw invalid("tool_choice", "Invalid value for 'tool_choice': '" + choice.asText() + "'.");
      };
    }
    if ("function".equals(choice.path("type").asText()) && choice.hasNonNull("name")) {
      ObjectNode out = Json.object().put("type", "function");
      out.putObject("function").put("name", choice.get("name").asText());
      return out;
    }
    throw unsupported("tool_choice", "Only auto, none, required or a named function can be translated, got " + choice + ".");
  }

  private static void textFormat(ObjectNode chat, JsonNode text) {
    if (text == null || text.isNull()) return;
    JsonNode verbosity = text.get("verbosity");
    if (verbosity != null && !verbosity.isNull()) {
      throw unsupported("text.verbosity", "Verbosity is a setting of OpenAI's own models.");
    }
    JsonNode format = text.get("format");
    if (format == null || format.isNull()) return;
    switch (format.path("type").asText()) {
      case "text" -> { }
      case "json_object" -> chat.putObject("response_format").put("type", "json_object");
      case "json_schema" -> {
        ObjectNode rf = chat.putObject("response_format").put("type", "json_schema");
        ObjectNode schema = rf.putObject("json_schema");
        schema.put("name", format.path("name").asText("response"));
        if (format.hasNonNull("description")) schema.put("description", format.get("description").asText());
        if (format.has("schema")) schema.set("schema", format.get("schema"));
        if (format.hasNonNull("strict")) schema.set("strict", format.get("strict"));
      }
      default -> throw unsupported("text.format.type", "Output format '" + format.path("type").asText()
          + "' has no chat equivalent.");
    }
  }

  private static void reasoning(ObjectNode chat, JsonNode reasoning) {
    if (reasoning == null || reasoning.isNull()) return;
    JsonNode effort = reasoning.get("effort");
    if (effort != null && !effort.isNull()) chat.set("reasoning_effort", effort);
    JsonNode summary = reasoning.get("summary");
    String s = summary == null || summary.isNull() ? null : summary.asText();
    // "auto" asks for a summary when there is one; a required kind of summary only OpenAI writes
    if (s != null && !s.equals("auto")) {
      throw unsupported("reasoning.summary", "Reasoning summaries are written by OpenAI's models only; send null or 'auto'.");
    }
  }

  // ---- chat answer -> response object

  /** A chat completion as the {@code response} object the client expects. */
  public static ChatResult fromChat(ChatResult chat, ObjectNode request, String requestedModel) {
    ObjectNode c = chat.body();
    Ids ids = new Ids(c.path("id").asText(null));
    JsonNode choice = c.path("choices").path(0);
    JsonNode message = choice.path("message");
    ArrayNode output = Json.MAPPER.createArrayNode();
    String text = message.path("content").asText(null);
    String refusal = message.path("refusal").asText(null);
    if ((text != null && !text.isEmpty()) || (refusal != null && !refusal.isEmpty())) {
      ObjectNode item = messageItem(ids.message(), "completed");
      ArrayNode content = item.putArray("content");
      if (text != null && !text.isEmpty()) content.add(outputText(text));
      if (refusal != null && !refusal.isEmpty()) content.addObject().put("type", "refusal").put("refusal", refusal);
      output.add(item);
    }
    for (JsonNode call : message.path("tool_calls")) {
      String callId = call.path("id").asText();
      output.add(functionCall(ids.functionCall(callId), callId, call.path("function").path("name").asText(),
          call.path("function").path("arguments").asText(""), "completed"));
    }
    TokenUsage u = chat.usage() == null ? TokenUsage.NONE : chat.usage();
    String finish = choice.path("finish_reason").asText(null);
    ObjectNode response = response(ids.response(), request, c.path("model").asText(requestedModel),
        c.path("created").asLong(System.currentTimeMillis() / 1000), status(finish), output, u);
    incomplete(response, finish);
    return new ChatResult(response, u, chat.upstreamRequestId());
  }

  /**
   * The {@code response} object with the request's settings echoed, as OpenAI answers: {@code status} and
   * {@code output} as given, {@code usage} null while {@code usage} is null. Keys in OpenAI's wire order.
   */
  static ObjectNode response(String id, ObjectNode request, String model, long createdAt, String status,
                             ArrayNode output, TokenUsage usage) {
    ObjectNode r = Json.object();
    r.put("id", id);
    r.put("object", "response");
    r.put("created_at", createdAt);
    r.put("status", status);
    r.putNull("error");
    r.putNull("incomplete_details");
    echo(r, request, "instructions");
    echo(r, request, "max_output_tokens");
    r.put("model", model);
    r.set("output", output);
    r.put("parallel_tool_calls", request.path("parallel_tool_calls").asBoolean(true));
    r.putNull("previous_response_id");
    ObjectNode reasoning = r.putObject("reasoning");
    reasoning.set("effort", request.path("reasoning").path("effort").isMissingNode() ? null : request.path("reasoning").get("effort"));
    reasoning.set("summary", request.path("reasoning").path("summary").isMissingNode() ? null : request.path("reasoning").get("summary"));
    r.put("store", false); // never stored: see toChat
    setOr(r, "temperature", request.get("temperature"), 1.0);
    JsonNode format = request.path("text").path("format");
    r.putObject("text").set("format", format.isObject() ? format : Json.object().put("type", "text"));
    JsonNode choice = request.get("tool_choice");
    if (choice == null || choice.isNull()) r.put("tool_choice", "auto");
    else r.set("tool_choice", choice);
    JsonNode tools = request.get("tools");
    r.set("tools", tools != null && tools.isArray() ? tools : Json.MAPPER.createArrayNode());
    setOr(r, "top_p", request.get("top_p"), 1.0);
    r.put("truncation", "disabled");
    if (usage == null) r.putNull("usage");
    else r.set("usage", usage(usage));
    echo(r, request, "user");
    JsonNode metadata = request.get("metadata");
    r.set("metadata", metadata != null && metadata.isObject() ? metadata : Json.object());
    return r;
  }

  private static void echo(ObjectNode r, ObjectNode request, String field) {
    JsonNode v = request.get(field);
    if (v == null) r.putNull(field);
    else r.set(field, v);
  }

  private static void setOr(ObjectNode r, String field, JsonNode v, double fallback) {
    if (v == null || v.isNull()) r.put(field, fallback);
    else r.set(field, v);
  }

  static ObjectNode messageItem(String id, String status) {
    return Json.object().put("type", "message").put("id", id).put("status", status).put("role", "assistant");
  }

  static ObjectNode outputText(String text) {
    ObjectNode part = Json.object().put("type", "output_text").put("text", text);
    part.putArray("annotations");
    part.putArray("logprobs");
    return part;
  }

  static ObjectNode functionCall(String id, String callId, String name, String arguments, String status) {
    return Json.object().put("type", "function_call").put("id", id).put("call_id", callId).put("name", name)
        .put("arguments", arguments).put("status", status);
  }

  /** A chat finish reason as the response's status: cut short is incomplete, anything else completed. */
  static String status(String finishReason) {
    return "length".equals(finishReason) || "content_filter".equals(finishReason) ? "incomplete" : "completed";
  }

  static void incomplete(ObjectNode response, String finishReason) {
    if ("length".equals(finishReason)) response.putObject("incomplete_details").put("reason", "max_output_tokens");
    else if ("content_filter".equals(finishReason)) response.putObject("incomplete_details").put("reason", "content_filter");
  }

  /** Usage in the Responses API's terms; its input_tokens include cached ones, as chat's prompt_tokens do. */
  public static ObjectNode usage(TokenUsage u) {
    ObjectNode out = Json.object();
    out.put("input_tokens", u.promptTokens());
    out.putObject("input_tokens_details").put("cached_tokens", u.cachedTokens());
    out.put("output_tokens", u.completionTokens());
    out.putObject("output_tokens_details").put("reasoning_tokens", u.reasoningTokens());
    out.put("total_tokens", u.totalTokens());
    return out;
  }

  /** A Responses API {@code usage} object in the gateway's terms; a missing one is {@link TokenUsage#NONE}. */
  public static TokenUsage usageOf(JsonNode usage) {
    if (usage == null || !usage.isObject()) return TokenUsage.NONE;
    long input = usage.path("input_tokens").asLong(0);
    long output = usage.path("output_tokens").asLong(0);
    long total = usage.has("total_tokens") ? usage.path("total_tokens").asLong(0) : input + output;
    long cached = usage.path("input_tokens_details").path("cached_tokens").asLong(0);
    long reasoning = usage.path("output_tokens_details").path("reasoning_tokens").asLong(0);
    return new TokenUsage(input, output, total, cached, 0, reasoning, false);
  }

  /**
   * What a response whose status is {@code failed} is recorded as: a 500 with the upstream's error code and
   * message (upstream status 200, since the upstream answered and then reported the failure in the body),
   * the same as an error that cuts a chat stream; null for any other status.
   */
  public static GatewayException failureOf(JsonNode response, String provider) {
    if (!"failed".equals(response.path("status").asText(null))) return null;
    JsonNode error = response.path("error");
    String code = error.path("code").asText(null);
    String message = error.path("message").asText(null);
    return new GatewayException.ProviderFailure(code == null || code.isEmpty() ? "response_failed" : code,
        "Provider \"" + provider + "\" failed the response" + (message == null || message.isEmpty() ? "" : ": " + message),
        200, false, null);
  }

  /** What a response's finish is recorded as: its status, or why it is incomplete. */
  public static String finishOf(JsonNode response) {
    String reason = response.path("incomplete_details").path("reason").asText(null);
    return reason != null ? reason : response.path("status").asText(null);
  }

  /** The ids of one translated response and its items, made from the chat completion's id. */
  static final class Ids {
    private final String base;

    Ids(String chatId) {
      String id = chatId == null || chatId.isEmpty() ? Long.toHexString(System.nanoTime()) : chatId;
      if (id.startsWith("chatcmpl-")) id = id.substring("chatcmpl-".length());
      this.base = id.replaceAll("[^A-Za-z0-9_-]", "");
    }

    String response() {
      return "resp_" + base;
    }

    String message() {
      return "msg_" + base;
    }

    String functionCall(String callId) {
      return "fc_" + (callId == null || callId.isEmpty() ? base : callId.replaceAll("[^A-Za-z0-9_-]", ""));
    }
  }

  /** Worded as OpenAI words it ({@code Unsupported parameter: 'x' ...}), with why and what to do instead. */
  private static GatewayException unsupported(String param, String message) {
    return new GatewayException.InvalidRequest("unsupported_parameter", param,
        "Unsupported parameter: '" + param + "'. " + message);
  }

  private static GatewayException invalid(String param, String message) {
    return new GatewayException.InvalidRequest("invalid_value", param, message);
  }
}
