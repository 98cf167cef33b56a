package io.recllm.gateway.resilience;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.config.ConfigException;
import java.util.Iterator;
import java.util.Set;

/** Reading config values with the key path in every message, worded as the config loader words them. */
final class ConfigValues {

  private ConfigValues() {}

  static boolean absent(JsonNode n) {
    return n == null || n.isMissingNode() || n.isNull();
  }

  static long longValue(JsonNode n, String path, long min, long max) {
    long v;
    if (n.isIntegralNumber()) v = n.asLong();
    else if (n.isTextual() && n.asText().trim().matches("-?\\d{1,18}")) v = Long.parseLong(n.asText().trim());
    else throw new ConfigException(path + ": must be a whole number, got " + describe(n));
    if (v < min || v > max) throw new ConfigException(path + ": must be between " + min + " and " + max + ", got " + v);
    return v;
  }

  static void checkKeys(JsonNode n, String path, Set<String> known) {
    if (!n.isObject()) throw new ConfigException(path + ": must be a mapping, got " + describe(n));
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        throw new ConfigException(path + "." + key + ": unknown key (known keys under " + path + ": "
            + String.join(", ", known.stream().sorted().toList()) + ")");
      }
    }
  }

  static String describe(JsonNode n) {
    if (n == null || n.isMissingNode()) return "nothing";
    if (n.isNull()) return "null";
    if (n.isArray()) return "a list";
    if (n.isObject()) return "a mapping";
    return "\"" + n.asText() + "\"";
  }
}
