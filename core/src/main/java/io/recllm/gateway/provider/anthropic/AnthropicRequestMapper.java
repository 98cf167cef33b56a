package io.recllm.gateway.provider.anthropic;

import static io.recllm.gateway.provider.RequestValues.functionArguments;
import static io.recllm.gateway.provider.RequestValues.isWholeNumber;
import static io.recllm.gateway.provider.RequestValues.requiredText;
import static io.recllm.gateway.provider.RequestValues.stopSequences;
import static io.recllm.gateway.provider.RequestValues.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.OpenAiJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One OpenAI chat request → one Anthropic Messages request. Which top-level fields are mapped,
 * carried, ignored or refused is {@link AnthropicFieldPolicy#POLICY}; this class has code only for
 * the mapped ones. A new instance per request, so error params can name the message and part being
 * converted.
 */
final class AnthropicRequestMapper {

  /**
   * {@code reasoning_effort} → {@code thinking.budget_tokens}. Anthropic's minimum budget is 1024 and
   * the budget counts towards {@code max_tokens}, so the scale stays small (the values LiteLLM uses).
   */
  static final Map<String, Integer> THINKING_BUDGETS = Map.of(
      "minimal", 1024, "low", 1024, "medium", 2048, "high", 4096, "xhigh", 8192, "max", 16384);

  /** Anthropic content block types a client may put in an OpenAI content array; copied as sent. */
  static final Set<String> ANTHROPIC_BLOCKS = Set.of(
      "image", "document", "search_result", "thinking", "redacted_thinking");

  private final ObjectNode in;
  private final ArrayNode system = Json.MAPPER.createArrayNode();
  private final ArrayNode turns = Json.MAPPER.createArrayNode();

  AnthropicRequestMapper(ObjectNode in) {
    this.in = in;
  }

  ObjectNode map(String model, int defaultMaxTokens) {
    ObjectNode out = Json.object();
    out.put("model", model);

    Long maxTokens = null;
    String maxTokensParam = null;
    String user = null;
    String safetyIdentifier = null;
    JsonNode tools = null;
    JsonNode toolChoice = null;
    boolean parallelToolCalls = true;
    String reasoningEffort = null;
    ObjectNode metadata = null;
    ObjectNode extras = Json.object();

    for (var field : AnthropicFieldPolicy.POLICY.mappedFields(in, extras)) { // carries, drops and refuses the others
      String name = field.getKey();
      JsonNode v = field.getValue();
      switch (name) {
        case "model", "messages" -> { } // the routed model is set above; messages are mapped below
        case "max_tokens", "max_completion_tokens" -> {
          if (!isWholeNumber(v) || v.asLong() < 0) {
            throw invalid("invalid_type", name, "'" + name + "' must be a non-negative integer");
          }
          // max_completion_tokens is the newer name; it wins when a client sends both.
          if (maxTokens == null || name.equals("max_completion_tokens")) {
            maxTokens = v.asLong();
            maxTokensParam = name;
          }
        }
        case "temperature", "top_p" -> out.set(name, v.deepCopy());
        case "stop" -> {
          ArrayNode stops = stopSequences(v);
          if (!stops.isEmpty()) out.set("stop_sequences", stops);
        }
        case "stream" -> out.set("stream", v.deepCopy());
        case "user" -> user = text(v, name);
        case "safety_identifier" -> safetyIdentifier = text(v, name);
        case "metadata" -> {
          if (!v.isObject()) throw invalid("invalid_type", name, "'metadata' must be an object");
          metadata = ((ObjectNode) v).deepCopy();
        }
        case "tools" -> tools = v;
        case "tool_choice" -> toolChoice = v;
        case "parallel_tool_calls" -> parallelToolCalls = v.asBoolean(true);
        case "reasoning_effort" -> reasoningEffort = text(v, name);
        case "thinking" -> out.set("thinking", v.deepCopy());
        case "service_tier" -> out.put("service_tier", serviceTier(text(v, name)));
        default -> throw new IllegalStateException("AnthropicFieldPolicy maps '" + name + "' but the mapper has no code for it");
      }
    }

    mapMessages();
    if (!system.isEmpty()) out.set("system", system);
    out.set("messages", turns);

    boolean hasTools = false;
    if (tools != null) {
      ArrayNode mapped = mapTools(tools);
      hasTools = !mapped.isEmpty();
      if (hasTools) out.set("tools", mapped);
    }
    ObjectNode choice = toolChoice == null ? null : mapToolChoice(toolChoice);
    if (!parallelToolCalls && hasTools) {
      if (choice == null) choice = Json.object().put("type", "auto");
      if (!"none".equals(choice.path("type").asText())) choice.put("disable_parallel_tool_use", true);
    }
    if (choice != null) {
      String type = choice.path("type").asText();
      // OpenAI allows auto/none with no tools; Anthropic rejects a tool_choice without tools.
      if (hasTools || !(type.equals("auto") || type.equals("none"))) out.set("tool_choice", choice);
    }

    if (reasoningEffort != null) {
      if (out.has("thinking")) {
        throw invalid("invalid_value", "reasoning_effort",
            "Send either 'reasoning_effort' or 'thinking', not both");
      }
      Integer budget = THINKING_BUDGETS.get(reasoningEffort);
      if (budget == null && !reasoningEffort.equals("none")) {
        throw invalid("invalid_value", "reasoning_effort", "Unsupported value for 'reasoning_effort': '"
            + reasoningEffort + "'. Supported: none, minimal, low, medium, high, xhigh, max");
      }
      if (budget != null) {
        out.set("thinking", Json.object().put("type", "enabled").put("budget_tokens", budget));
        if (maxTokens != null && maxTokens <= budget) {
          throw invalid("invalid_value", maxTokensParam, "'" + maxTokensParam + "' (" + maxTokens
              + ") must be greater than the thinking budget of reasoning_effort '" + reasoningEffort
              + "' (" + budget + " tokens) for Anthropic models");
        }
      }
    }
    long thinkingBudget = out.path("thinking").path("budget_tokens").asLong(0);
    // Anthropic requires max_tokens; with thinking the budget is spent out of it, so a default
    // must leave room for the visible answer as well.
    out.put("max_tokens", maxTokens != null ? maxTokens : defaultMaxTokens + thinkingBudget);

    String userId = user != null ? user : safetyIdentifier;
    if (userId != null) {
      if (metadata == null) metadata = Json.object();
      if (!metadata.has("user_id")) metadata.put("user_id", userId);
    }
    if (metadata != null) out.set("metadata", metadata);
    out.setAll(extras);
    return out;
  }

  // ---- messages -------------------------------------------------------------------------------

  private void mapMessages() {
    JsonNode messages = in.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw invalid("invalid_value", "messages", "'messages' must be a non-empty array");
    }
    for (int i = 0; i < messages.size(); i++) {
      JsonNode msg = messages.get(i);
      String at = "messages[" + i + "]";
      if (!msg.isObject()) throw invalid("invalid_type", at, at + " must be an object");
      String role = msg.path("role").asText("");
      List<ObjectNode> blocks;
      String anthropicRole;
      switch (role) {
        case "system", "developer" -> {
          blocks = systemBlocks(msg, at);
          anthropicRole = null;
        }
        case "user" -> {
          blocks = contentBlocks(msg.get("content"), at, true);
          anthropicRole = "user";
        }
        case "assistant" -> {
          blocks = assistantBlocks(msg, at);
          anthropicRole = "assistant";
        }
        case "tool" -> {
          blocks = List.of(toolResult(msg, at));
          anthropicRole = "user";
        }
        case "function" -> throw invalid("unsupported_value", at + ".role",
            "Role 'function' is deprecated and not supported here; use assistant tool_calls and 'tool' messages");
        default -> throw invalid("invalid_value", at + ".role", "Invalid value for " + at + ".role: '" + role
            + "'. Supported: system, developer, user, assistant, tool");
      }
      JsonNode cacheControl = msg.get("cache_control");
      if (cacheControl != null && cacheControl.isObject() && !blocks.isEmpty()) {
        ObjectNode last = blocks.get(blocks.size() - 1);
        if (!last.has("cache_control")) last.set("cache_control", cacheControl.deepCopy());
      }
      if (anthropicRole == null) blocks.forEach(system::add);
      else append(anthropicRole, blocks);
    }
  }

  /** Anthropic needs alternating turns; OpenAI allows runs of one role, which become one turn. */
  private void append(String role, List<ObjectNode> blocks) {
    OpenAiJson.appendTurn(turns, role, blocks);
  }

  private List<ObjectNode> systemBlocks(JsonNode msg, String at) {
    JsonNode content = msg.get("content");
    List<ObjectNode> blocks = new ArrayList<>();
    if (content == null || content.isNull()) return blocks;
    if (content.isTextual()) {
      if (!content.asText().isEmpty()) blocks.add(textBlock(content.asText()));
      return blocks;
    }
    if (!content.isArray()) throw invalid("invalid_type", at + ".content", at + ".content must be a string or an array");
    for (int j = 0; j < content.size(); j++) {
      JsonNode part = content.get(j);
      String partAt = at + ".content[" + j + "]";
      if (!"text".equals(part.path("type").asText())) {
        throw invalid("invalid_value", partAt + ".type", "Only text parts are allowed in system and developer messages");
      }
      ObjectNode block = textPart(part, partAt);
      if (block != null) blocks.add(block);
    }
    return blocks;
  }

  private List<ObjectNode> assistantBlocks(JsonNode msg, String at) {
    if (msg.hasNonNull("function_call")) {
      throw invalid("unsupported_value", at + ".function_call", "'function_call' is deprecated and not supported here; use 'tool_calls'");
    }
    if (msg.hasNonNull("audio")) {
      throw invalid("unsupported_value", at + ".audio", "Audio is not supported by Anthropic models");
    }
    // Anthropic wants a turn's signed thinking first, before its text and tool_use
    List<ObjectNode> blocks = new ArrayList<>(AnthropicReasoning.toBlocks(msg.get("reasoning_details"), at + ".reasoning_details"));
    blocks.addAll(contentBlocks(msg.get("content"), at, false));
    JsonNode calls = msg.get("tool_calls");
    if (calls == null || calls.isNull()) return blocks;
    if (!calls.isArray()) throw invalid("invalid_type", at + ".tool_calls", at + ".tool_calls must be an array");
    for (int k = 0; k < calls.size(); k++) {
      JsonNode call = calls.get(k);
      String callAt = at + ".tool_calls[" + k + "]";
      String type = call.path("type").asText("function");
      if (!type.equals("function")) {
        throw invalid("unsupported_value", callAt + ".type", "Only function tool calls are supported for Anthropic models");
      }
      ObjectNode block = Json.object();
      block.put("type", "tool_use");
      block.put("id", requiredText(call.get("id"), callAt + ".id"));
      block.put("name", requiredText(call.path("function").get("name"), callAt + ".function.name"));
      block.set("input", functionArguments(call.path("function").get("arguments"), callAt + ".function.arguments", "Anthropic"));
      blocks.add(block);
    }
    return blocks;
  }

  private ObjectNode toolResult(JsonNode msg, String at) {
    ObjectNode block = Json.object();
    block.put("type", "tool_result");
    block.put("tool_use_id", requiredText(msg.get("tool_call_id"), at + ".tool_call_id"));
    JsonNode content = msg.get("content");
    if (content != null && content.isTextual()) {
      // An empty text would be rejected; tool_result content is optional on Anthropic.
      if (!content.asText().isEmpty()) block.put("content", content.asText());
    } else if (content != null && content.isArray()) {
      ArrayNode parts = Json.MAPPER.createArrayNode();
      contentBlocks(content, at, true).forEach(parts::add);
      if (!parts.isEmpty()) block.set("content", parts);
    } else if (content != null && !content.isNull()) {
      throw invalid("invalid_type", at + ".content", at + ".content must be a string or an array");
    }
    return block;
  }

  private List<ObjectNode> contentBlocks(JsonNode content, String at, boolean user) {
    List<ObjectNode> blocks = new ArrayList<>();
    if (content == null || content.isNull()) return blocks;
    if (content.isTextual()) {
      if (!content.asText().isEmpty()) blocks.add(textBlock(content.asText()));
      return blocks;
    }
    if (!content.isArray()) throw invalid("invalid_type", at + ".content", at + ".content must be a string or an array");
    for (int j = 0; j < content.size(); j++) {
      ObjectNode block = contentPart(content.get(j), at + ".content[" + j + "]", user);
      if (block != null) blocks.add(block);
    }
    return blocks;
  }

  private ObjectNode contentPart(JsonNode part, String at, boolean user) {
    if (!part.isObject()) throw invalid("invalid_type", at, at + " must be an object");
    String type = part.path("type").asText("");
    if (ANTHROPIC_BLOCKS.contains(type)) return ((ObjectNode) part).deepCopy();
    switch (type) {
      case "text":
        return textPart(part, at);
      case "refusal": // an earlier assistant refusal: keep what was said
        if (!user) return nonEmptyText(part.path("refusal").asText(""), part);
        break;
      case "image_url":
        if (user) return imagePart(part, at);
        break;
      case "file":
        if (user) return filePart(part, at);
        break;
      case "input_audio":
        throw invalid("unsupported_value", at + ".type", "Audio input is not supported by Anthropic models");
      default:
        break;
    }
    throw invalid("invalid_value", at + ".type", "Unsupported content part type '" + type + "' in " + at);
  }

  private static ObjectNode textPart(JsonNode part, String at) {
    JsonNode text = part.get("text");
    if (text == null || !text.isTextual()) throw invalid("invalid_type", at + ".text", at + ".text must be a string");
    return nonEmptyText(text.asText(), part);
  }

  /** Anthropic rejects empty text blocks, and an empty part says nothing, so it is dropped. */
  private static ObjectNode nonEmptyText(String text, JsonNode part) {
    if (text.isEmpty()) return null;
    ObjectNode block = textBlock(text);
    copyCacheControl(part, block);
    if (part.has("citations")) block.set("citations", part.get("citations").deepCopy());
    return block;
  }

  private static ObjectNode textBlock(String text) {
    return Json.object().put("type", "text").put("text", text);
  }

  /** Anthropic's own {@code cache_control}, or OpenAI's {@code prompt_cache_breakpoint} (5-minute default TTL). */
  private static void copyCacheControl(JsonNode part, ObjectNode block) {
    JsonNode cc = part.get("cache_control");
    if (cc != null && cc.isObject()) {
      block.set("cache_control", cc.deepCopy());
    } else if (part.hasNonNull("prompt_cache_breakpoint")) {
      block.set("cache_control", Json.object().put("type", "ephemeral"));
    }
  }

  private static ObjectNode imagePart(JsonNode part, String at) {
    JsonNode image = part.get("image_url");
    JsonNode urlNode = image != null && image.isObject() ? image.get("url") : image;
    String url = requiredText(urlNode, at + ".image_url.url");
    ObjectNode block;
    if (url.startsWith("data:")) {
      block = base64Block(url, at + ".image_url.url");
    } else if (url.startsWith("https://") || url.startsWith("http://")) {
      block = Json.object().put("type", "image");
      block.putObject("source").put("type", "url").put("url", url);
    } else {
      throw invalid("invalid_value", at + ".image_url.url", "Image URL must be an http(s) URL or a base64 data URL");
    }
    copyCacheControl(part, block);
    return block;
  }

  private static ObjectNode filePart(JsonNode part, String at) {
    JsonNode file = part.path("file");
    if (file.hasNonNull("file_id")) {
      throw invalid("unsupported_value", at + ".file.file_id", "OpenAI file ids cannot be used with Anthropic models; send file_data");
    }
    String data = requiredText(file.get("file_data"), at + ".file.file_data");
    ObjectNode block;
    if (data.startsWith("data:")) {
      block = base64Block(data, at + ".file.file_data");
    } else { // bare base64: OpenAI's file inputs are PDFs
      block = Json.object().put("type", "document");
      block.putObject("source").put("type", "base64").put("media_type", "application/pdf").put("data", data);
    }
    copyCacheControl(part, block);
    return block;
  }

  /** {@code data:<media type>;base64,<data>} → an image block, or a document block for PDFs. */
  private static ObjectNode base64Block(String url, String param) {
    int comma = url.indexOf(',');
    String header = comma < 0 ? "" : url.substring(5, comma);
    if (!header.endsWith(";base64")) {
      throw invalid("invalid_value", param, "Data URL must be of the form data:<media type>;base64,<data>");
    }
    String mediaType = header.substring(0, header.length() - ";base64".length());
    ObjectNode block = Json.object().put("type", mediaType.equals("application/pdf") ? "document" : "image");
    block.putObject("source").put("type", "base64").put("media_type", mediaType).put("data", url.substring(comma + 1));
    return block;
  }

  // ---- tools ----------------------------------------------------------------------------------

  private static ArrayNode mapTools(JsonNode tools) {
    if (!tools.isArray()) throw invalid("invalid_type", "tools", "'tools' must be an array");
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (int j = 0; j < tools.size(); j++) {
      JsonNode tool = tools.get(j);
      String at = "tools[" + j + "]";
      String type = tool.path("type").asText("");
      if (type.equals("function")) {
        out.add(functionTool(tool, at));
      } else if (type.equals("custom")) {
        throw invalid("unsupported_value", at + ".type", "Custom (free-form) tools are not supported by Anthropic models");
      } else if (tool.isObject()) {
        // Anthropic's own shapes: {name, input_schema} or a server tool such as web_search_20250305.
        out.add(tool.deepCopy());
      } else {
        throw invalid("invalid_type", at, at + " must be an object");
      }
    }
    return out;
  }

  private static ObjectNode functionTool(JsonNode tool, String at) {
    JsonNode fn = tool.path("function");
    ObjectNode out = Json.object();
    out.put("name", requiredText(fn.get("name"), at + ".function.name"));
    if (fn.hasNonNull("description")) out.put("description", fn.get("description").asText());
    JsonNode params = fn.get("parameters");
    if (params != null && params.isObject()) {
      out.set("input_schema", params.deepCopy());
    } else {
      ObjectNode schema = out.putObject("input_schema");
      schema.put("type", "object");
      schema.putObject("properties");
    }
    if (fn.path("strict").asBoolean(false)) out.put("strict", true);
    JsonNode cc = tool.has("cache_control") ? tool.get("cache_control") : fn.get("cache_control");
    if (cc != null && cc.isObject()) out.set("cache_control", cc.deepCopy());
    return out;
  }

  private static ObjectNode mapToolChoice(JsonNode choice) {
    if (choice.isTextual()) {
      switch (choice.asText()) {
        case "auto": return Json.object().put("type", "auto");
        case "none": return Json.object().put("type", "none");
        case "required": return Json.object().put("type", "any");
        default:
          throw invalid("invalid_value", "tool_choice", "Invalid value for 'tool_choice': '" + choice.asText()
              + "'. Supported: none, auto, required, or a named function");
      }
    }
    if (!choice.isObject()) throw invalid("invalid_type", "tool_choice", "'tool_choice' must be a string or an object");
    String type = choice.path("type").asText("");
    switch (type) {
      case "function":
        return Json.object().put("type", "tool")
            .put("name", requiredText(choice.path("function").get("name"), "tool_choice.function.name"));
      case "auto", "any", "tool", "none": // already Anthropic's shape
        return ((ObjectNode) choice).deepCopy();
      default:
        throw invalid("unsupported_value", "tool_choice.type",
            "tool_choice type '" + type + "' is not supported for Anthropic models");
    }
  }

  // ---- small helpers --------------------------------------------------------------------------

  private static String serviceTier(String tier) {
    switch (tier) {
      case "auto":
      case "standard_only":
        return tier;
      case "default": // OpenAI's standard capacity and price
        return "standard_only";
      default:
        throw invalid("unsupported_value", "service_tier", "service_tier '" + tier
            + "' is not available for Anthropic models. Supported: auto, default, standard_only");
    }
  }

  static GatewayException.InvalidRequest invalid(String code, String param, String message) {
    return new GatewayException.InvalidRequest(code, param, message);
  }
}
