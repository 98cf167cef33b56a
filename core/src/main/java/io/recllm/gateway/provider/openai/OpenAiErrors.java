package io.recllm.gateway.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;

/** Upstream error answers of OpenAI-compatible servers, mapped to the gateway's error hierarchy. */
public final class OpenAiErrors {

  private static final int MAX_RAW_MESSAGE = 500;

  private OpenAiErrors() {}

  public static GatewayException fromResponse(String provider, int status, String body, String retryAfter) {
    String type = null;
    String code = null;
    String param = null;
    String message = null;
    try {
      JsonNode root = Json.MAPPER.readTree(body);
      JsonNode error = root == null ? null : root.get("error");
      if (error != null && error.isObject()) {
        message = text(error.get("message"));
        type = text(error.get("type"));
        code = text(error.get("code"));
        param = text(error.get("param"));
      } else if (error != null && error.isTextual()) { // some compatible servers: {"error": "..."}
        message = error.asText();
      } else if (root != null && root.hasNonNull("message")) {
        message = root.get("message").asText();
      }
    } catch (Exception notJson) {
      // an HTML page from a proxy or a plain-text answer: the status and a bounded excerpt say enough
    }
    if (message == null || message.isBlank()) {
      String excerpt = body == null ? "" : body.strip();
      if (excerpt.length() > MAX_RAW_MESSAGE) excerpt = excerpt.substring(0, MAX_RAW_MESSAGE) + "...";
      message = "Provider \"" + provider + "\" answered HTTP " + status + (excerpt.isEmpty() ? "" : ": " + excerpt);
    }
    if (status == 429) return new GatewayException.RateLimited(type, code, message, retryAfter);
    if (status == 404) return new GatewayException.NotFound(code == null ? "model_not_found" : code, message, 404);
    if (status >= 400 && status < 500) return new GatewayException.UpstreamRejected(status, type, code, param, message);
    return new GatewayException.ProviderFailure(code == null ? "upstream_error" : code, message, status,
        status >= 500, status >= 500 ? retryAfter : null, null);
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }
}
