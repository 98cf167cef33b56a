package io.recllm.gateway.provider.gemini;

import static io.recllm.gateway.provider.RequestValues.functionArguments;
import static io.recllm.gateway.provider.RequestValues.invalid;
import static io.recllm.gateway.provider.RequestValues.isWholeNumber;
import static io.recllm.gateway.provider.RequestValues.requiredText;
import static io.recllm.gateway.provider.RequestValues.stopSequences;
import static io.recllm.gateway.provider.RequestValues.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One OpenAI chat request → one Gemini {@code GenerateContentRequest}. Which top-level fields are
 * mapped, carried, ignored or refused is {@link GeminiFieldPolicy#POLICY}; this class has code only for
 * the mapped ones. A new instance per request, so error params can name the message and part being
 * converted.
 */
final class GeminiRequestMapper {

  /** {@code reasoning_effort} → {@code thinkingBudget} for models before Gemini 3 (LiteLLM's scale, 512 the smallest every 2.5 model takes). */
  static final Map<String, Integer> THINKING_BUDGETS = Map.of(
      "none", 0, "minimal", 512, "low", 1024, "medium", 2048, "high", 4096, "xhigh", 8192, "max", 24576);

  /** Gemini's own tool shapes a client may put in {@code tools}; copied as sent. */
  static final Set<String> GEMINI_TOOLS = Set.of(
      "functionDeclarations", "googleSearch", "googleSearchRetrieval", "codeExecution", "urlContext", "retrieval",
      "googleMaps", "fileSearch", "computerUse");

  private static final Map<String, String> MEDIA_TYPES = Map.ofEntries(
      Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("png", "image/png"),
      Map.entry("webp", "image/webp"), Map.entry("gif", "image/gif"), Map.entry("heic", "image/heic"),
      Map.entry("heif", "image/heif"), Map.entry("pdf", "application/pdf"), Map.entry("mp4", "video/mp4"),
      Map.entry("mp3", "audio/mp3"), Map.entry("wav", "audio/wav"), Map.entry("txt", "text/plain"));

  /** Whose content is being converted: system text only, media from users only. */
  private enum Role { SYSTEM, USER, ASSISTANT }

  private final ObjectNode in;
  private final ArrayNode system = Json.MAPPER.createArrayNode();
  private final ArrayNode contents = Json.MAPPER.createArrayNode();
  /** Tool call id → function name, from every assistant message: a functionResponse must name its function. */
  private final Map<String, String> callNames = new HashMap<>();

  GeminiRequestMapper(ObjectNode in) {
    this.in = in;
  }

  ObjectNode map(String model) {
    ObjectNode out = Json.object();
    ObjectNode generation = Json.object();
    Long maxTokens = null;
    JsonNode tools = null;
    JsonNode toolChoice = null;
    String reasoningEffort = null;
    ObjectNode extras = Json.object();

    for (var field : GeminiFieldPolicy.POLICY.mappedFields(in, extras)) { // carries, drops and refuses the others
      String name = field.getKey();
      JsonNode v = field.getValue();
      switch (name) {
        case "model", "messages", "stream" -> { } // the model and stream choose the URL; messages are mapped below
        case "max_tokens", "max_completion_tokens" -> {
          long n = wholeNumber(v, name, 1);
          if (maxTokens == null || name.equals("max_completion_tokens")) maxTokens = n;
        }
        case "temperature" -> generation.set("temperature", number(v, name));
        case "top_p" -> generation.set("topP", number(v, name));
        case "top_k" -> generation.put("topK", wholeNumber(v, name, 1));
        case "seed" -> generation.put("seed", wholeNumber(v, name, Long.MIN_VALUE));
        case "n" -> {
          long n = wholeNumber(v, name, 1);
          if (n != 1) generation.put("candidateCount", n);
        }
        case "presence_penalty" -> generation.set("presencePenalty", number(v, name));
        case "frequency_penalty" -> generation.set("frequencyPenalty", number(v, name));
        case "stop" -> {
          ArrayNode stops = stopSequences(v);
          if (!stops.isEmpty()) generation.set("stopSequences", stops);
        }
        case "response_format" -> responseFormat(v, generation);
        case "tools" -> tools = v;
        case "tool_choice" -> toolChoice = v;
        case "reasoning_effort" -> reasoningEffort = text(v, name);
        default -> throw new IllegalStateException("GeminiFieldPolicy maps '" + name + "' but the mapper has no code for it");
      }
    }
    if (maxTokens != null) generation.put("maxOutputTokens", maxTokens);
    if (reasoningEffort != null) generation.set("thinkingConfig", thinkingConfig(reasoningEffort, model));

    mapMessages();
    out.set("contents", contents);
    if (!system.isEmpty()) out.putObject("systemInstruction").set("parts", system);
    if (tools != null) {
      ArrayNode mapped = mapTools(tools);
      if (!mapped.isEmpty()) out.set("tools", mapped);
    }
    if (toolChoice != null) {
      ObjectNode config = mapToolChoice(toolChoice);
      if (config != null) out.putObject("toolConfig").set("functionCallingConfig", config);
    }
    if (!generation.isEmpty()) out.set("generationConfig", generation);
    out.setAll(extras);
    return out;
  }

  // ---- generation settings --------------------------------------------------------------------

  private static void responseFormat(JsonNode v, ObjectNode generation) {
    if (!v.isObject()) throw invalid("invalid_type", "response_format", "'response_format' must be an object");
    String type = v.path("type").asText("");
    switch (type) {
      case "text" -> { }
      case "json_object" -> generation.put("responseMimeType", "application/json");
      case "json_schema" -> {
        JsonNode schema = v.path("json_schema").get("schema");
        if (schema == null || !schema.isObject()) {
          throw invalid("invalid_value", "response_format.json_schema.schema",
              "Missing required parameter: 'response_format.json_schema.schema'");
        }
        generation.put("responseMimeType", "application/json");
        generation.set("responseJsonSchema", schema.deepCopy());
      }
      default -> throw invalid("invalid_value", "response_format.type", "Invalid value for 'response_format.type': '"
          + type + "'. Supported: text, json_object, json_schema");
    }
  }

  private static ObjectNode thinkingConfig(String effort, String model) {
    ObjectNode config = Json.object();
    Integer budget = THINKING_BUDGETS.get(effort);
    if (budget == null) {
      throw invalid("invalid_value", "reasoning_effort", "Unsupported value for 'reasoning_effort': '" + effort
          + "'. Supported: none, minimal, low, medium, high, xhigh, max");
    }
    if (model.startsWith("gemini-3")) {
      // Gemini 3 models think in levels and cannot stop thinking; budgets are for older models only.
      config.put("thinkingLevel", budget <= THINKING_BUDGETS.get("low") ? "low" : "high");
    } else {
      config.put("thinkingBudget", budget);
    }
    if (budget > 0) config.put("includeThoughts", true);
    return config;
  }

  // ---- messages -------------------------------------------------------------------------------

  private void mapMessages() {
    JsonNode messages = in.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw invalid("invalid_value", "messages", "'messages' must be a non-empty array");
    }
    for (JsonNode msg : messages) {
      if (!"assistant".equals(msg.path("role").asText()) || !msg.path("tool_calls").isArray()) continue;
      for (JsonNode call : msg.get("tool_calls")) {
        String id = call.path("id").asText("");
        String name = call.path("function").path("name").asText("");
        if (!id.isEmpty() && !name.isEmpty()) callNames.put(id, name);
      }
    }
    for (int i = 0; i < messages.size(); i++) {
      JsonNode msg = messages.get(i);
      String at = "messages[" + i + "]";
      if (!msg.isObject()) throw invalid("invalid_type", at, at + " must be an object");
      String role = msg.path("role").asText("");
      switch (role) {
        case "system", "developer" -> contentParts(msg.get("content"), at, Role.SYSTEM).forEach(system::add);
        case "user" -> append("user", contentParts(msg.get("content"), at, Role.USER));
        case "assistant" -> append("model", assistantParts(msg, at));
        case "tool" -> append("user", List.of(functionResponse(msg, at)));
        case "function" -> throw invalid("unsupported_value", at + ".role",
            "Role 'function' is deprecated and not supported here; use assistant tool_calls and 'tool' messages");
        default -> throw invalid("invalid_value", at + ".role", "Invalid value for " + at + ".role: '" + role
            + "'. Supported: system, developer, user, assistant, tool");
      }
    }
    if (contents.isEmpty()) {
      throw invalid("invalid_value", "messages", "Gemini needs at least one user or assistant message with content");
    }
  }

  /**
   * Runs of one role become one content: a model turn's parallel calls are answered by one user turn
   * holding every functionResponse, which is what Gemini expects.
   */
  private void append(String role, List<ObjectNode> parts) {
    if (parts.isEmpty()) return;
    JsonNode last = contents.isEmpty() ? null : contents.get(contents.size() - 1);
    ArrayNode target;
    if (last != null && role.equals(last.path("role").asText())) {
      target = (ArrayNode) last.get("parts");
    } else {
      ObjectNode content = contents.addObject();
      content.put("role", role);
      target = content.putArray("parts");
    }
    parts.forEach(target::add);
  }

  private List<ObjectNode> assistantParts(JsonNode msg, String at) {
    if (msg.hasNonNull("function_call")) {
      throw invalid("unsupported_value", at + ".function_call", "'function_call' is deprecated and not supported here; use 'tool_calls'");
    }
    if (msg.hasNonNull("audio")) {
      throw invalid("unsupported_value", at + ".audio", "Audio is not supported by Gemini models here");
    }
    List<ObjectNode> parts = contentParts(msg.get("content"), at, Role.ASSISTANT);
    Map<String, ObjectNode> callsById = new HashMap<>();
    JsonNode calls = msg.get("tool_calls");
    if (calls != null && !calls.isNull()) {
      if (!calls.isArray()) throw invalid("invalid_type", at + ".tool_calls", at + ".tool_calls must be an array");
      for (int k = 0; k < calls.size(); k++) {
        JsonNode call = calls.get(k);
        String callAt = at + ".tool_calls[" + k + "]";
        if (!call.path("type").asText("function").equals("function")) {
          throw invalid("unsupported_value", callAt + ".type", "Only function tool calls are supported for Gemini models");
        }
        ObjectNode fc = Json.object();
        String id = requiredText(call.get("id"), callAt + ".id");
        fc.put("id", id);
        fc.put("name", requiredText(call.path("function").get("name"), callAt + ".function.name"));
        fc.set("args", functionArguments(call.path("function").get("arguments"), callAt + ".function.arguments", "Gemini"));
        ObjectNode part = Json.object();
        part.set("functionCall", fc);
        // Gemini's OpenAI-compatible endpoint carries the signature here; accept what its clients send back
        String compat = call.path("extra_content").path("google").path("thought_signature").asText("");
        if (!compat.isEmpty()) part.put("thoughtSignature", compat);
        parts.add(part);
        callsById.put(id, part);
      }
    }
    GeminiReasoning.restoreSignatures(msg.get("reasoning_details"), at + ".reasoning_details", parts, callsById);
    return parts;
  }

  private ObjectNode functionResponse(JsonNode msg, String at) {
    String id = requiredText(msg.get("tool_call_id"), at + ".tool_call_id");
    String name = callNames.get(id);
    if (name == null && msg.path("name").isTextual()) name = msg.get("name").asText();
    if (name == null || name.isEmpty()) {
      throw invalid("invalid_value", at + ".tool_call_id", "Gemini needs the function name of every tool result: "
          + at + ".tool_call_id '" + id + "' matches no tool call of an assistant message (or give the tool message a 'name')");
    }
    ObjectNode fr = Json.object();
    fr.put("id", id);
    fr.put("name", name);
    fr.set("response", toolResponse(msg.get("content"), at + ".content"));
    ObjectNode part = Json.object();
    part.set("functionResponse", fr);
    return part;
  }

  /** A JSON object result goes as it is; anything else under "output", the key Gemini documents for a function's output. */
  private static ObjectNode toolResponse(JsonNode content, String param) {
    String text;
    if (content == null || content.isNull()) {
      text = "";
    } else if (content.isTextual()) {
      text = content.asText();
    } else if (content.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (int j = 0; j < content.size(); j++) {
        JsonNode part = content.get(j);
        if (!"text".equals(part.path("type").asText())) {
          throw invalid("unsupported_value", param + "[" + j + "].type", "Only text parts are supported in tool results for Gemini models");
        }
        sb.append(textOf(part, param + "[" + j + "]"));
      }
      text = sb.toString();
    } else {
      throw invalid("invalid_type", param, param + " must be a string or an array");
    }
    String trimmed = text.strip();
    if (trimmed.startsWith("{")) {
      try {
        JsonNode parsed = Json.MAPPER.readTree(trimmed);
        if (parsed instanceof ObjectNode o) return o;
      } catch (JsonProcessingException e) {
        // not JSON after all: sent as text
      }
    }
    return Json.object().put("output", text);
  }

  private List<ObjectNode> contentParts(JsonNode content, String at, Role role) {
    List<ObjectNode> parts = new ArrayList<>();
    if (content == null || content.isNull()) return parts;
    if (content.isTextual()) {
      addText(parts, content.asText());
      return parts;
    }
    if (!content.isArray()) throw invalid("invalid_type", at + ".content", at + ".content must be a string or an array");
    for (int j = 0; j < content.size(); j++) {
      JsonNode part = content.get(j);
      String partAt = at + ".content[" + j + "]";
      if (!part.isObject()) throw invalid("invalid_type", partAt, partAt + " must be an object");
      String type = part.path("type").asText("");
      if (role == Role.SYSTEM && !type.equals("text")) {
        throw invalid("invalid_value", partAt + ".type", "Only text parts are allowed in system and developer messages");
      }
      boolean user = role == Role.USER;
      switch (type) {
        case "text" -> addText(parts, textOf(part, partAt));
        case "refusal" -> {
          if (user) throw unsupportedPart(type, partAt);
          addText(parts, part.path("refusal").asText(""));
        }
        case "image_url" -> {
          if (!user) throw unsupportedPart(type, partAt);
          JsonNode image = part.get("image_url");
          JsonNode url = image != null && image.isObject() ? image.get("url") : image;
          parts.add(media(requiredText(url, partAt + ".image_url.url"), partAt + ".image_url.url"));
        }
        case "input_audio" -> {
          if (!user) throw unsupportedPart(type, partAt);
          JsonNode audio = part.path("input_audio");
          String format = requiredText(audio.get("format"), partAt + ".input_audio.format");
          parts.add(inlineData("audio/" + format, requiredText(audio.get("data"), partAt + ".input_audio.data")));
        }
        case "file" -> {
          if (!user) throw unsupportedPart(type, partAt);
          JsonNode file = part.path("file");
          if (file.hasNonNull("file_id")) {
            throw invalid("unsupported_value", partAt + ".file.file_id", "OpenAI file ids cannot be used with Gemini models; send file_data");
          }
          String data = requiredText(file.get("file_data"), partAt + ".file.file_data");
          // bare base64: OpenAI's file inputs are PDFs
          parts.add(data.startsWith("data:") ? media(data, partAt + ".file.file_data") : inlineData("application/pdf", data));
        }
        default -> throw unsupportedPart(type, partAt);
      }
    }
    return parts;
  }

  private static GatewayException.InvalidRequest unsupportedPart(String type, String at) {
    return invalid("invalid_value", at + ".type", "Unsupported content part type '" + type + "' in " + at);
  }

  /** A data URL → {@code inlineData}; an https or gs URL → {@code fileData}, its media type from the extension. */
  private static ObjectNode media(String url, String param) {
    if (url.startsWith("data:")) {
      int comma = url.indexOf(',');
      String header = comma < 0 ? "" : url.substring(5, comma);
      if (!header.endsWith(";base64")) {
        throw invalid("invalid_value", param, "Data URL must be of the form data:<media type>;base64,<data>");
      }
      return inlineData(header.substring(0, header.length() - ";base64".length()), url.substring(comma + 1));
    }
    if (!url.startsWith("https://") && !url.startsWith("gs://")) {
      throw invalid("invalid_value", param, "For Gemini models a file URL must be an https or gs URL, or a base64 data URL");
    }
    String path = url.replaceFirst("[?#].*$", "");
    String ext = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    String mediaType = MEDIA_TYPES.getOrDefault(ext, "image/jpeg"); // image_url is for images; JPEG the common case
    ObjectNode part = Json.object();
    part.putObject("fileData").put("mimeType", mediaType).put("fileUri", url);
    return part;
  }

  private static ObjectNode inlineData(String mediaType, String data) {
    ObjectNode part = Json.object();
    part.putObject("inlineData").put("mimeType", mediaType).put("data", data);
    return part;
  }

  private static void addText(List<ObjectNode> parts, String text) {
    if (!text.isEmpty()) parts.add(Json.object().put("text", text)); // Gemini rejects empty text parts
  }

  private static String textOf(JsonNode part, String at) {
    JsonNode text = part.get("text");
    if (text == null || !text.isTextual()) throw invalid("invalid_type", at + ".text", at + ".text must be a string");
    return text.asText();
  }

  // ---- tools ----------------------------------------------------------------------------------

  private static ArrayNode mapTools(JsonNode tools) {
    if (!tools.isArray()) throw invalid("invalid_type", "tools", "'tools' must be an array");
    ArrayNode out = Json.MAPPER.createArrayNode();
    ArrayNode declarations = null;
    for (int j = 0; j < tools.size(); j++) {
      JsonNode tool = tools.get(j);
      String at = "tools[" + j + "]";
      if (!tool.isObject()) throw invalid("invalid_type", at, at + " must be an object");
      String type = tool.path("type").asText("");
      if (type.equals("function")) {
        if (declarations == null) declarations = out.addObject().putArray("functionDeclarations");
        declarations.add(functionDeclaration(tool.path("function"), at));
      } else if (type.isEmpty() && tool.size() == 1 && GEMINI_TOOLS.contains(tool.fieldNames().next())) {
        out.add(tool.deepCopy());
      } else {
        throw invalid("unsupported_value", at + ".type", "Tool type '" + type + "' is not supported for Gemini models;"
            + " send function tools, or Gemini's own tool objects such as {\"googleSearch\": {}}");
      }
    }
    return out;
  }

  private static ObjectNode functionDeclaration(JsonNode fn, String at) {
    ObjectNode out = Json.object();
    out.put("name", requiredText(fn.get("name"), at + ".function.name"));
    if (fn.hasNonNull("description")) out.put("description", fn.get("description").asText());
    JsonNode params = fn.get("parameters");
    if (params != null && params.isObject()) out.set("parametersJsonSchema", params.deepCopy());
    return out;
  }

  private static ObjectNode mapToolChoice(JsonNode choice) {
    if (choice.isTextual()) {
      return switch (choice.asText()) {
        case "auto" -> Json.object().put("mode", "AUTO");
        case "none" -> Json.object().put("mode", "NONE");
        case "required" -> Json.object().put("mode", "ANY");
        default -> throw invalid("invalid_value", "tool_choice", "Invalid value for 'tool_choice': '" + choice.asText()
            + "'. Supported: none, auto, required, or a named function");
      };
    }
    if (!choice.isObject()) throw invalid("invalid_type", "tool_choice", "'tool_choice' must be a string or an object");
    String type = choice.path("type").asText("");
    if (!type.equals("function")) {
      throw invalid("unsupported_value", "tool_choice.type", "tool_choice type '" + type + "' is not supported for Gemini models");
    }
    ObjectNode config = Json.object().put("mode", "ANY");
    config.putArray("allowedFunctionNames").add(requiredText(choice.path("function").get("name"), "tool_choice.function.name"));
    return config;
  }

  // ---- small helpers --------------------------------------------------------------------------

  private static JsonNode number(JsonNode v, String param) {
    if (!v.isNumber()) throw invalid("invalid_type", param, "'" + param + "' must be a number");
    return v.deepCopy();
  }

  /** A whole number that fits a long, at least {@code min}. */
  private static long wholeNumber(JsonNode v, String param, long min) {
    if (!isWholeNumber(v)) throw invalid("invalid_type", param, "'" + param + "' must be an integer");
    if (v.asLong() < min) throw invalid("invalid_value", param, "'" + param + "' must be at least " + min);
    return v.asLong();
  }

}
