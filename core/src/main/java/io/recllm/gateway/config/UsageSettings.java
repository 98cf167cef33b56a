package io.recllm.gateway.config;

/**
 * The {@code usage:} section. {@code store} is {@code memory}, {@code sqlite:<path>}, or a PostgreSQL
 * URL ({@code postgresql://user@host:5432/db} or {@code jdbc:postgresql://...}). Request-log rows older
 * than {@code retentionDays} are deleted (0 keeps them forever); daily totals are kept regardless.
 * Writes use group commit: whatever is queued is written as soon as the writer is free, at most
 * {@code batchSize} records per transaction; {@code flushIntervalMs} only bounds how long the writer
 * sleeps. At most {@code queueCapacity} records wait before new ones are dropped.
 */
public record UsageSettings(
    String store,
    int retentionDays,
    boolean logContent,
    long flushIntervalMs,
    int batchSize,
    int queueCapacity) {

  public static final String MEMORY = "memory";
  public static final String DEFAULT_STORE = "sqlite:./data/usage.db";
  public static final UsageSettings DEFAULT = new UsageSettings(DEFAULT_STORE, 30, false, 1000, 500, 100_000);

  public UsageSettings withStore(String newStore) {
    return new UsageSettings(newStore, retentionDays, logContent, flushIntervalMs, batchSize, queueCapacity);
  }
}
