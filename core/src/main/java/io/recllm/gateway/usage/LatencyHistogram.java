package io.recllm.gateway.usage;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latency counts in log-linear buckets, recorded with one atomic increment: exact below 32 ms, then
 * eight buckets per power of two (each under 6% wide, reported at its middle), up to about 25 days.
 * Small enough (248 counters) to keep one per date, provider and model.
 */
final class LatencyHistogram {

  private static final int EXACT = 32;          // 2^5
  private static final int SUB = 8;              // 2^3 buckets per power of two
  private static final int MAX_EXPONENT = 31;
  static final int BUCKETS = EXACT + (MAX_EXPONENT - 5 + 1) * SUB;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

  void record(long latencyMs) {
    counts.incrementAndGet(bucket(latencyMs));
  }

  void record(long latencyMs, long times) {
    counts.addAndGet(bucket(latencyMs), times);
  }

  void addTo(long[] into) {
    for (int i = 0; i < BUCKETS; i++) into[i] += counts.get(i);
  }

  static int bucket(long v) {
    if (v < EXACT) return (int) Math.max(v, 0);
    int e = 63 - Long.numberOfLeadingZeros(v);
    if (e > MAX_EXPONENT) return BUCKETS - 1;
    int sub = (int) (v >>> (e - 3)) - SUB;
    return EXACT + (e - 5) * SUB + sub;
  }

  /** The value a bucket stands for: itself when exact, else the middle of its range. */
  static long value(int bucket) {
    if (bucket < EXACT) return bucket;
    int e = 5 + (bucket - EXACT) / SUB;
    int sub = (bucket - EXACT) % SUB;
    long width = 1L << (e - 3);
    long lower = (SUB + sub) * width;
    return lower + (width - 1) / 2;
  }

  /** Nearest-rank percentile (PostgreSQL's percentile_disc), or null when there are no counts. */
  static Long percentile(long[] counts, double p) {
    long n = 0;
    for (long c : counts) n += c;
    if (n == 0) return null;
    long rank = Math.max(1, (long) Math.ceil(p * n));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) return value(i);
    }
    return value(counts.length - 1);
  }
}
