package io.recllm.gateway.config;

/** Upstream timeouts in milliseconds; 0 disables one. */
public record Timeouts(long connectMs, long firstByteMs, long idleMs, long totalMs) {
  public static final Timeouts DEFAULT = new Timeouts(5_000, 60_000, 60_000, 600_000);
}
