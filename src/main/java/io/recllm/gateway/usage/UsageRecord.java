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
 * (1e-9 USD, see {@link NanoUsd}), exact.
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
    String responseContent) {

  /** A record without client key and content, as most call sites make it. */
  public UsageRecord(String requestId, long timestampMillis, String provider, String model, String responseModel,
                     int status, boolean stream, TokenUsage usage, long costNanoUsd, String priceVersion, long latencyMs,
                     long ttftMs, String finishReason, String errorType, String errorMessage) {
    this(requestId, timestampMillis, provider, model, responseModel, status, stream, usage, costNanoUsd, priceVersion,
        latencyMs, ttftMs, finishReason, errorType, errorMessage, null, null, null);
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
        responseContent);
  }

  /** As the constructor above, without client key and content. */
  public UsageRecord(String requestId, long timestampMillis, String provider, String model, String responseModel,
                     int status, boolean stream, TokenUsage usage, double costUsd, String priceVersion, long latencyMs,
                     long ttftMs, String finishReason, String errorType, String errorMessage) {
    this(requestId, timestampMillis, provider, model, responseModel, status, stream, usage, NanoUsd.ofDouble(costUsd),
        priceVersion, latencyMs, ttftMs, finishReason, errorType, errorMessage, null, null, null);
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
        response);
  }

  public UsageRecord withClientKeyId(String keyId) {
    return new UsageRecord(requestId, timestampMillis, provider, model, responseModel, status, stream, usage,
        costNanoUsd, priceVersion, latencyMs, ttftMs, finishReason, errorType, errorMessage, keyId, requestContent,
        responseContent);
  }
}
