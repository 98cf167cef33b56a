package io.recllm.gateway.config;

/**
 * How long a client may take and how many connections it may hold ({@code limits.*}); times in
 * milliseconds, 0 disables one. {@code headerTimeoutMs}: from the first byte of a request (from the
 * connect for a new connection) until its headers are complete. {@code bodyTimeoutMs}: from the headers
 * until the whole body has arrived. {@code idleConnectionMs}: a keep-alive connection with no request in
 * progress; a request waiting for its provider or streaming its answer is never idle.
 * {@code maxConnections}: open client connections; 0 = no limit.
 */
public record ConnectionLimits(long headerTimeoutMs, long bodyTimeoutMs, long idleConnectionMs, int maxConnections) {
  public static final ConnectionLimits DEFAULT = new ConnectionLimits(10_000, 30_000, 60_000, 16_384);
}
