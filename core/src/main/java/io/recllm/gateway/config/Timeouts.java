package io.recllm.gateway.config;

/**
 * Upstream timeouts in milliseconds; 0 disables one. {@code firstByteMs} waits for the response head,
 * {@code idleMs} for the next read in the middle of a stream, and {@code totalMs} bounds the whole
 * call from its start: the head, the body, and every event of a stream.
 */
public record Timeouts(long connectMs, long firstByteMs, long idleMs, long totalMs) {
  public static final Timeouts DEFAULT = new Timeouts(5_000, 60_000, 60_000, 600_000);
}
