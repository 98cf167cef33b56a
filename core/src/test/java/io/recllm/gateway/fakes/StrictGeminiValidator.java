package io.recllm.gateway.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.json.Json;
import io.vertx.core.MultiMap;
import java.util.Map;
import java.util.Set;

/**
 * Rejects a generateContent request the way the Gemini API would: the key in {@code x-goog-api-key}
 * (or, for Vertex AI, a bearer token), JSON with only the request's own top-level fields, non-empty
 * {@code contents} with roles user/model, every part holding exactly one kind of data, no empty text,
 * and a functionResponse naming its function. Written from the API reference and the recorded requests
 * in {@code fixtures/gemini/*.request.json}; returns the problem, or null.
 */
public final class StrictGeminiValidator {

  private static final Set<String> TOP_LEVEL = Set.of("contents", "systemInstruction", "tools", "toolConfig",
      "generationConfig", "safetySettings", "cachedContent", "labels");
  private static final Set<String> PART_DATA = Set.of("text", "inlineData", "fileData", "functionCall",
      "functionResponse", "executableCode", "codeExecutionResult");
  private static final Set<String> PART_META = Set.of("thought", "thoughtSignature", "videoMetadata");

  private StrictGeminiValidator() {}

  /** @param auth the expected {@code x-goog-api-key}, or {@code "Bearer <token>"} for Vertex AI */
  public static String validate(MultiMap headers, String body, String auth) {
    if (auth.startsWith("Bearer ")) {
      if (!auth.equals(headers.get("authorization"))) return "authorization must be " + auth;
      if (headers.contains("x-goog-api-key")) return "Vertex AI takes no x-goog-api-key here";
    } else if (!auth.equals(headers.get("x-goog-api-key"))) {
      return "x-goog-api-key missing or wrong";
    }
    if (!String.valueOf(headers.get("content-type")).startsWith("application/json")) return "content-type must be application/json";
    JsonNode req;
    try {
      req = Json.MAPPER.readTree(body);
    } catch (Exception e) {
      return "body is not JSON";
    }
    if (req == null || !req.isObject()) return "body must be an object";
    for (Map.Entry<String, JsonNode> f : (Iterable<Map.Entry<String, JsonNode>>) req::fields) {
      if (!TOP_LEVEL.contains(f.getKey())) return "Unknown name \"" + f.getKey() + "\": Cannot find field.";
    }
    JsonNode contents = req.path("contents");
    if (!contents.isArray() || contents.isEmpty()) return "contents is not specified";
    for (int i = 0; i < contents.size(); i++) {
      JsonNode c = contents.get(i);
      String role = c.path("role").asText("");
      if (!role.equals("user") && !role.equals("model")) return "contents[" + i + "].role must be user or model";
      String problem = parts(c.path("parts"), "contents[" + i + "].parts");
      if (problem != null) return problem;
    }
    if (req.has("systemInstruction")) {
      String problem = parts(req.path("systemInstruction").path("parts"), "systemInstruction.parts");
      if (problem != null) return problem;
    }
    return null;
  }

  private static String parts(JsonNode parts, String at) {
    if (!parts.isArray() || parts.isEmpty()) return at + " must not be empty";
    for (int j = 0; j < parts.size(); j++) {
      JsonNode p = parts.get(j);
      int data = 0;
      for (Map.Entry<String, JsonNode> f : (Iterable<Map.Entry<String, JsonNode>>) p::fields) {
        if (PART_DATA.contains(f.getKey())) data++;
        else if (!PART_META.contains(f.getKey())) return "Unknown name \"" + f.getKey() + "\" at '" + at + "[" + j + "]'";
      }
      if (data != 1) return at + "[" + j + "] must hold exactly one kind of data";
      if (p.has("text") && p.get("text").asText().isEmpty()) return at + "[" + j + "].text must not be empty";
      if (p.has("functionResponse") && p.path("functionResponse").path("name").asText("").isEmpty()) {
        return at + "[" + j + "].functionResponse.name is required";
      }
      if (p.has("functionCall") && !p.path("functionCall").path("args").isObject()) {
        return at + "[" + j + "].functionCall.args must be an object";
      }
    }
    return null;
  }

  /** The body Gemini answers a rejected request with. */
  public static String errorBody(String problem) {
    return "{\"error\":{\"code\":400,\"message\":" + Json.MAPPER.valueToTree(problem) + ",\"status\":\"INVALID_ARGUMENT\"}}";
  }
}
