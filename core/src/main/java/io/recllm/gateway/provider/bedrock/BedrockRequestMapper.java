package io.recllm.gateway.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.OpenAiJson;
import io.recllm.gateway.provider.OpenAiJson.DataUrl;
import io.recllm.gateway.provider.RequestValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One OpenAI chat request → one Bedrock Converse request body (the model goes into the path, not the
 * body). Which top-level fields are mapped, carried, ignored or refused is
 * {@link BedrockFieldPolicy#POLICY}; this class has code only for the mapped ones. A new instance per
 * request, so error params can name the message and part being converted.
 */
final class BedrockRequestMapper {

  /** {@code reasoning_effort} → Claude's thinking budget; the scale the Anthropic adapter uses. */
  static final Map<String, Integer> THINKING_BUDGETS = Map.of(
      "minimal", 1024, "low", 1024, "medium", 2048, "high", 4096, "xhigh", 8192, "max", 16384);

  /** Room for the visible answer on top of a thinking budget when the client set no max tokens. */
  static final int ANSWER_TOKENS_WITH_THINKING = 4096;

  private static final Map<String, String> IMAGE_FORMATS = Map.of(
      "image/png", "png", "image/jpeg", "jpeg", "image/jpg", "jpeg", "image/gif", "gif", "image/webp", "webp");

  private final ObjectNode in;
  private final ArrayNode system = Json.MAPPER.createArrayNode();
  private final ArrayNode turns = Json.MAPPER.createArrayNode();
  private boolean conversationHasToolBlocks;
  private int documents;

  BedrockRequestMapper(ObjectNode in) {
    this.in = in;
  }

  ObjectNode map(String model) {
    ObjectNode out = Json.object();
    ObjectNode inference = Json.object();
    Long maxTokens = null;
    JsonNode tools = null;
    JsonNode toolChoice = null;
    String reasoningEffort = null;
    ObjectNode extras = Json.object();

    for (var field : BedrockFieldPolicy.POLICY.mappedFields(in, extras)) { // carries, drops and refuses the others
      String name = field.getKey();
      JsonNode v = field.getValue();
      switch (name) {
        case "model", "messages", "stream" -> { } // the model and stream flag choose the URL; messages below
        case "max_tokens", "max_completion_tokens" -> {
          if (!RequestValues.isWholeNumber(v) || v.asLong() < 1) {
            throw invalid("invalid_type", name, "'" + name + "' must be a positive integer");
          }
          if (maxTokens == null || name.equals("max_completion_tokens")) maxTokens = v.asLong();
        }
        case "temperature" -> inference.set("temperature", number(v, name));
        case "top_p" -> inference.set("topP", number(v, name));
        case "stop" -> {
          ArrayNode stops = RequestValues.stopSequences(v);
          if (!stops.isEmpty()) inference.set("stopSequences", stops);
        }
        case "tools" -> tools = v;
        case "tool_choice" -> toolChoice = v;
        case "reasoning_effort" -> reasoningEffort = RequestValues.text(v, name);
        case "metadata" -> out.set("requestMetadata", requestMetadata(v));
        case "service_tier" -> {
          String tier = serviceTier(RequestValues.text(v, name));
          if (tier != null) out.putObject("serviceTier").put("type", tier);
        }
        default -> throw new IllegalStateException("BedrockFieldPolicy maps '" + name + "' but the mapper has no code for it");
      }
    }

    mapMessages();
    out.set("messages", turns);
    if (!system.isEmpty()) out.set("system", system);

    ObjectNode toolConfig = toolConfig(tools, toolChoice);
    if (toolConfig != null) out.set("toolConfig", toolConfig);

    ObjectNode additional = null;
    if (reasoningEffort != null && !reasoningEffort.equals("none")) {
      Integer budget = THINKING_BUDGETS.get(reasoningEffort);
      if (budget == null) {
        throw invalid("invalid_value", "reasoning_effort", "Unsupported value for 'reasoning_effort': '"
            + reasoningEffort + "'. Supported: none, minimal, low, medium, high, xhigh, max");
      }
      if (!isClaude(model)) {
        throw BedrockFieldPolicy.POLICY.unsupported("reasoning_effort",
            "mapped for Claude models only; send the model's own reasoning setting in 'additionalModelRequestFields'");
      }
      if (maxTokens != null && maxTokens <= budget) {
        throw invalid("invalid_value", "max_tokens", "max tokens (" + maxTokens + ") must be greater than the"
            + " thinking budget of reasoning_effort '" + reasoningEffort + "' (" + budget + " tokens)");
      }
      additional = Json.object();
      additional.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
      if (maxTokens == null) maxTokens = (long) budget + ANSWER_TOKENS_WITH_THINKING;
    }
    if (maxTokens != null) {
      if (maxTokens > Integer.MAX_VALUE) throw invalid("invalid_value", "max_tokens", "max tokens must be at most " + Integer.MAX_VALUE);
      inference.put("maxTokens", maxTokens.intValue()); // Converse's maxTokens is a 32-bit integer
    }
    if (!inference.isEmpty()) out.set("inferenceConfig", inference);

    JsonNode carriedAdditional = extras.remove("additionalModelRequestFields");
    if (carriedAdditional != null) {
      if (!carriedAdditional.isObject()) {
        throw invalid("invalid_type", "additionalModelRequestFields", "'additionalModelRequestFields' must be an object");
      }
      if (additional == null) additional = Json.object();
      additional.setAll((ObjectNode) carriedAdditional);
    }
    if (additional != null) out.set("additionalModelRequestFields", additional);
    out.setAll(extras);
    return out;
  }

  static boolean isClaude(String model) {
    return model.toLowerCase(Locale.ROOT).contains("anthropic.claude");
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
      String converseRole;
      switch (role) {
        case "system", "developer" -> {
          blocks = systemBlocks(msg, at);
          converseRole = null;
        }
        case "user" -> {
          blocks = contentBlocks(msg.get("content"), at, true);
          converseRole = "user";
        }
        case "assistant" -> {
          blocks = assistantBlocks(msg, at);
          converseRole = "assistant";
        }
        case "tool" -> {
          blocks = new ArrayList<>(List.of(toolResult(msg, at)));
          converseRole = "user";
        }
        case "function" -> throw invalid("unsupported_value", at + ".role",
            "Role 'function' is deprecated and not supported here; use assistant tool_calls and 'tool' messages");
        default -> throw invalid("invalid_value", at + ".role", "Invalid value for " + at + ".role: '" + role
            + "'. Supported: system, developer, user, assistant, tool");
      }
      if (cacheHint(msg) && !blocks.isEmpty()) blocks.add(cachePoint());
      if (converseRole == null) blocks.forEach(system::add);
      else append(converseRole, blocks);
    }
  }

  /** Converse needs alternating turns; OpenAI allows runs of one role, which become one turn. */
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
      addText(blocks, part, partAt);
    }
    return blocks;
  }

  private List<ObjectNode> assistantBlocks(JsonNode msg, String at) {
    if (msg.hasNonNull("function_call")) {
      throw invalid("unsupported_value", at + ".function_call", "'function_call' is deprecated and not supported here; use 'tool_calls'");
    }
    if (msg.hasNonNull("audio")) {
      throw invalid("unsupported_value", at + ".audio", "Audio is not supported by Bedrock's Converse API");
    }
    // Claude wants its thinking first, before the text and tool calls it led to.
    List<ObjectNode> blocks = BedrockReasoning.toConverse(msg.get("reasoning_details"), at + ".reasoning_details");
    blocks.addAll(contentBlocks(msg.get("content"), at, false));
    JsonNode calls = msg.get("tool_calls");
    if (calls == null || calls.isNull()) return blocks;
    if (!calls.isArray()) throw invalid("invalid_type", at + ".tool_calls", at + ".tool_calls must be an array");
    for (int k = 0; k < calls.size(); k++) {
      JsonNode call = calls.get(k);
      String callAt = at + ".tool_calls[" + k + "]";
      String type = call.path("type").asText("function");
      if (!type.equals("function")) {
        throw invalid("unsupported_value", callAt + ".type", "Only function tool calls are supported for Bedrock models");
      }
      ObjectNode use = Json.object();
      use.put("toolUseId", RequestValues.requiredText(call.get("id"), callAt + ".id"));
      use.put("name", RequestValues.requiredText(call.path("function").get("name"), callAt + ".function.name"));
      use.set("input", OpenAiJson.toolArguments(call.path("function").get("arguments"), callAt + ".function.arguments", "Bedrock"));
      ObjectNode block = Json.object();
      block.set("toolUse", use);
      blocks.add(block);
      conversationHasToolBlocks = true;
    }
    return blocks;
  }

  private ObjectNode toolResult(JsonNode msg, String at) {
    ObjectNode result = Json.object();
    result.put("toolUseId", RequestValues.requiredText(msg.get("tool_call_id"), at + ".tool_call_id"));
    ArrayNode content = result.putArray("content");
    JsonNode c = msg.get("content");
    if (c == null || c.isNull() || c.isTextual()) {
      content.addObject().put("text", c == null || c.isNull() ? "" : c.asText());
    } else if (c.isArray()) {
      for (ObjectNode block : contentBlocks(c, at, true)) {
        if (!block.has("cachePoint")) content.add(block); // a tool result holds no cache points
      }
      if (content.isEmpty()) content.addObject().put("text", "");
    } else {
      throw invalid("invalid_type", at + ".content", at + ".content must be a string or an array");
    }
    conversationHasToolBlocks = true;
    ObjectNode block = Json.object();
    block.set("toolResult", result);
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
      contentPart(blocks, content.get(j), at + ".content[" + j + "]", user);
    }
    return blocks;
  }

  private void contentPart(List<ObjectNode> blocks, JsonNode part, String at, boolean user) {
    if (!part.isObject()) throw invalid("invalid_type", at, at + " must be an object");
    String type = part.path("type").asText("");
    switch (type) {
      case "text" -> {
        addText(blocks, part, at);
        return;
      }
      case "refusal" -> { // an earlier assistant refusal: keep what was said
        if (!user) {
          String refusal = part.path("refusal").asText("");
          if (!refusal.isEmpty()) blocks.add(textBlock(refusal));
          return;
        }
      }
      case "image_url" -> {
        if (user) {
          blocks.add(imagePart(part, at));
          if (cacheHint(part)) blocks.add(cachePoint());
          return;
        }
      }
      case "file" -> {
        if (user) {
          blocks.add(filePart(part, at));
          if (cacheHint(part)) blocks.add(cachePoint());
          return;
        }
      }
      case "input_audio" -> throw invalid("unsupported_value", at + ".type", "Audio input is not supported by Bedrock's Converse API");
      default -> { }
    }
    throw invalid("invalid_value", at + ".type", "Unsupported content part type '" + type + "' in " + at);
  }

  private static void addText(List<ObjectNode> blocks, JsonNode part, String at) {
    JsonNode text = part.get("text");
    if (text == null || !text.isTextual()) throw invalid("invalid_type", at + ".text", at + ".text must be a string");
    // Bedrock rejects blank text blocks, and an empty part says nothing
    if (text.asText().isEmpty()) return;
    blocks.add(textBlock(text.asText()));
    if (cacheHint(part)) blocks.add(cachePoint());
  }

  private static ObjectNode textBlock(String text) {
    return Json.object().put("text", text);
  }

  /** Anthropic's {@code cache_control} or OpenAI's {@code prompt_cache_breakpoint} on a part or message. */
  private static boolean cacheHint(JsonNode node) {
    JsonNode cc = node.get("cache_control");
    return (cc != null && cc.isObject()) || node.hasNonNull("prompt_cache_breakpoint");
  }

  private static ObjectNode cachePoint() {
    ObjectNode block = Json.object();
    block.putObject("cachePoint").put("type", "default");
    return block;
  }

  private static ObjectNode imagePart(JsonNode part, String at) {
    JsonNode image = part.get("image_url");
    JsonNode urlNode = image != null && image.isObject() ? image.get("url") : image;
    String param = at + ".image_url.url";
    String url = RequestValues.requiredText(urlNode, param);
    ObjectNode img = Json.object();
    if (url.startsWith("data:")) {
      DataUrl data = DataUrl.parse(url, param);
      String format = IMAGE_FORMATS.get(data.mediaType().toLowerCase(Locale.ROOT));
      if (format == null) {
        throw invalid("unsupported_value", param, "Image type '" + data.mediaType()
            + "' is not supported by Bedrock; send png, jpeg, gif or webp");
      }
      img.put("format", format);
      img.putObject("source").put("bytes", data.base64());
    } else if (url.startsWith("s3://")) {
      img.put("format", formatFromName(url, param));
      img.putObject("source").putObject("s3Location").put("uri", url);
    } else if (url.startsWith("https://") || url.startsWith("http://")) {
      throw invalid("unsupported_value", param, "Bedrock's Converse API takes image bytes, not URLs: send the"
          + " image as a base64 data URL (data:image/png;base64,...) or an s3:// URL");
    } else {
      throw invalid("invalid_value", param, "Image URL must be a base64 data URL or an s3:// URL for Bedrock models");
    }
    ObjectNode block = Json.object();
    block.set("image", img);
    return block;
  }

  private static String formatFromName(String url, String param) {
    int dot = url.lastIndexOf('.');
    String ext = dot < 0 ? "" : url.substring(dot + 1).toLowerCase(Locale.ROOT);
    String format = IMAGE_FORMATS.get("image/" + ext);
    if (format == null) {
      throw invalid("invalid_value", param, "Cannot tell the image format of '" + url + "': name it .png, .jpeg, .jpg, .gif or .webp");
    }
    return format;
  }

  private ObjectNode filePart(JsonNode part, String at) {
    JsonNode file = part.path("file");
    if (file.hasNonNull("file_id")) {
      throw invalid("unsupported_value", at + ".file.file_id", "OpenAI file ids cannot be used with Bedrock models; send file_data");
    }
    String param = at + ".file.file_data";
    String data = RequestValues.requiredText(file.get("file_data"), param);
    String base64;
    if (data.startsWith("data:")) {
      DataUrl url = DataUrl.parse(data, param);
      if (!url.mediaType().equalsIgnoreCase("application/pdf")) {
        throw invalid("unsupported_value", param, "File type '" + url.mediaType() + "' is not mapped for Bedrock; send a PDF");
      }
      base64 = url.base64();
    } else {
      base64 = data; // bare base64: OpenAI's file inputs are PDFs
    }
    ObjectNode doc = Json.object();
    doc.put("format", "pdf");
    doc.put("name", documentName(file.path("filename").asText(""), ++documents));
    doc.putObject("source").put("bytes", base64);
    ObjectNode block = Json.object();
    block.set("document", doc);
    return block;
  }

  /** Bedrock allows letters, digits, single spaces, hyphens, parentheses and square brackets in a document name. */
  static String documentName(String filename, int n) {
    String base = filename.replaceFirst("\\.[A-Za-z0-9]{1,5}$", "");
    String cleaned = base.replaceAll("[^A-Za-z0-9\\-()\\[\\] ]", " ").replaceAll("\\s+", " ").strip();
    if (cleaned.length() > 200) cleaned = cleaned.substring(0, 200).strip();
    return cleaned.isEmpty() ? "document " + n : cleaned;
  }

  // ---- tools ----------------------------------------------------------------------------------

  private ObjectNode toolConfig(JsonNode tools, JsonNode toolChoice) {
    ArrayNode specs = Json.MAPPER.createArrayNode();
    if (tools != null) {
      if (!tools.isArray()) throw invalid("invalid_type", "tools", "'tools' must be an array");
      for (int j = 0; j < tools.size(); j++) specs.add(toolSpec(tools.get(j), "tools[" + j + "]"));
    }
    ObjectNode choice = toolChoice == null ? null : mapToolChoice(toolChoice);
    boolean none = choice != null && choice.has("none");
    if (none) {
      if (conversationHasToolBlocks && !specs.isEmpty()) {
        throw invalid("unsupported_value", "tool_choice", "tool_choice 'none' cannot be honoured for Bedrock models"
            + " in a conversation that holds tool calls: Converse has no 'none' and needs the tools to read them;"
            + " use 'auto'");
      }
      return null; // without the tools the model cannot call one
    }
    if (specs.isEmpty()) {
      if (choice != null && !choice.has("auto")) {
        throw invalid("invalid_value", "tool_choice", "'tool_choice' requires 'tools'");
      }
      return null;
    }
    ObjectNode config = Json.object();
    config.set("tools", specs);
    if (choice != null) config.set("toolChoice", choice);
    return config;
  }

  private static ObjectNode toolSpec(JsonNode tool, String at) {
    if (!tool.isObject()) throw invalid("invalid_type", at, at + " must be an object");
    String type = tool.path("type").asText("");
    if (!type.equals("function")) {
      throw invalid("unsupported_value", at + ".type", "Tool type '" + type + "' is not supported for Bedrock models; use function tools");
    }
    JsonNode fn = tool.path("function");
    ObjectNode spec = Json.object();
    spec.put("name", RequestValues.requiredText(fn.get("name"), at + ".function.name"));
    String description = fn.path("description").asText("");
    if (!description.isEmpty()) spec.put("description", description);
    JsonNode params = fn.get("parameters");
    ObjectNode schema;
    if (params != null && params.isObject()) {
      schema = ((ObjectNode) params).deepCopy();
    } else {
      schema = Json.object().put("type", "object");
      schema.putObject("properties");
    }
    spec.putObject("inputSchema").set("json", schema);
    ObjectNode out = Json.object();
    out.set("toolSpec", spec);
    return out;
  }

  /** The Converse toolChoice, or {@code {"none": {}}} as a marker for OpenAI's none. */
  private static ObjectNode mapToolChoice(JsonNode choice) {
    ObjectNode out = Json.object();
    if (choice.isTextual()) {
      switch (choice.asText()) {
        case "auto" -> out.putObject("auto");
        case "required" -> out.putObject("any");
        case "none" -> out.putObject("none");
        default -> throw invalid("invalid_value", "tool_choice", "Invalid value for 'tool_choice': '" + choice.asText()
            + "'. Supported: none, auto, required, or a named function");
      }
      return out;
    }
    if (!choice.isObject()) throw invalid("invalid_type", "tool_choice", "'tool_choice' must be a string or an object");
    String type = choice.path("type").asText("");
    if (!type.equals("function")) {
      throw invalid("unsupported_value", "tool_choice.type", "tool_choice type '" + type + "' is not supported for Bedrock models");
    }
    out.putObject("tool").put("name", RequestValues.requiredText(choice.path("function").get("name"), "tool_choice.function.name"));
    return out;
  }

  // ---- small helpers --------------------------------------------------------------------------

  private static ObjectNode requestMetadata(JsonNode v) {
    if (!v.isObject()) throw invalid("invalid_type", "metadata", "'metadata' must be an object");
    ObjectNode out = Json.object();
    v.fields().forEachRemaining(e -> {
      if (!e.getValue().isTextual()) {
        throw invalid("invalid_type", "metadata." + e.getKey(), "metadata values must be strings");
      }
      out.put(e.getKey(), e.getValue().asText());
    });
    return out;
  }

  private static String serviceTier(String tier) {
    return switch (tier) {
      case "auto" -> null;
      case "default", "flex", "priority" -> tier;
      default -> throw invalid("unsupported_value", "service_tier", "service_tier '" + tier
          + "' is not available for Bedrock models. Supported: auto, default, flex, priority");
    };
  }

  private static JsonNode number(JsonNode v, String param) {
    if (!v.isNumber()) throw invalid("invalid_type", param, "'" + param + "' must be a number");
    return v.deepCopy();
  }

  static GatewayException.InvalidRequest invalid(String code, String param, String message) {
    return new GatewayException.InvalidRequest(code, param, message);
  }
}
