package io.recllm.gateway.usage;

import io.recllm.gateway.provider.TokenUsage;

/**
 * One finished call as the gateway saw it, successful or not. Never holds keys; holds message
 * content only when {@code usage.log_content} is on ({@code requestContent} is the request's
 * {@code messages} as JSON, {@code responseContent} the assistant's text), otherwise both are null.
 * {@code finishReason} is the model's (stop, length, tool_calls, ...) or {@code client_disconnected};
 * {@code errorType} is the OpenAI error type when the call failed; {@code ttftMs} is -1 for
 * non-streaming calls. {@code clientKeyId} names the client key that made the call, once the
 * gateway has per-client keys (null until then).
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
    double costUsd,
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
                     int status, boolean stream, TokenUsage usage, double costUsd, String priceVersion, long latencyMs,
                     long ttftMs, String finishReason, String errorType, String errorMessage) {
    this(requestId, timestampMillis, provider, model, responseModel, status, stream, usage, costUsd, priceVersion,
        latencyMs, ttftMs, finishReason, errorType, errorMessage, null, null, null);
  }

  public boolean failed() {
    return errorType != null;
  }

  public UsageRecord withContent(String request, String response) {
    return new UsageRecord(requestId, timestampMillis, provider, model, responseModel, status, stream, usage, costUsd,
        priceVersion, latencyMs, ttftMs, finishReason, errorType, errorMessage, clientKeyId, request, response);
  }
}
