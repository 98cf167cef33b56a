package io.recllm.gateway.config;

import static io.recllm.gateway.config.ConfigValues.longValue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;

/** {@code limits}: what a client connection and its request may take. */
final class LimitsReader {

  private LimitsReader() {}

  static final Set<String> KEYS = Set.of("max_body_bytes", "header_timeout_ms", "body_timeout_ms",
      "idle_connection_ms", "max_connections");

  /** Checks {@code limits} for unknown keys: the loader's own and those {@link ConfigSection#limitsKeys()} add. */
  static void checkKeys(JsonNode limits, Set<String> sectionKeys) {
    Set<String> known = new HashSet<>(KEYS);
    known.addAll(sectionKeys);
    ConfigValues.checkKeys(limits, "limits", known);
  }

  static long maxBodyBytes(JsonNode limits) {
    return longValue(limits.path("max_body_bytes"), "limits.max_body_bytes", 1, Integer.MAX_VALUE);
  }

  static ConnectionLimits connectionLimits(JsonNode limits) {
    return new ConnectionLimits(
        longValue(limits.path("header_timeout_ms"), "limits.header_timeout_ms", 0, 86_400_000),
        longValue(limits.path("body_timeout_ms"), "limits.body_timeout_ms", 0, 86_400_000),
        longValue(limits.path("idle_connection_ms"), "limits.idle_connection_ms", 0, 86_400_000),
        (int) longValue(limits.path("max_connections"), "limits.max_connections", 0, 10_000_000));
  }
}
