package io.recllm.gateway.usage;

import io.recllm.gateway.pricing.NanoUsd;
import java.math.BigDecimal;

/**
 * One row of the request log, as {@code GET /v1/usage/requests} shows it. {@code ttftMs} is null for
 * non-streaming calls and streams that produced no token; {@code clientKeyId} is null until the gateway
 * has per-client keys; {@code requestContent} and {@code responseContent} only when
 * {@code usage.log_content} was on for that call. {@code costNanoUsd} is the cost in nano-USD (1e-9 USD),
 * exact; in JSON and CSV it is {@code cost_usd}, a plain decimal. {@code endpoint}: see {@link UsageRecord}.
 * {@code attempt} numbers the upstream tries of a retried or failed-over call (0 for a call tried once).
 * {@code piiCounts}, {@code cacheHit} and {@code savedNanoUsd}: see {@link UsageRecord}.
 */
public record RequestLogEntry(
    String requestId,
    long timestampMillis,
    String provider,
    String model,
    String responseModel,
    int status,
    boolean stream,
    long promptTokens,
    long completionTokens,
    long totalTokens,
    long cachedTokens,
    boolean estimated,
    long costNanoUsd,
    String priceVersion,
    long latencyMs,
    Long ttftMs,
    String finishReason,
    String errorType,
    String errorMessage,
    String clientKeyId,
    String requestContent,
    String responseContent,
    String endpoint,
    int attempt,
    String piiCounts,
    boolean cacheHit,
    long savedNanoUsd) {

  /** As the canonical constructor, for a call without redaction counts and not from the cache. */
  public RequestLogEntry(String requestId, long timestampMillis, String provider, String model, String responseModel,
                         int status, boolean stream, long promptTokens, long completionTokens, long totalTokens,
                         long cachedTokens, boolean estimated, long costNanoUsd, String priceVersion, long latencyMs,
                         Long ttftMs, String finishReason, String errorType, String errorMessage, String clientKeyId,
                         String requestContent, String responseContent, String endpoint, int attempt) {
    this(requestId, timestampMillis, provider, model, responseModel, status, stream, promptTokens, completionTokens,
        totalTokens, cachedTokens, estimated, costNanoUsd, priceVersion, latencyMs, ttftMs, finishReason, errorType,
        errorMessage, clientKeyId, requestContent, responseContent, endpoint, attempt, null, false, 0);
  }

  /** As the canonical constructor, for a call tried once. */
  public RequestLogEntry(String requestId, long timestampMillis, String provider, String model, String responseModel,
                         int status, boolean stream, long promptTokens, long completionTokens, long totalTokens,
                         long cachedTokens, boolean estimated, long costNanoUsd, String priceVersion, long latencyMs,
                         Long ttftMs, String finishReason, String errorType, String errorMessage, String clientKeyId,
                         String requestContent, String responseContent, String endpoint) {
    this(requestId, timestampMillis, provider, model, responseModel, status, stream, promptTokens, completionTokens,
        totalTokens, cachedTokens, estimated, costNanoUsd, priceVersion, latencyMs, ttftMs, finishReason, errorType,
        errorMessage, clientKeyId, requestContent, responseContent, endpoint, 0);
  }

  static RequestLogEntry of(UsageRecord r) {
    return new RequestLogEntry(r.requestId(), r.timestampMillis(), r.provider(), r.model(), r.responseModel(), r.status(),
        r.stream(), r.usage().promptTokens(), r.usage().completionTokens(), r.usage().totalTokens(),
        r.usage().cachedTokens(), r.usage().estimated(), r.costNanoUsd(), r.priceVersion(), r.latencyMs(),
        r.ttftMs() < 0 ? null : r.ttftMs(), r.finishReason(), r.errorType(), r.errorMessage(), r.clientKeyId(), r.requestContent(),
        r.responseContent(), r.endpoint(), r.attempt(), r.piiCounts(), r.cacheHit(), r.savedNanoUsd());
  }

  /** The exact cost in USD ({@code 0.00000255}). */
  public BigDecimal costUsdExact() {
    return NanoUsd.toUsd(costNanoUsd);
  }

  /** The nearest double to the cost, for callers that want one. */
  public double costUsd() {
    return NanoUsd.toDouble(costNanoUsd);
  }
}
