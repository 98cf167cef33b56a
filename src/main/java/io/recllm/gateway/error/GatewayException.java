package io.recllm.gateway.error;

/**
 * Every failure the gateway reports to a client. Providers, routing and validation throw these;
 * {@code http.ErrorResponses} is the only place that turns them into HTTP status + OpenAI error JSON
 * (or an SSE error event once a stream has started).
 */
public abstract sealed class GatewayException extends RuntimeException
    permits GatewayException.InvalidRequest,
        GatewayException.AuthenticationFailed,
        GatewayException.PayloadTooLarge,
        GatewayException.NotFound,
        GatewayException.RateLimited,
        GatewayException.UpstreamRejected,
        GatewayException.ProviderFailure,
        GatewayException.Timeout,
        GatewayException.ShuttingDown,
        GatewayException.Internal {

  private final int status;
  private final String type;
  private final String code;
  private final String param;
  private String provider;
  private String model;
  private final boolean retryable;
  private final int upstreamStatus;
  private final String retryAfter;

  GatewayException(int status, String type, String code, String param, String message,
                   boolean retryable, int upstreamStatus, String retryAfter, Throwable cause) {
    super(message, cause, false, cause != null);
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
    this.retryable = retryable;
    this.upstreamStatus = upstreamStatus;
    this.retryAfter = retryAfter;
  }

  /** HTTP status the client sees. */
  public int status() { return status; }
  /** OpenAI error {@code type}. */
  public String type() { return type; }
  public String code() { return code; }
  public String param() { return param; }
  public String provider() { return provider; }
  public String model() { return model; }
  public boolean retryable() { return retryable; }
  /** Status the upstream answered with, 0 when the failure happened before or without an answer. */
  public int upstreamStatus() { return upstreamStatus; }
  /** Upstream {@code retry-after} header value to pass through, or null. */
  public String retryAfter() { return retryAfter; }

  /** Attaches where the failure happened; the first caller to know wins. */
  public GatewayException at(String provider, String model) {
    if (this.provider == null) this.provider = provider;
    if (this.model == null) this.model = model;
    return this;
  }

  /** 400: the client sent something the gateway or the provider cannot accept. */
  public static final class InvalidRequest extends GatewayException {
    public InvalidRequest(String code, String param, String message) {
      super(400, "invalid_request_error", code, param, message, false, 0, null, null);
    }
  }

  /** 401: missing or wrong gateway key. */
  public static final class AuthenticationFailed extends GatewayException {
    public AuthenticationFailed(String message) {
      super(401, "authentication_error", "invalid_api_key", null, message, false, 0, null, null);
    }
  }

  /** 413: request body over {@code limits.max_body_bytes}. */
  public static final class PayloadTooLarge extends GatewayException {
    public PayloadTooLarge(long limit) {
      super(413, "invalid_request_error", "request_too_large", null,
          "Request body is larger than the gateway limit of " + limit + " bytes (limits.max_body_bytes)",
          false, 0, null, null);
    }
  }

  /** 404: unknown route or model. */
  public static final class NotFound extends GatewayException {
    public NotFound(String code, String message, int upstreamStatus) {
      super(404, "invalid_request_error", code, null, message, false, upstreamStatus, null, null);
    }
  }

  /** 429 from the upstream; {@code retry-after} is passed through. */
  public static final class RateLimited extends GatewayException {
    public RateLimited(String type, String code, String message, String retryAfter) {
      super(429, type == null ? "rate_limit_error" : type, code == null ? "rate_limit_exceeded" : code,
          null, message, true, 429, retryAfter, null);
    }
  }

  /** Any other upstream 4xx: keeps the upstream status and the provider's own error fields. */
  public static final class UpstreamRejected extends GatewayException {
    public UpstreamRejected(int upstreamStatus, String type, String code, String param, String message) {
      super(upstreamStatus, type == null ? "invalid_request_error" : type, code, param, message,
          false, upstreamStatus, null, null);
    }
  }

  /** 500: the provider failed (5xx, bad answer, connection refused or reset) or is not usable as configured. */
  public static final class ProviderFailure extends GatewayException {
    public ProviderFailure(String code, String message, int upstreamStatus, boolean retryable, Throwable cause) {
      super(500, "api_error", code, null, message, retryable, upstreamStatus, null, cause);
    }
  }

  /** 504: connect, first-byte, idle or total timeout towards the upstream. */
  public static final class Timeout extends GatewayException {
    public Timeout(String code, String message) {
      super(504, "timeout_error", code, null, message, true, 0, null, null);
    }
  }

  /** 503: the gateway is stopping; the call was not taken, or did not finish within {@code shutdown.grace_ms}. */
  public static final class ShuttingDown extends GatewayException {
    public ShuttingDown(String message) {
      super(503, "api_error", "gateway_shutting_down", null, message, true, 0, null, null);
    }
  }

  /** 500: a bug in the gateway. The message never carries internals beyond a short description. */
  public static final class Internal extends GatewayException {
    public Internal(String message, Throwable cause) {
      super(500, "api_error", "internal_error", null, message, false, 0, null, cause);
    }
  }
}
