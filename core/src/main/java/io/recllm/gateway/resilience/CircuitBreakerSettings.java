package io.recllm.gateway.resilience;

/**
 * One {@code circuit_breaker} section: the circuit opens after {@code failureThreshold} failures
 * within {@code windowMs}, stays open {@code openMs}, then lets {@code halfOpenCalls} probe calls
 * through. A threshold of 0 turns the breaker off.
 */
public record CircuitBreakerSettings(int failureThreshold, long windowMs, long openMs, int halfOpenCalls) {

  /** The values a {@code circuit_breaker} section starts from: 5 failures in 30 s, open 30 s, 1 probe. */
  public static final CircuitBreakerSettings DEFAULT = new CircuitBreakerSettings(5, 30_000, 30_000, 1);

  /** A breaker that never opens. */
  public static final CircuitBreakerSettings OFF = new CircuitBreakerSettings(0, 30_000, 30_000, 1);

  /** Failure timestamps are kept one per counted failure, so the threshold bounds the memory. */
  public static final int MAX_THRESHOLD = 10_000;

  public CircuitBreakerSettings {
    if (failureThreshold < 0 || failureThreshold > MAX_THRESHOLD) {
      throw new IllegalArgumentException("failureThreshold must be between 0 and " + MAX_THRESHOLD + ", got " + failureThreshold);
    }
    if (windowMs < 1) throw new IllegalArgumentException("windowMs must be at least 1, got " + windowMs);
    if (openMs < 1) throw new IllegalArgumentException("openMs must be at least 1, got " + openMs);
    if (halfOpenCalls < 1) throw new IllegalArgumentException("halfOpenCalls must be at least 1, got " + halfOpenCalls);
  }

  public boolean enabled() {
    return failureThreshold > 0;
  }
}
