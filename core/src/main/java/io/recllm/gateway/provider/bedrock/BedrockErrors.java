package io.recllm.gateway.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.provider.OpenAiJson;
import io.recllm.gateway.provider.UpstreamApi;
import io.recllm.gateway.provider.UpstreamHttp;
import java.util.Locale;

/**
 * Bedrock error answers → the gateway's error hierarchy. Bedrock's body is {@code {"message": ...}};
 * the error's type is in the {@code x-amzn-ErrorType} header ({@code ValidationException:http://...},
 * the part before the colon counts), or in the body's {@code __type} / {@code code}. Without a type the
 * HTTP status decides. The exception's {@code code} is Bedrock's type, so a client can tell a throttle
 * from a model that is still loading. Pure, apart from reading the response head.
 *
 * <table>
 * <caption>Bedrock type (status) → exception</caption>
 * <tr><td>ValidationException (400), "The provided model identifier is invalid."</td><td>NotFound 404 model_not_found, as OpenAI answers an unknown model</td></tr>
 * <tr><td>ValidationException, ConflictException, ServiceQuotaExceededException (400)</td><td>UpstreamRejected 400 invalid_request_error</td></tr>
 * <tr><td>UnrecognizedClientException, InvalidSignatureException, ExpiredTokenException, … (403 from AWS's auth layer)</td><td>UpstreamRejected 401 authentication_error</td></tr>
 * <tr><td>AccessDeniedException (403)</td><td>UpstreamRejected 403 permission_error</td></tr>
 * <tr><td>ResourceNotFoundException (404)</td><td>NotFound 404 (model_not_found when it names a model)</td></tr>
 * <tr><td>ModelTimeoutException (408)</td><td>Timeout 504, code model_timeout</td></tr>
 * <tr><td>ThrottlingException, ModelNotReadyException (429)</td><td>RateLimited 429, retry-after passed through</td></tr>
 * <tr><td>ModelErrorException, ModelStreamErrorException (424)</td><td>ProviderFailure 500, not retried</td></tr>
 * <tr><td>InternalServerException (500), ServiceUnavailableException (503), any 5xx</td><td>ProviderFailure 500, retryable</td></tr>
 * <tr><td>other 4xx</td><td>UpstreamRejected with that status</td></tr>
 * </table>
 */
final class BedrockErrors implements UpstreamApi.ErrorMapper {

  static final BedrockErrors INSTANCE = new BedrockErrors();

  /** How much of a body that is not Bedrock's error JSON goes into a message. */
  static final int MAX_BODY_CHARS = 200;

  private BedrockErrors() {}

  @Override
  public GatewayException fromResponse(UpstreamHttp.UpstreamResponse response, String body) {
    return map(response.status(), response.header("x-amzn-errortype"), body, response.header("retry-after"));
  }

  @Override
  public GatewayException fromResponse(int status, String body, String retryAfter) {
    return map(status, null, body, retryAfter);
  }

  /**
   * The exception for a non-2xx answer.
   *
   * @param errorTypeHeader the {@code x-amzn-ErrorType} header, or null
   */
  static GatewayException map(int status, String errorTypeHeader, String body, String retryAfter) {
    JsonNode json = OpenAiJson.lenient(body);
    String type = errorType(errorTypeHeader, json);
    String message = json.path("message").asText(json.path("Message").asText(null));
    if (message == null || message.isBlank()) {
      message = "Bedrock answered HTTP " + status + (type != null ? " " + type : "") + OpenAiJson.describe(body, MAX_BODY_CHARS);
    }
    return byType(status, type, message, retryAfter);
  }

  /**
   * The exception for an {@code exception} message inside a ConverseStream body (the HTTP status was
   * already 200). {@code exceptionType} is the frame's {@code :exception-type} header in Bedrock's
   * lowerCamel form ({@code throttlingException}); it decides as if Bedrock had answered with that
   * exception's status.
   */
  static GatewayException fromStreamException(String exceptionType, String payload) {
    String type = exceptionType == null || exceptionType.isEmpty() ? null
        : Character.toUpperCase(exceptionType.charAt(0)) + exceptionType.substring(1);
    JsonNode json = OpenAiJson.lenient(payload);
    String message = json.path("message").asText(null);
    if (message == null || message.isBlank()) {
      message = "Bedrock ended the stream with " + (type != null ? type : "an exception") + OpenAiJson.describe(payload, MAX_BODY_CHARS);
    }
    return byType(statusOf(type), type, message, null);
  }

  /** The HTTP status the service model gives each exception; 500 for one it does not list. */
  static int statusOf(String type) {
    if (type == null) return 500;
    return switch (type) {
      case "ValidationException", "ConflictException", "ServiceQuotaExceededException" -> 400;
      case "AccessDeniedException", "UnrecognizedClientException", "InvalidSignatureException",
          "ExpiredTokenException", "IncompleteSignatureException", "MissingAuthenticationTokenException" -> 403;
      case "ResourceNotFoundException" -> 404;
      case "ModelTimeoutException" -> 408;
      case "ModelErrorException", "ModelStreamErrorException" -> 424;
      case "ThrottlingException", "ModelNotReadyException" -> 429;
      case "ServiceUnavailableException" -> 503;
      default -> 500;
    };
  }

  private static GatewayException byType(int status, String type, String message, String retryAfter) {
    if (type != null) {
      switch (type) {
        case "UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException",
            "IncompleteSignatureException", "MissingAuthenticationTokenException":
          return new GatewayException.UpstreamRejected(401, "authentication_error", type, null, message);
        case "AccessDeniedException":
          return new GatewayException.UpstreamRejected(403, "permission_error", type, null, message);
        case "ModelTimeoutException":
          return new GatewayException.Timeout("model_timeout", message);
        case "ThrottlingException", "ModelNotReadyException":
          return new GatewayException.RateLimited(null, type, message, retryAfter);
        case "ModelErrorException", "ModelStreamErrorException":
          return new GatewayException.ProviderFailure(type, message, status, false, null);
        default:
          break;
      }
    }
    if (status == 429) return new GatewayException.RateLimited(null, type, message, retryAfter);
    if (status >= 500 && status <= 599) {
      return new GatewayException.ProviderFailure(type != null ? type : "upstream_error", message, status, true, null);
    }
    if (status == 404) {
      return new GatewayException.NotFound(mentionsModel(message) ? "model_not_found" : "not_found", message, 404);
    }
    if (status == 400 && message.toLowerCase(Locale.ROOT).contains("model identifier is invalid")) {
      return new GatewayException.NotFound("model_not_found", message, 400);
    }
    if (status == 401) return new GatewayException.UpstreamRejected(401, "authentication_error", type, null, message);
    if (status == 403) return new GatewayException.UpstreamRejected(403, "permission_error", type, null, message);
    if (status >= 400 && status <= 499) {
      return new GatewayException.UpstreamRejected(status, "invalid_request_error", type, null, message);
    }
    return new GatewayException.ProviderFailure("bad_upstream_response", message, status, false, null);
  }

  private static boolean mentionsModel(String message) {
    return message.toLowerCase(Locale.ROOT).contains("model");
  }

  /** {@code ValidationException:http://internal.amazon.com/coral/...} → {@code ValidationException}. */
  static String errorType(String header, JsonNode body) {
    String raw = header;
    if (raw == null || raw.isBlank()) raw = body.path("__type").asText(body.path("code").asText(null));
    if (raw == null || raw.isBlank()) return null;
    int colon = raw.indexOf(':');
    if (colon >= 0) raw = raw.substring(0, colon);
    int hash = raw.lastIndexOf('#'); // __type may be "com.amazon.coral.service#ThrottlingException"
    if (hash >= 0) raw = raw.substring(hash + 1);
    raw = raw.strip();
    return raw.isEmpty() ? null : raw;
  }
}
