package io.recllm.gateway.usage;

import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.pricing.NanoUsd;
import java.math.BigDecimal;

/**
 * One finished call as the gateway saw it, successful or not. Never holds keys; holds message
 * content only when {@code usage.log_content} is on ({@code requestContent} is the request's
 * {@code messages} as JSON, {@code responseContent} the assistant's text), otherwise both are null.
 * {@code finishReason} is the model's (stop, length, tool_calls, ...) or {@code client_disconnected};
 * {@code errorType} is the OpenAI error type when the call failed; {@code ttftMs} is -1 for
 * non-streaming calls. {@code clientKeyId} names the client key that made the call, once the
 * gateway has per-client keys (null until then). {@code costNanoUsd} is the call's cost in nano-USD
 * (1e-9 USD, see {@link NanoUsd}), exact. {@code endpoint} is the API the client called ({@code chat},
 * {@code embeddings}, {@code completions}, {@code messages}, {@code responses}); null reads as {@code chat},
 * what every call was before the gateway had other endpoints.
 * {@code attempt} numbers the upstream tries of a call that was retried or failed over (each failed try
 * is a row of its own, with the call's request id); it is 0 for a call tried once.
 * {@code piiCounts} is how many values of each kind redaction found in the request, as
 * {@code email=2,phone=1} (kinds in order; never a value), or null when it found none or did not run.
 * {@code cacheHit} marks a call answered from the response cache, which costs 0; {@code savedNanoUsd} is
 * then what the answer cost when it was paid for.
 */
public record UsageRecord(
    String requestId,
    long timestampMillis,
    String provider,
    String model,
    String responseModel,
    int status,
    boolean stream,
    TokenUsage usage,
    long costNanoUsd,
    String priceVersion,
    long latencyMs,
    long ttftMs,
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

  /** A record without redaction counts and not from the cache. */
  public UsageRecord(String requestId, long timestampMillis, String provider, String model, String responseModel,
                     int status, boolean stream, TokenUsage usage, long costNanoUsd, String priceVersion, long latencyMs,
                     long ttftMs, String finishReason, String errorType, String errorMessage, String clientKeyId,
                     String requestContent, String responseContent, String endpoint, int attempt) {
    this(requestId, timestampMillis, provider, model, responseModel, status, stream, usage, costNanoUsd, priceVersion,
        latencyMs, ttftMs, finishReason, errorType, errorMessage, clientKeyId, requestContent, responseContent, endpoint,
        attempt, null, false, 0);
  }

  /** The endpoint of every call made before the gateway served more than chat completions. */
  public static final String CHAT = "chat";

  public UsageRecord {
    if (endpoint == null) endpoint = CHAT;
  }

  /** A record of a call tried once, of the given endpoint. */
  public UsageRecord(String requestId, long timestampMillis, String provider, String model, String responseModel,
                     int status, boolean stream, TokenUsage usage, long costNanoUsd, String priceVersion, long latencyMs,
                     long ttftMs, String finishReason, String errorType, String errorMessage, String clientKeyId,
                     String requestContent, String responseContent, String endpoint) {
    this(requestId, timestampMillis, provider, model, responseModel, status, stream, usage, costNanoUsd, priceVersion,
        latencyMs, ttftMs, finishReason, errorType, errorMessage, clientKeyId, requestContent, responseContent, endpoint, 0);
  }

  /** A record of a chat call, as the call sites from before the endpoint dimension make it. */
  public UsageRecord(String requestId, long timestampMillis, String provider, String model, String responseModel,
                     int status, boolean stream, TokenUsage usage, long costNanoUsd, String priceVersion, long latencyMs,
                     long ttftMs, String finishReason, String errorType, String errorMessage, String clientKeyId,
                     String requestContent, String responseContent) {
    this(requestId, timestampMillis, provider, model, responseModel, status, stream, usage, costNanoUsd, priceVersion,
        latencyMs, ttftMs, finishReason, errorType, errorMessage, clientKeyId, requestContent, responseContent, null, 0);
  }

  /** A record without client key and content, as most call sites make it. */
  public UsageRecord(String requestId, long timestampMillis, String provider, String model, String responseModel,
                     int status, boolean stream, TokenUsage usage, long costNanoUsd, String priceVersion, long latencyMs,
                     long ttftMs, String finishReason, String errorType, String errorMessage) {
    this(requestId, timestampMillis, provider, model, responseModel, status, stream, usage, costNanoUsd, priceVersion,
        latencyMs, ttftMs, finishReason, errorType, errorMessage, null, null, null, null);
  }

  /**
   * For callers that hold the cost as a double of USD: it is taken as the shortest decimal that reads
   * back as that double ({@code 0.00014} is 0.00014) and rounded half to even to a whole nano-USD. An
   * {@code int} or {@code long} argument is a number of nano-USD: it selects the canonical constructor.
   */
  public UsageRecord(String requestId, long timestampMillis, String provider, String model, String responseModel,
                     int status, boolean stream, TokenUsage usage, double costUsd, String priceVersion, long latencyMs,
                     long ttftMs, String finishReason, String errorType, String errorMessage, String clientKeyId,
                     String requestContent, String responseContent) {
    this(requestId, timestampMillis, provider, model, responseModel, status, stream, usage, NanoUsd.ofDouble(costUsd),
        priceVersion, latencyMs, ttftMs, finishReason, errorType, errorMessage, clientKeyId, requestContent,
        responseContent, null);
  }

  /** As the constructor above, without client key and content. */
  public UsageRecord(String requestId, long timestampMillis, String provider, String model, String responseModel,
                     int status, boolean stream, TokenUsage usage, double costUsd, String priceVersion, long latencyMs,
                     long ttftMs, String finishReason, String errorType, String errorMessage) {
    this(requestId, timestampMillis, provider, model, responseModel, status, stream, usage, NanoUsd.ofDouble(costUsd),
        priceVersion, latencyMs, ttftMs, finishReason, errorType, errorMessage, null, null, null, null);
  }

  /** The exact cost in USD ({@code 0.00000255}). */
  public BigDecimal costUsdExact() {
    return NanoUsd.toUsd(costNanoUsd);
  }

  /** The nearest double to the cost, for callers that want one; sums and printing go through {@link #costNanoUsd}. */
  public double costUsd() {
    return NanoUsd.toDouble(costNanoUsd);
  }

  public boolean failed() {
    return errorType != null;
  }

  public UsageRecord withContent(String request, String response) {
    return new UsageRecord(requestId, timestampMillis, provider, model, responseModel, status, stream, usage,
        costNanoUsd, priceVersion, latencyMs, ttftMs, finishReason, errorType, errorMessage, clientKeyId, request,
        response, endpoint, attempt, piiCounts, cacheHit, savedNanoUsd);
  }

  public UsageRecord withEndpoint(String name) {
    return new UsageRecord(requestId, timestampMillis, provider, model, responseModel, status, stream, usage,
        costNanoUsd, priceVersion, latencyMs, ttftMs, finishReason, errorType, errorMessage, clientKeyId,
        requestContent, responseContent, name, attempt, piiCounts, cacheHit, savedNanoUsd);
  }

  /**
   * The same row as upstream try number {@code n} of its call (from 1): a failed try before the last,
   * or the call's own row after several tries. 0 is a call tried once.
   */
  public UsageRecord withAttempt(int n) {
    return new UsageRecord(requestId, timestampMillis, provider, model, responseModel, status, stream, usage,
        costNanoUsd, priceVersion, latencyMs, ttftMs, finishReason, errorType, errorMessage, clientKeyId,
        requestContent, responseContent, endpoint, n, piiCounts, cacheHit, savedNanoUsd);
  }

  public UsageRecord withClientKeyId(String keyId) {
    return new UsageRecord(requestId, timestampMillis, provider, model, responseModel, status, stream, usage,
        costNanoUsd, priceVersion, latencyMs, ttftMs, finishReason, errorType, errorMessage, keyId, requestContent,
        responseContent, endpoint, attempt, piiCounts, cacheHit, savedNanoUsd);
  }

  /** The same row with redaction's counts per kind ({@code email=2,phone=1}), or null for none. */
  public UsageRecord withPiiCounts(String counts) {
    return new UsageRecord(requestId, timestampMillis, provider, model, responseModel, status, stream, usage,
        costNanoUsd, priceVersion, latencyMs, ttftMs, finishReason, errorType, errorMessage, clientKeyId,
        requestContent, responseContent, endpoint, attempt, counts, cacheHit, savedNanoUsd);
  }

  /** The same row as a call answered from the cache, which saved {@code saved} nano-USD. */
  public UsageRecord withCacheHit(long saved) {
    return new UsageRecord(requestId, timestampMillis, provider, model, responseModel, status, stream, usage,
        costNanoUsd, priceVersion, latencyMs, ttftMs, finishReason, errorType, errorMessage, clientKeyId,
        requestContent, responseContent, endpoint, attempt, piiCounts, true, saved);
  }
}
