package io.recllm.gateway.usage;

import io.recllm.gateway.provider.TokenUsage;

/**
 * One finished call as the gateway saw it, successful or not. Never holds message content or keys.
 * {@code finishReason} is the model's (stop, length, tool_calls, ...) or {@code client_disconnected};
 * {@code errorType} is the OpenAI error type when the call failed; {@code ttftMs} is -1 for
 * non-streaming calls.
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
    String errorMessage) {

  public boolean failed() {
    return errorType != null;
  }
}
