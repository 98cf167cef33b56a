package io.recllm.gateway.resilience;

/**
 * One {@code retries} section: at most {@code maxAttempts} tries of the same target (1 = no retries),
 * waiting between them with exponential backoff and full jitter that starts at
 * {@code initialBackoffMs} and never exceeds {@code maxBackoffMs}, for the outcomes in {@code on}.
 */
public record RetrySettings(int maxAttempts, long initialBackoffMs, long maxBackoffMs, RetryOn on) {

  /** The values a {@code retries} section starts from: 3 attempts, 200 ms to 5 s, the default outcomes. */
  public static final RetrySettings DEFAULT = new RetrySettings(3, 200, 5000, RetryOn.DEFAULT);

  /** One try only; {@code on} still decides which failures a route falls over on. */
  public static final RetrySettings NO_RETRIES = new RetrySettings(1, 200, 5000, RetryOn.DEFAULT);

  public RetrySettings {
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    if (initialBackoffMs < 0) throw new IllegalArgumentException("initialBackoffMs must not be negative");
    if (maxBackoffMs < initialBackoffMs) {
      throw new IllegalArgumentException("maxBackoffMs (" + maxBackoffMs + ") is below initialBackoffMs (" + initialBackoffMs + ")");
    }
    if (on == null) throw new IllegalArgumentException("on is null");
  }
}
