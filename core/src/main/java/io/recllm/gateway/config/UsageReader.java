package io.recllm.gateway.config;

import static io.recllm.gateway.config.ConfigValues.longValue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/** {@code usage}: where calls are recorded and how the writer batches them. */
final class UsageReader {

  private UsageReader() {}

  static UsageSettings read(JsonNode u) {
    ConfigValues.checkKeys(u, "usage", Set.of("store", "retention_days", "log_content", "flush_interval_ms", "batch_size",
        "queue_capacity"));
    String store = ConfigValues.string(u, "store", "usage.store");
    try {
      StoreLocation.parse(store);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("usage.store: " + e.getMessage());
    }
    return new UsageSettings(store,
        (int) longValue(u.path("retention_days"), "usage.retention_days", 0, 36_500),
        ConfigValues.bool(u.path("log_content"), "usage.log_content"),
        longValue(u.path("flush_interval_ms"), "usage.flush_interval_ms", 10, 3_600_000),
        (int) longValue(u.path("batch_size"), "usage.batch_size", 1, 100_000),
        (int) longValue(u.path("queue_capacity"), "usage.queue_capacity", 1, 100_000_000));
  }
}
