package io.recllm.gateway.resilience;

import io.recllm.gateway.error.GatewayException;

/**
 * Decides, after a failed try, whether the same target is tried again and after how long.
 *
 * <ul>
 *   <li>Only outcomes in {@code on} are retried, and only while fewer than {@code max_attempts} tries
 *       were made.
 *   <li>The wait is the upstream's {@code retry-after} when it sent one, capped at
 *       {@code max_backoff_ms}; otherwise exponential backoff with full jitter ({@link Backoff}).
 *   <li>A wait that would reach the call's deadline is not made: the failure is returned at once, so
 *       a route can fall over while there is still time, instead of retrying into a timeout.
 * </ul>
 */
public final class RetryPolicy {

  /** Returned by {@link #waitBeforeRetry} when the call must not be tried again. */
  public static final long NO_RETRY = -1;

  private final RetrySettings settings;

  public RetryPolicy(RetrySettings settings) {
    if (settings == null) throw new IllegalArgumentException("settings is null");
    this.settings = settings;
  }

  public RetrySettings settings() {
    return settings;
  }

  /** Whether {@code failure} is one of the outcomes in {@code on}, whatever the attempts left. */
  public boolean retriesOn(Throwable failure) {
    return settings.on().matches(Outcome.of(failure));
  }

  /**
   * The nanoseconds to wait before the next try, or {@link #NO_RETRY}.
   *
   * @param triesMade tries of this target so far, the failed one included (1 after the first)
   * @param remainingNanos time left before the call's deadline ({@code Long.MAX_VALUE} for none)
   * @param nowEpochMillis the wall clock, for a {@code retry-after} HTTP date
   * @param random01 a uniformly random number in [0, 1), for the jitter
   */
  public long waitBeforeRetry(Throwable failure, int triesMade, long remainingNanos, long nowEpochMillis,
                              double random01) {
    if (triesMade >= settings.maxAttempts() || remainingNanos <= 0 || !retriesOn(failure)) return NO_RETRY;
    long maxNanos = settings.maxBackoffMs() * 1_000_000L;
    String retryAfter = failure instanceof GatewayException g ? g.retryAfter() : null;
    long hint = Backoff.hintNanos(null, retryAfter, nowEpochMillis);
    long wait = hint != Backoff.NONE
        ? Math.min(hint, maxNanos)
        : Backoff.fullJitterNanos(triesMade, settings.initialBackoffMs(), settings.maxBackoffMs(), random01);
    if (remainingNanos != Long.MAX_VALUE && wait >= remainingNanos) return NO_RETRY;
    return wait;
  }
}
