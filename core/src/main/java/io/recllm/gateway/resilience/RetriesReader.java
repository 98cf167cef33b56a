package io.recllm.gateway.resilience;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.config.ConfigException;
import io.recllm.gateway.config.ConfigValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a {@code retries} section (global, {@code providers.<name>.retries} or
 * {@code routes.<name>.retries}):
 * <pre>
 * retries: { max_attempts: 3, initial_backoff_ms: 200, max_backoff_ms: 5000,
 *            on: [429, 500, 502, 503, 504, 529, connect, timeout] }
 * </pre>
 * Keys left out keep the value of the base the caller gives (the global section for a provider's or
 * route's). Problems are {@link ConfigException}s that name the key path.
 */
public final class RetriesReader {

  static final Set<String> KEYS = Set.of("max_attempts", "initial_backoff_ms", "max_backoff_ms", "on");
  static final int MAX_ATTEMPTS = 100;
  static final long MAX_BACKOFF_MS = 3_600_000;

  private RetriesReader() {}

  /** The section at {@code path}, or {@code base} when it is absent or null. */
  public static RetrySettings read(JsonNode n, String path, RetrySettings base) {
    if (ConfigValues.absent(n)) return base;
    ConfigValues.checkKeys(n, path, KEYS);
    int maxAttempts = n.has("max_attempts")
        ? (int) ConfigValues.longValue(n.get("max_attempts"), path + ".max_attempts", 1, MAX_ATTEMPTS) : base.maxAttempts();
    long initial = n.has("initial_backoff_ms")
        ? ConfigValues.longValue(n.get("initial_backoff_ms"), path + ".initial_backoff_ms", 0, MAX_BACKOFF_MS)
        : base.initialBackoffMs();
    long max = n.has("max_backoff_ms")
        ? ConfigValues.longValue(n.get("max_backoff_ms"), path + ".max_backoff_ms", 0, MAX_BACKOFF_MS)
        : Math.max(base.maxBackoffMs(), initial);
    if (max < initial) {
      throw new ConfigException(path + ".max_backoff_ms: must be at least initial_backoff_ms (" + initial + "), got " + max);
    }
    RetryOn on = n.has("on") ? on(n.get("on"), path + ".on") : base.on();
    return new RetrySettings(maxAttempts, initial, max, on);
  }

  private static RetryOn on(JsonNode n, String path) {
    if (!n.isArray()) {
      throw new ConfigException(path + ": must be a list of HTTP statuses, connect and timeout, got " + ConfigValues.describe(n));
    }
    List<String> items = new ArrayList<>();
    for (JsonNode item : n) {
      if (!item.isValueNode() || item.isNull()) {
        throw new ConfigException(path + "[" + items.size() + "]: must be an HTTP status, connect or timeout, got "
            + ConfigValues.describe(item));
      }
      items.add(item.asText());
    }
    try {
      return RetryOn.parse(items);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(path + e.getMessage());
    }
  }
}
