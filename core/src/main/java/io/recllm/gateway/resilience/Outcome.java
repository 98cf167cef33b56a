package io.recllm.gateway.resilience;

import io.recllm.gateway.error.GatewayException;

/**
 * What a failed upstream try says about its target, in the terms {@code retries.on} uses: the HTTP
 * status the upstream answered with, or that it could not be reached ({@code connect}) or did not
 * answer in time ({@code timeout}). A connect timeout is both. Failures that are the gateway's own
 * (a refused request, a missing key, a bug) carry none of these and are never retried or failed over.
 *
 * @param status the upstream's HTTP status, 0 when there was none
 * @param circuitOpen the try was not made because the target's circuit breaker is open
 */
public record Outcome(int status, boolean connect, boolean timeout, boolean circuitOpen) {

  /** The {@link GatewayException#code()} of a call refused by an open circuit. */
  public static final String PROVIDER_UNAVAILABLE = "provider_unavailable";

  /** Nothing the upstream did: not retried, not counted against the provider. */
  public static final Outcome NONE = new Outcome(0, false, false, false);
  public static final Outcome CIRCUIT_OPEN = new Outcome(0, false, false, true);
  private static final Outcome CONNECT = new Outcome(0, true, false, false);
  private static final Outcome TIMEOUT = new Outcome(0, false, true, false);
  private static final Outcome CONNECT_TIMEOUT = new Outcome(0, true, true, false);

  public static Outcome of(Throwable failure) {
    if (!(failure instanceof GatewayException g)) return NONE;
    if (g instanceof GatewayException.ProviderFailure && PROVIDER_UNAVAILABLE.equals(g.code())) return CIRCUIT_OPEN;
    if (g instanceof GatewayException.Timeout) return "connect_timeout".equals(g.code()) ? CONNECT_TIMEOUT : TIMEOUT;
    int upstream = g.upstreamStatus();
    if (upstream >= 400) return status(upstream);
    if (g instanceof GatewayException.ProviderFailure && g.retryable()) {
      // no upstream status: the connection was refused, reset or never resolved
      if (upstream == 0) return CONNECT;
      // the upstream said 200 and then broke its answer (a truncated stream): judged by what the client would see
      return status(g.status());
    }
    return NONE;
  }

  public static Outcome status(int status) {
    return new Outcome(status, false, false, false);
  }

  /**
   * Whether this outcome speaks against the provider's health, for its circuit breaker: a 5xx, a
   * 408 or 429, or no answer at all. Other 4xx mean the provider answered and refused the request.
   */
  public boolean providerFault() {
    return status >= 500 || status == 408 || status == 429 || connect || timeout;
  }

  /** The provider answered, refusing the request (a 4xx other than 408 and 429): it is up. */
  public boolean clientFault() {
    return status >= 400 && status < 500 && status != 408 && status != 429;
  }
}
