package io.recllm.gateway.resilience;

import java.util.concurrent.atomic.AtomicLong;

/**
 * An exponentially weighted moving average of latencies: each new sample moves the average
 * {@code alpha} of the way towards itself, so a target that got slow is noticed within a few calls
 * and one slow call does not condemn a target. Lock-free and thread-safe.
 */
public final class LatencyEwma {

  /** Weight of the newest sample. */
  public static final double DEFAULT_ALPHA = 0.3;

  private static final long EMPTY = Double.doubleToRawLongBits(Double.NaN);

  private final double alpha;
  private final AtomicLong bits = new AtomicLong(EMPTY);

  public LatencyEwma() {
    this(DEFAULT_ALPHA);
  }

  public LatencyEwma(double alpha) {
    if (!(alpha > 0 && alpha <= 1)) throw new IllegalArgumentException("alpha must be in (0, 1], got " + alpha);
    this.alpha = alpha;
  }

  public void record(long nanos) {
    double sample = Math.max(0, nanos);
    bits.getAndUpdate(prev -> {
      double avg = Double.longBitsToDouble(prev);
      return Double.doubleToRawLongBits(Double.isNaN(avg) ? sample : avg + alpha * (sample - avg));
    });
  }

  /** The average in nanoseconds, or NaN before the first sample. */
  public double nanos() {
    return Double.longBitsToDouble(bits.get());
  }
}
