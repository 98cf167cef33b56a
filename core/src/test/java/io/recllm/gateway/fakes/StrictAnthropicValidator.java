package io.recllm.gateway.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.json.Json;
import io.vertx.core.MultiMap;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks a request the way Anthropic's Messages API does (the parts a translation can get wrong):
 * headers, known top-level fields only, max_tokens present, no system role in messages, alternating
 * user/assistant turns starting with user, known block types, tool results answering earlier tool uses.
 * Returns null when valid, else the message for a 400 invalid_request_error.
 */
public final class StrictAnthropicValidator {

  private static final Set<String> TOP_LEVEL = Set.of("model", "messages", "max_tokens", "system", "stop_sequences",
      "temperature", "top_p", "top_k", "stream", "metadata", "tools", "tool_choice", "thinking", "service_tier",
      "container", "mcp_servers", "context_management", "output_format", "output_config", "inference_geo");
  private static final Set<String> BLOCKS = Set.of("text", "image", "document", "tool_use", "tool_result", "thinking",
      "redacted_thinking");

  private StrictAnthropicValidator() {}

  public static String validate(MultiMap headers, String body, String expectedKey) {
    if (!expectedKey.equals(headers.get("x-api-key"))) return "x-api-key header missing or wrong";
    if (headers.get("anthropic-version") == null) return "anthropic-version header is required";
    if (headers.get("authorization") != null) return "unexpected authorization header";
    JsonNode req;
    try {
      req = Json.MAPPER.readTree(body);
    } catch (Exception e) {
      return "body is not JSON";
    }
    for (var it = req.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!TOP_LEVEL.contains(f)) return f + ": Extra inputs are not permitted";
    }
    if (!req.path("model").isTextual()) return "model: Field required";
    if (!req.path("max_tokens").isIntegralNumber() || req.get("max_tokens").asInt() < 1) return "max_tokens: Field required";
    JsonNode system = req.get("system");
    if (system != null && !system.isTextual() && !system.isArray()) return "system: must be a string or a list of text blocks";
    JsonNode messages = req.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) return "messages: Field required";
    String previousRole = null;
    Set<String> toolUseIds = new HashSet<>();
    int lastToolUseTurn = -1;
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String role = m.path("role").asText();
      if (!role.equals("user") && !role.equals("assistant")) {
        return "messages." + i + ".role: Input should be 'user' or 'assistant'";
      }
      if (i == 0 && !role.equals("user")) return "messages: first message must use the \"user\" role";
      if (role.equals(previousRole)) return "messages: roles must alternate between \"user\" and \"assistant\"";
      previousRole = role;
      JsonNode content = m.get("content");
      if (content == null) return "messages." + i + ".content: Field required";
      if (content.isArray()) {
        for (JsonNode block : content) {
          String type = block.path("type").asText();
          if (!BLOCKS.contains(type)) return "messages." + i + ".content: unknown block type '" + type + "'";
          if (type.equals("text") && block.path("text").asText().isEmpty()) return "messages: text content blocks must be non-empty";
          if (type.equals("tool_use")) {
            if (!block.path("input").isObject()) return "messages." + i + ": tool_use.input must be an object";
            toolUseIds.add(block.path("id").asText());
            lastToolUseTurn = i;
          }
          if (type.equals("thinking") && !block.path("signature").isTextual()) {
            return "messages." + i + ".content: thinking.signature: Field required";
          }
          if (type.equals("redacted_thinking") && !block.path("data").isTextual()) {
            return "messages." + i + ".content: redacted_thinking.data: Field required";
          }
          if (type.equals("tool_result") && !toolUseIds.contains(block.path("tool_use_id").asText())) {
            return "messages." + i + ": tool_result block(s) provided when previous message does not contain tool_use";
          }
          if (type.equals("image")) {
            JsonNode src = block.path("source");
            String st = src.path("type").asText();
            if (st.equals("base64") && (!src.path("media_type").isTextual() || !src.path("data").isTextual())) {
              return "messages." + i + ": image source needs media_type and data";
            }
            if (!st.equals("base64") && !st.equals("url")) return "messages." + i + ": bad image source type";
          }
        }
      } else if (!content.isTextual()) {
        return "messages." + i + ".content: must be a string or list";
      }
    }
    // Anthropic's extended-thinking rule for tool use: the turn that called the tools keeps its signed thinking
    if ("enabled".equals(req.path("thinking").path("type").asText()) && lastToolUseTurn >= 0) {
      String first = messages.get(lastToolUseTurn).path("content").path(0).path("type").asText();
      if (!first.equals("thinking") && !first.equals("redacted_thinking")) {
        return "messages." + lastToolUseTurn + ".content.0.type: Expected `thinking` or `redacted_thinking`, but found `"
            + first + "`. When `thinking` is enabled, a final `assistant` message must start with a thinking block";
      }
    }
    JsonNode tools = req.get("tools");
    if (tools != null) {
      for (JsonNode t : tools) {
        if (!t.path("name").isTextual() || !t.path("input_schema").isObject()) return "tools: each needs name and input_schema";
      }
    }
    return null;
  }

  public static String errorBody(String message) {
    return "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":" + Json.MAPPER.valueToTree(message)
        + "},\"request_id\":\"req_fake\"}";
  }
}
