package io.recllm.gateway.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.provider.OpenAiJson;

/**
 * Anthropic error answers → the gateway's error hierarchy. Anthropic's body is
 * {@code {"type":"error","error":{"type":..,"message":..},"request_id"?}}; the provider's message is
 * kept verbatim (it never contains the API key). Pure: the caller attaches provider and model with
 * {@link GatewayException#at}.
 *
 * <table>
 * <caption>Status → exception</caption>
 * <tr><th>Anthropic</th><th>gateway</th></tr>
 * <tr><td>400 invalid_request_error</td><td>UpstreamRejected(400, invalid_request_error)</td></tr>
 * <tr><td>401 authentication_error</td><td>UpstreamRejected(401, authentication_error)</td></tr>
 * <tr><td>403 permission_error</td><td>UpstreamRejected(403, permission_error)</td></tr>
 * <tr><td>404 not_found_error</td><td>NotFound (code model_not_found when the message names the model)</td></tr>
 * <tr><td>413 request_too_large</td><td>UpstreamRejected(413, invalid_request_error, request_too_large)</td></tr>
 * <tr><td>429 rate_limit_error</td><td>RateLimited, retry-after passed through</td></tr>
 * <tr><td>500 api_error, 529 overloaded_error, any 5xx</td><td>ProviderFailure, retryable, code = Anthropic's type</td></tr>
 * <tr><td>other 4xx</td><td>UpstreamRejected(status, Anthropic's type)</td></tr>
 * </table>
 */
public final class AnthropicErrors {

  /** How much of a body that is not Anthropic's error JSON (an HTML proxy page, say) goes into a message. */
  static final int MAX_BODY_CHARS = 200;

  private AnthropicErrors() {}

  /**
   * The exception for a non-2xx answer.
   *
   * @param body the response body as text; may be null or not JSON
   * @param retryAfter the {@code retry-after} header value, or null
   */
  public static GatewayException fromResponse(int status, String body, String retryAfter) {
    String type = null;
    String message = null;
    JsonNode error = parse(body).path("error");
    if (error.isObject()) {
      type = error.path("type").asText(null);
      message = error.path("message").asText(null);
    }
    if (message == null) {
      message = "Anthropic answered HTTP " + status + (type != null ? " " + type : "") + describe(body);
    }
    if (status == 429) return new GatewayException.RateLimited(null, null, message, retryAfter);
    if (status >= 500 && status <= 599) {
      return new GatewayException.ProviderFailure(type != null ? type : "upstream_error", message, status, true,
          retryAfter, null);
    }
    switch (status) {
      case 400:
        return new GatewayException.UpstreamRejected(400, "invalid_request_error", null, null, message);
      case 401:
        return new GatewayException.UpstreamRejected(401, "authentication_error", null, null, message);
      case 403:
        return new GatewayException.UpstreamRejected(403, "permission_error", null, null, message);
      case 404:
        // Anthropic's 404 for an unknown model reads "model: <name>".
        return new GatewayException.NotFound(message.startsWith("model:") ? "model_not_found" : "not_found", message, 404);
      case 413:
        return new GatewayException.UpstreamRejected(413, "invalid_request_error", "request_too_large", null, message);
      default:
        if (status >= 400 && status <= 499) {
          return new GatewayException.UpstreamRejected(status, type != null ? type : "invalid_request_error", null, null, message);
        }
        return new GatewayException.ProviderFailure("bad_upstream_response", message, status, false, null);
    }
  }

  /**
   * The exception for an SSE {@code error} event (the HTTP status was already 200). The error type
   * decides, as if Anthropic had answered with that type's status, so an overload mid-stream is
   * reported like an overload before it; {@link GatewayException#upstreamStatus()} is that status.
   */
  public static GatewayException fromStreamError(String eventData) {
    JsonNode error = parse(eventData).path("error");
    String type = error.path("type").asText("");
    if (!error.isObject()) {
      return new GatewayException.ProviderFailure("upstream_stream_error",
          "Anthropic sent a stream error event that could not be read" + describe(eventData), 200, false, null);
    }
    return fromResponse(statusOf(type), eventData, null);
  }

  /** The HTTP status Anthropic documents for each error type. */
  static int statusOf(String errorType) {
    switch (errorType) {
      case "invalid_request_error": return 400;
      case "authentication_error": return 401;
      case "billing_error": return 402;
      case "permission_error": return 403;
      case "not_found_error": return 404;
      case "request_too_large": return 413;
      case "rate_limit_error": return 429;
      case "timeout_error": return 504;
      case "overloaded_error": return 529;
      default: return 500; // api_error and anything new
    }
  }

  private static JsonNode parse(String body) {
    return OpenAiJson.lenient(body);
  }

  private static String describe(String body) {
    return OpenAiJson.describe(body, MAX_BODY_CHARS);
  }
}
