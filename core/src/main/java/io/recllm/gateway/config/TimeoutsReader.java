package io.recllm.gateway.config;

import static io.recllm.gateway.config.ConfigValues.longValue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/** {@code timeouts}, at the top level and in each provider (where it starts from the top-level one). */
final class TimeoutsReader {

  private TimeoutsReader() {}

  static Timeouts read(JsonNode n, String path, Timeouts base) {
    if (ConfigValues.absent(n)) return base;
    ConfigValues.checkKeys(n, path, Set.of("connect_ms", "first_byte_ms", "idle_ms", "total_ms"));
    return new Timeouts(
        n.has("connect_ms") ? longValue(n.get("connect_ms"), path + ".connect_ms", 0, Long.MAX_VALUE) : base.connectMs(),
        n.has("first_byte_ms") ? longValue(n.get("first_byte_ms"), path + ".first_byte_ms", 0, Long.MAX_VALUE) : base.firstByteMs(),
        n.has("idle_ms") ? longValue(n.get("idle_ms"), path + ".idle_ms", 0, Long.MAX_VALUE) : base.idleMs(),
        n.has("total_ms") ? longValue(n.get("total_ms"), path + ".total_ms", 0, Long.MAX_VALUE) : base.totalMs());
  }
}
