package io.recllm.gateway.resilience;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * How long to wait before a retry. Without a hint from the upstream: exponential backoff with full
 * jitter, a uniformly random wait between 0 and {@code min(max, initial * 2^(retry-1))}, so that
 * clients that failed together do not come back together. With a hint: the upstream's
 * {@code retry-after-ms} (milliseconds, as OpenAI sends it) or {@code retry-after} (seconds or an
 * HTTP date), which callers cap themselves.
 */
public final class Backoff {

  /** Returned by the parsers when there is no usable hint. */
  public static final long NONE = -1;

  private static final long MAX_NANOS = Long.MAX_VALUE / 4; // far beyond any cap, safe to add to

  private Backoff() {}

  /**
   * The full-jitter wait before retry number {@code retry} (1 for the first retry).
   *
   * @param random01 a uniformly random number in [0, 1)
   */
  public static long fullJitterNanos(int retry, long initialMs, long maxMs, double random01) {
    if (retry < 1) throw new IllegalArgumentException("retry counts from 1, got " + retry);
    long ceilingMs = initialMs;
    for (int i = 1; i < retry && ceilingMs < maxMs; i++) ceilingMs = ceilingMs > maxMs / 2 ? maxMs : ceilingMs * 2;
    ceilingMs = Math.min(ceilingMs, maxMs);
    double r = random01 < 0 ? 0 : Math.min(random01, 1);
    return (long) (r * ceilingMs * 1_000_000d);
  }

  /**
   * The wait a failed answer asked for: {@code retry-after-ms} when present and valid, else
   * {@code retry-after}; {@link #NONE} when neither says anything usable.
   */
  public static long hintNanos(String retryAfterMs, String retryAfter, long nowEpochMillis) {
    long ms = retryAfterMsNanos(retryAfterMs);
    return ms != NONE ? ms : retryAfterNanos(retryAfter, nowEpochMillis);
  }

  /** A {@code retry-after-ms} value: milliseconds, possibly with a fraction. */
  public static long retryAfterMsNanos(String value) {
    double ms = number(value);
    return Double.isNaN(ms) ? NONE : (long) Math.min(MAX_NANOS, ms * 1_000_000d);
  }

  /**
   * A {@code retry-after} value: delta seconds (a fraction is accepted, as some servers send one) or
   * an HTTP date, which counts from {@code nowEpochMillis} and is 0 once it passed.
   */
  public static long retryAfterNanos(String value, long nowEpochMillis) {
    if (value == null || value.isBlank()) return NONE;
    double seconds = number(value);
    if (!Double.isNaN(seconds)) return (long) Math.min(MAX_NANOS, seconds * 1_000_000_000d);
    try {
      long at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
      return Math.max(0, Math.min(MAX_NANOS / 1_000_000, at - nowEpochMillis)) * 1_000_000L;
    } catch (DateTimeParseException e) {
      return NONE;
    }
  }

  private static double number(String value) {
    if (value == null) return Double.NaN;
    String s = value.trim();
    if (!s.matches("\\d{1,18}(\\.\\d{1,9})?")) return Double.NaN;
    return Double.parseDouble(s);
  }
}
