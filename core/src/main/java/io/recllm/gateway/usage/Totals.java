package io.recllm.gateway.usage;

/** Sums for one group while a query adds its cells up; not thread-safe, lives for one query. */
final class Totals {
  long calls;
  long errors;
  long promptTokens;
  long completionTokens;
  long totalTokens;
  long cachedTokens;
  long costNanoUsd;
  long latencyMsSum;
  long cacheHits;
  long savedNanoUsd;
  long[] latencies; // histogram counts, when the source keeps them
  Long p50;         // set directly when the source computes percentiles itself
  Long p95;

  void add(long calls, long errors, long prompt, long completion, long total, long cached, long costNanos, long latencySum) {
    this.calls += calls;
    this.errors += errors;
    this.promptTokens += prompt;
    this.completionTokens += completion;
    this.totalTokens += total;
    this.cachedTokens += cached;
    this.costNanoUsd += costNanos;
    this.latencyMsSum += latencySum;
  }

  void addCache(long hits, long savedNanos) {
    this.cacheHits += hits;
    this.savedNanoUsd += savedNanos;
  }

  UsageStats toStats(UsageKey key) {
    Long p50v = p50;
    Long p95v = p95;
    if (latencies != null) {
      p50v = LatencyHistogram.percentile(latencies, 0.50);
      p95v = LatencyHistogram.percentile(latencies, 0.95);
    }
    double avg = calls == 0 ? 0 : Math.round(latencyMsSum * 100.0 / calls) / 100.0;
    return new UsageStats(key.date(), key.provider(), key.model(), calls, promptTokens, completionTokens, totalTokens,
        costNanoUsd, avg, errors, cachedTokens, p50v, p95v, key.endpoint(), cacheHits, savedNanoUsd);
  }
}
