package io.recllm.gateway.resilience;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.config.ConfigValues;
import java.util.Set;

/**
 * Reads a {@code circuit_breaker} section (global, {@code providers.<name>.circuit_breaker} or
 * {@code routes.<name>.circuit_breaker}):
 * <pre>
 * circuit_breaker: { failure_threshold: 5, window_ms: 30000, open_ms: 30000, half_open_calls: 1 }
 * </pre>
 * Keys left out keep the value of the base the caller gives; {@code failure_threshold: 0} turns the
 * breaker off. Problems are {@link io.recllm.gateway.config.ConfigException}s that name the key path.
 */
public final class CircuitBreakerReader {

  static final Set<String> KEYS = Set.of("failure_threshold", "window_ms", "open_ms", "half_open_calls");
  private static final long MAX_MS = 86_400_000;

  private CircuitBreakerReader() {}

  /** The section at {@code path}, or {@code base} when it is absent or null. */
  public static CircuitBreakerSettings read(JsonNode n, String path, CircuitBreakerSettings base) {
    if (ConfigValues.absent(n)) return base;
    ConfigValues.checkKeys(n, path, KEYS);
    return new CircuitBreakerSettings(
        n.has("failure_threshold")
            ? (int) ConfigValues.longValue(n.get("failure_threshold"), path + ".failure_threshold", 0,
                CircuitBreakerSettings.MAX_THRESHOLD)
            : base.failureThreshold(),
        n.has("window_ms") ? ConfigValues.longValue(n.get("window_ms"), path + ".window_ms", 1, MAX_MS) : base.windowMs(),
        n.has("open_ms") ? ConfigValues.longValue(n.get("open_ms"), path + ".open_ms", 1, MAX_MS) : base.openMs(),
        n.has("half_open_calls")
            ? (int) ConfigValues.longValue(n.get("half_open_calls"), path + ".half_open_calls", 1, 1000)
            : base.halfOpenCalls());
  }
}
