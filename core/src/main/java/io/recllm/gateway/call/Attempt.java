package io.recllm.gateway.call;

/**
 * One try of a call at one provider and model. {@code status} is the HTTP status that try ended with
 * (200 for an answer), {@code errorType} the OpenAI error type when it failed, else null.
 */
public record Attempt(String provider, String model, int status, long latencyMs, String errorType) {

  public boolean succeeded() {
    return errorType == null;
  }
}
