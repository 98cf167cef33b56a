package io.recllm.gateway.error;

import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Every failure the gateway reports to a client. Providers, routing and validation throw these;
 * {@code http.ErrorResponses} is the only place that turns them into HTTP status + OpenAI error JSON
 * (or an SSE error event once a stream has started).
 */
public abstract sealed class GatewayException extends RuntimeException
    permits GatewayException.InvalidRequest,
        GatewayException.AuthenticationFailed,
        GatewayException.PermissionDenied,
        GatewayException.LimitsUnavailable,
        GatewayException.PayloadTooLarge,
        GatewayException.NotFound,
        GatewayException.MethodNotAllowed,
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

  /** A copy of {@code from} with {@code redact} applied to each of its texts and {@code cause} as its cause. */
  GatewayException(GatewayException from, UnaryOperator<String> redact, Throwable cause) {
    super(apply(redact, from.getMessage()), cause, false, cause != null);
    this.status = from.status;
    this.type = apply(redact, from.type);
    this.code = apply(redact, from.code);
    this.param = apply(redact, from.param);
    this.provider = from.provider;
    this.model = from.model;
    this.retryable = from.retryable;
    this.upstreamStatus = from.upstreamStatus;
    this.retryAfter = from.retryAfter;
    if (cause != null) setStackTrace(from.getStackTrace());
  }

  private static String apply(UnaryOperator<String> redact, String text) {
    return text == null ? null : redact.apply(text);
  }

  /**
   * The same failure (kind, status, provider, model, everything else) with {@code redact} applied to
   * every text it carries from elsewhere (message, type, code, param) and {@code cause} as its cause;
   * this one itself when that changes nothing. Messages are immutable, so this is how a failure loses
   * what must not be shown, e.g. a key an upstream quoted.
   */
  public GatewayException redacted(UnaryOperator<String> redact, Throwable cause) {
    GatewayException copy = copy(redact, cause);
    boolean same = cause == getCause() && Objects.equals(copy.getMessage(), getMessage())
        && Objects.equals(copy.type, type) && Objects.equals(copy.code, code) && Objects.equals(copy.param, param);
    return same ? this : copy;
  }

  /** Each kind copies itself, so that a redacted failure is still the kind it was. */
  abstract GatewayException copy(UnaryOperator<String> redact, Throwable cause);

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

    private InvalidRequest(InvalidRequest from, UnaryOperator<String> redact, Throwable cause) {
      super(from, redact, cause);
    }

    @Override
    InvalidRequest copy(UnaryOperator<String> redact, Throwable cause) {
      return new InvalidRequest(this, redact, cause);
    }
  }

  /** 401: missing or wrong gateway key. */
  public static final class AuthenticationFailed extends GatewayException {
    public AuthenticationFailed(String message) {
      super(401, "authentication_error", "invalid_api_key", null, message, false, 0, null, null);
    }

    private AuthenticationFailed(AuthenticationFailed from, UnaryOperator<String> redact, Throwable cause) {
      super(from, redact, cause);
    }

    @Override
    AuthenticationFailed copy(UnaryOperator<String> redact, Throwable cause) {
      return new AuthenticationFailed(this, redact, cause);
    }
  }

  /** 403: a valid key that may not do this, e.g. call a model outside its list. */
  public static final class PermissionDenied extends GatewayException {
    public PermissionDenied(String code, String message) {
      super(403, "permission_error", code, null, message, false, 0, null, null);
    }

    private PermissionDenied(PermissionDenied from, UnaryOperator<String> redact, Throwable cause) {
      super(from, redact, cause);
    }

    @Override
    PermissionDenied copy(UnaryOperator<String> redact, Throwable cause) {
      return new PermissionDenied(this, redact, cause);
    }
  }

  /**
   * 503 {@code limits_unavailable}: the shared rate limiter cannot be reached and the gateway is set to
   * refuse limited calls rather than let them through unchecked. The limiter logs the outage once; the
   * calls it refuses are not logged one by one.
   */
  public static final class LimitsUnavailable extends GatewayException {
    public LimitsUnavailable(String message) {
      super(503, "api_error", "limits_unavailable", null, message, false, 0, "1", null);
    }

    private LimitsUnavailable(LimitsUnavailable from, UnaryOperator<String> redact, Throwable cause) {
      super(from, redact, cause);
    }

    @Override
    LimitsUnavailable copy(UnaryOperator<String> redact, Throwable cause) {
      return new LimitsUnavailable(this, redact, cause);
    }
  }

  /** 413: request body over {@code limits.max_body_bytes}. */
  public static final class PayloadTooLarge extends GatewayException {
    public PayloadTooLarge(long limit) {
      super(413, "invalid_request_error", "request_too_large", null,
          "Request body is larger than the gateway limit of " + limit + " bytes (limits.max_body_bytes)",
          false, 0, null, null);
    }

    private PayloadTooLarge(PayloadTooLarge from, UnaryOperator<String> redact, Throwable cause) {
      super(from, redact, cause);
    }

    @Override
    PayloadTooLarge copy(UnaryOperator<String> redact, Throwable cause) {
      return new PayloadTooLarge(this, redact, cause);
    }
  }

  /** 404: unknown route or model. */
  public static final class NotFound extends GatewayException {
    public NotFound(String code, String message, int upstreamStatus) {
      super(404, "invalid_request_error", code, null, message, false, upstreamStatus, null, null);
    }

    private NotFound(NotFound from, UnaryOperator<String> redact, Throwable cause) {
      super(from, redact, cause);
    }

    @Override
    NotFound copy(UnaryOperator<String> redact, Throwable cause) {
      return new NotFound(this, redact, cause);
    }
  }

  /** 405: a known path asked with a method it does not serve; {@link #allow()} is the {@code Allow} header. */
  public static final class MethodNotAllowed extends GatewayException {
    private final List<String> allowed;

    public MethodNotAllowed(String method, String path, List<String> allowed) {
      super(405, "invalid_request_error", "method_not_allowed", null,
          "Method " + method + " is not allowed on " + path
              + (allowed.isEmpty() ? "." : "; use " + String.join(" or ", allowed) + "."),
          false, 0, null, null);
      this.allowed = List.copyOf(allowed);
    }

    /** The methods the path accepts, as the {@code Allow} header lists them. */
    public String allow() {
      return String.join(", ", allowed);
    }

    private MethodNotAllowed(MethodNotAllowed from, UnaryOperator<String> redact, Throwable cause) {
      super(from, redact, cause);
      this.allowed = from.allowed;
    }

    @Override
    MethodNotAllowed copy(UnaryOperator<String> redact, Throwable cause) {
      return new MethodNotAllowed(this, redact, cause);
    }
  }

  /** 429 from the upstream; {@code retry-after} is passed through. */
  public static final class RateLimited extends GatewayException {
    public RateLimited(String type, String code, String message, String retryAfter) {
      super(429, type == null ? "rate_limit_error" : type, code == null ? "rate_limit_exceeded" : code,
          null, message, true, 429, retryAfter, null);
    }

    private RateLimited(RateLimited from, UnaryOperator<String> redact, Throwable cause) {
      super(from, redact, cause);
    }

    @Override
    RateLimited copy(UnaryOperator<String> redact, Throwable cause) {
      return new RateLimited(this, redact, cause);
    }
  }

  /** Any other upstream 4xx: keeps the upstream status and the provider's own error fields. */
  public static final class UpstreamRejected extends GatewayException {
    public UpstreamRejected(int upstreamStatus, String type, String code, String param, String message) {
      super(upstreamStatus, type == null ? "invalid_request_error" : type, code, param, message,
          false, upstreamStatus, null, null);
    }

    private UpstreamRejected(UpstreamRejected from, UnaryOperator<String> redact, Throwable cause) {
      super(from, redact, cause);
    }

    @Override
    UpstreamRejected copy(UnaryOperator<String> redact, Throwable cause) {
      return new UpstreamRejected(this, redact, cause);
    }
  }

  /** 500: the provider failed (5xx, bad answer, connection refused or reset) or is not usable as configured. */
  public static final class ProviderFailure extends GatewayException {
    public ProviderFailure(String code, String message, int upstreamStatus, boolean retryable, Throwable cause) {
      this(500, code, message, upstreamStatus, retryable, cause);
    }

    /** With the upstream's {@code retry-after} (a 503 that says when to come back). */
    public ProviderFailure(String code, String message, int upstreamStatus, boolean retryable, String retryAfter,
                           Throwable cause) {
      this(500, code, message, upstreamStatus, retryable, retryAfter, cause);
    }

    private ProviderFailure(int status, String code, String message, int upstreamStatus, boolean retryable,
                            Throwable cause) {
      this(status, code, message, upstreamStatus, retryable, null, cause);
    }

    private ProviderFailure(int status, String code, String message, int upstreamStatus, boolean retryable,
                            String retryAfter, Throwable cause) {
      super(status, "api_error", code, null, message, retryable, upstreamStatus, retryAfter, cause);
    }

    /**
     * 502 {@code upstream_truncated}: the upstream's stream ended cleanly but before it said the answer
     * was finished. A 502 rather than a 500 because the upstream answered 200 and then broke its answer.
     * Retryable only when nothing reached the client yet.
     */
    public static ProviderFailure truncated(String message, boolean retryable) {
      return new ProviderFailure(502, "upstream_truncated", message, 200, retryable, null);
    }

    /**
     * 503 {@code provider_unavailable}: the gateway did not try the provider because its circuit
     * breaker is open after repeated failures, and no other target was left. Not retryable by the
     * gateway (that would only hit the same open circuit); {@code retryAfter} tells the client, in
     * seconds, when the provider will be tried again.
     */
    public static ProviderFailure unavailable(String message, String retryAfter) {
      return new ProviderFailure(503, "provider_unavailable", message, 0, false, retryAfter, null);
    }

    private ProviderFailure(ProviderFailure from, UnaryOperator<String> redact, Throwable cause) {
      super(from, redact, cause);
    }

    @Override
    ProviderFailure copy(UnaryOperator<String> redact, Throwable cause) {
      return new ProviderFailure(this, redact, cause);
    }
  }

  /** 504: connect, first-byte, idle or total timeout towards the upstream. */
  public static final class Timeout extends GatewayException {
    public Timeout(String code, String message) {
      super(504, "timeout_error", code, null, message, true, 0, null, null);
    }

    private Timeout(Timeout from, UnaryOperator<String> redact, Throwable cause) {
      super(from, redact, cause);
    }

    @Override
    Timeout copy(UnaryOperator<String> redact, Throwable cause) {
      return new Timeout(this, redact, cause);
    }
  }

  /** 503: the gateway is stopping; the call was not taken, or did not finish within {@code shutdown.grace_ms}. */
  public static final class ShuttingDown extends GatewayException {
    public ShuttingDown(String message) {
      super(503, "api_error", "gateway_shutting_down", null, message, true, 0, null, null);
    }

    private ShuttingDown(ShuttingDown from, UnaryOperator<String> redact, Throwable cause) {
      super(from, redact, cause);
    }

    @Override
    ShuttingDown copy(UnaryOperator<String> redact, Throwable cause) {
      return new ShuttingDown(this, redact, cause);
    }
  }

  /** 500: a bug in the gateway. The message never carries internals beyond a short description. */
  public static final class Internal extends GatewayException {
    public Internal(String message, Throwable cause) {
      super(500, "api_error", "internal_error", null, message, false, 0, null, cause);
    }

    private Internal(Internal from, UnaryOperator<String> redact, Throwable cause) {
      super(from, redact, cause);
    }

    @Override
    Internal copy(UnaryOperator<String> redact, Throwable cause) {
      return new Internal(this, redact, cause);
    }
  }
}
