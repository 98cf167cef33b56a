package io.recllm.gateway.usage;

import io.recllm.gateway.pricing.NanoUsd;
import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * Usage totals of one group of calls: by default one UTC date, provider and model; a dimension left
 * out of the grouping ({@link UsageQuery#groupBy()}) is null. The first nine components are the seed's;
 * {@code errors}, {@code cachedTokens} and the latency percentiles came later. {@code calls} counts
 * every finished call including failed ones ({@code errors}); {@code avgLatencyMs} is over all of them.
 * The percentiles are null when no request rows are left to compute them from (older than
 * {@code usage.retention_days} after a restart); in memory they come from a histogram with buckets
 * under 6% wide (exact below 32 ms), from PostgreSQL they are exact. {@code costNanoUsd} is the exact sum
 * of the calls' costs in nano-USD (1e-9 USD). In JSON the names are snake_case, and the cost is
 * {@code cost_usd}, a plain decimal. {@code endpoint} is null unless the query grouped by it.
 * {@code cacheHits} counts the calls the response cache answered (they are among {@code calls} and cost 0),
 * {@code savedNanoUsd} what those answers had cost when they were paid for (in JSON {@code saved_usd}).
 */
public record UsageStats(
    LocalDate date,
    String provider,
    String model,
    long calls,
    long promptTokens,
    long completionTokens,
    long totalTokens,
    long costNanoUsd,
    double avgLatencyMs,
    long errors,
    long cachedTokens,
    Long p50LatencyMs,
    Long p95LatencyMs,
    String endpoint,
    long cacheHits,
    long savedNanoUsd) {

  /** Totals without the cache's. */
  public UsageStats(LocalDate date, String provider, String model, long calls, long promptTokens,
                    long completionTokens, long totalTokens, long costNanoUsd, double avgLatencyMs, long errors,
                    long cachedTokens, Long p50LatencyMs, Long p95LatencyMs, String endpoint) {
    this(date, provider, model, calls, promptTokens, completionTokens, totalTokens, costNanoUsd, avgLatencyMs, errors,
        cachedTokens, p50LatencyMs, p95LatencyMs, endpoint, 0, 0);
  }

  /** Totals not split by endpoint, as before the gateway served more than chat completions. */
  public UsageStats(LocalDate date, String provider, String model, long calls, long promptTokens,
                    long completionTokens, long totalTokens, long costNanoUsd, double avgLatencyMs, long errors,
                    long cachedTokens, Long p50LatencyMs, Long p95LatencyMs) {
    this(date, provider, model, calls, promptTokens, completionTokens, totalTokens, costNanoUsd, avgLatencyMs, errors,
        cachedTokens, p50LatencyMs, p95LatencyMs, null);
  }

  /** The exact total in USD ({@code 0.0000759}). */
  public BigDecimal costUsdExact() {
    return NanoUsd.toUsd(costNanoUsd);
  }

  /** What the cache's answers saved, exact in USD. */
  public BigDecimal savedUsdExact() {
    return NanoUsd.toUsd(savedNanoUsd);
  }

  /** The nearest double to the total, for callers that want one. */
  public double costUsd() {
    return NanoUsd.toDouble(costNanoUsd);
  }
}
