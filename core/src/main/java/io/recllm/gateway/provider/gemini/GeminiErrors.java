package io.recllm.gateway.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Google error answers → the gateway's error hierarchy. The body is
 * {@code {"error": {"code", "message", "status", "details": [...]}}} (Gemini's OpenAI-compatible endpoint
 * wraps it in an array, which is read too); the provider's message is kept verbatim. Pure: the caller
 * attaches provider and model with {@link GatewayException#at}.
 *
 * <table>
 * <caption>Status → exception</caption>
 * <tr><th>Google</th><th>gateway</th></tr>
 * <tr><td>400 INVALID_ARGUMENT, FAILED_PRECONDITION</td><td>UpstreamRejected(400, invalid_request_error)</td></tr>
 * <tr><td>400 with ErrorInfo reason API_KEY_INVALID, 401 UNAUTHENTICATED</td><td>UpstreamRejected(401, authentication_error, invalid_api_key)</td></tr>
 * <tr><td>403 PERMISSION_DENIED</td><td>UpstreamRejected(403, permission_error; code = ErrorInfo reason, e.g. SERVICE_DISABLED)</td></tr>
 * <tr><td>404 NOT_FOUND</td><td>NotFound (code model_not_found when the message names a model)</td></tr>
 * <tr><td>429 RESOURCE_EXHAUSTED</td><td>RateLimited; retry-after from the header, else RetryInfo.retryDelay rounded up to whole seconds</td></tr>
 * <tr><td>500 INTERNAL, 503 UNAVAILABLE, 504 DEADLINE_EXCEEDED, any 5xx</td><td>ProviderFailure, retryable, code = the status in lower case</td></tr>
 * <tr><td>other 4xx</td><td>UpstreamRejected(status, invalid_request_error)</td></tr>
 * </table>
 */
public final class GeminiErrors {

  /** How much of a body that is not Google's error JSON (an HTML proxy page, say) goes into a message. */
  static final int MAX_BODY_CHARS = 200;

  private GeminiErrors() {}

  /**
   * The exception for a non-2xx answer.
   *
   * @param body the response body as text; may be null or not JSON
   * @param retryAfter the {@code retry-after} header value, or null
   */
  public static GatewayException fromResponse(int status, String body, String retryAfter) {
    JsonNode parsed = parse(body);
    if (parsed.isArray() && parsed.size() > 0) parsed = parsed.get(0);
    JsonNode error = parsed.path("error");
    String googleStatus = error.path("status").asText(null);
    String message = error.path("message").asText(null);
    if (message == null || message.isBlank()) {
      message = "Gemini answered HTTP " + status + (googleStatus != null ? " " + googleStatus : "") + describe(body);
    }
    String reason = null;
    String retryDelay = null;
    for (JsonNode detail : error.path("details")) {
      String type = detail.path("@type").asText("");
      if (type.endsWith("google.rpc.ErrorInfo") && reason == null) reason = detail.path("reason").asText(null);
      if (type.endsWith("google.rpc.RetryInfo")) retryDelay = seconds(detail.path("retryDelay").asText(""));
    }
    if (status == 429) {
      return new GatewayException.RateLimited(null, null, message, retryAfter != null ? retryAfter : retryDelay);
    }
    if (status >= 500 && status <= 599) {
      String code = googleStatus != null ? googleStatus.toLowerCase(java.util.Locale.ROOT) : "upstream_error";
      return new GatewayException.ProviderFailure(code, message, status, true, null);
    }
    if ("API_KEY_INVALID".equals(reason) || status == 401) {
      return new GatewayException.UpstreamRejected(401, "authentication_error", "invalid_api_key", null, message);
    }
    switch (status) {
      case 400:
        return new GatewayException.UpstreamRejected(400, "invalid_request_error", null, null, message);
      case 403:
        return new GatewayException.UpstreamRejected(403, "permission_error", reason, null, message);
      case 404:
        // "models/gemini-x is not found for API version v1beta, ..."
        return new GatewayException.NotFound(message.contains("models/") ? "model_not_found" : "not_found", message, 404);
      default:
        if (status >= 400 && status <= 499) {
          return new GatewayException.UpstreamRejected(status, "invalid_request_error", null, null, message);
        }
        return new GatewayException.ProviderFailure("bad_upstream_response", message, status, false, null);
    }
  }

  /**
   * The exception for an error object sent inside a 200 stream: decided by its own {@code code}, as if
   * Google had answered with that status.
   */
  public static GatewayException fromStreamError(String eventData) {
    int code = parse(eventData).path("error").path("code").asInt(500);
    return fromResponse(code >= 400 && code <= 599 ? code : 500, eventData, null);
  }

  /** A protobuf Duration ("26s", "45.837906927s") as whole seconds, rounded up; null when unreadable. */
  static String seconds(String duration) {
    if (!duration.endsWith("s")) return null;
    try {
      BigDecimal s = new BigDecimal(duration.substring(0, duration.length() - 1));
      if (s.signum() < 0) return null;
      return s.setScale(0, RoundingMode.CEILING).toPlainString();
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) return Json.object();
    try {
      JsonNode node = Json.MAPPER.readTree(body);
      return node == null ? Json.object() : node;
    } catch (Exception e) {
      return Json.object();
    }
  }

  static String describe(String body) {
    if (body == null || body.isBlank()) return " with an empty body";
    String flat = body.strip().replaceAll("\\s+", " ");
    if (flat.length() > MAX_BODY_CHARS) flat = flat.substring(0, MAX_BODY_CHARS) + "…";
    return ": " + flat;
  }
}
