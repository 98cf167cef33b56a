package io.recllm.gateway.provider.mock;

/**
 * The mock's own keys: {@code delay_ms} before an answer (or a stream's start), {@code stream_delay_ms}
 * between stream chunks.
 */
public record MockSettings(long delayMs, long streamDelayMs) {

  public static final MockSettings NONE = new MockSettings(0, 0);
}
