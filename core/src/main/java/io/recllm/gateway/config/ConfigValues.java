package io.recllm.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reading values of the config tree, every problem worded with its key path the same way wherever it
 * is read: {@code timeouts.total_ms: must be a whole number, got "soon"}. The section readers here and
 * those of other packages ({@link ConfigSection}) all use these.
 */
public final class ConfigValues {

  private ConfigValues() {}

  /** Missing or null: the key was not given. */
  public static boolean absent(JsonNode n) {
    return n == null || n.isMissingNode() || n.isNull();
  }

  /** A whole number within [min, max]; a quoted number counts (environment substitution gives strings). */
  public static long longValue(JsonNode n, String path, long min, long max) {
    String digits;
    if (n.isIntegralNumber()) digits = n.asText();
    else if (n.isTextual() && n.asText().trim().matches("-?\\d+")) digits = n.asText().trim();
    else throw new ConfigException(path + ": must be a whole number, got " + describe(n));
    long v;
    try {
      v = Long.parseLong(digits);
    } catch (NumberFormatException beyondLong) { // never read as a long's low bits
      throw new ConfigException(path + ": must be between " + min + " and " + max + ", got " + digits);
    }
    if (v < min || v > max) throw new ConfigException(path + ": must be between " + min + " and " + max + ", got " + v);
    return v;
  }

  public static boolean bool(JsonNode n, String path) {
    if (n.isBoolean()) return n.asBoolean();
    if (n.isTextual()) {
      String s = n.asText().trim().toLowerCase();
      if (s.equals("true")) return true;
      if (s.equals("false")) return false;
    }
    throw new ConfigException(path + ": must be true or false, got " + describe(n));
  }

  /** A non-empty string, trimmed. */
  public static String string(JsonNode parent, String key, String path) {
    JsonNode n = parent.path(key);
    if (!n.isValueNode() || n.isNull() || n.asText().isBlank()) {
      throw new ConfigException(path + ": must be a non-empty string, got " + describe(n));
    }
    return n.asText().trim();
  }

  /** A list of strings (a single string counts as a list of one); empty when absent. */
  public static List<String> stringList(JsonNode n, String path) {
    if (absent(n)) return List.of();
    if (n.isTextual()) return List.of(n.asText());
    if (!n.isArray()) throw new ConfigException(path + ": must be a list of strings, got " + describe(n));
    List<String> out = new ArrayList<>();
    for (JsonNode item : n) {
      if (!item.isValueNode() || item.isNull()) throw new ConfigException(path + ": must be a list of strings, got " + describe(item) + " in it");
      out.add(item.asText());
    }
    return List.copyOf(out);
  }

  /** A mapping of names to string values (headers); empty when absent. */
  public static Map<String, String> stringMap(JsonNode n, String path, String what) {
    if (absent(n)) return Map.of();
    if (!n.isObject()) throw new ConfigException(path + ": must be a mapping of " + what);
    Map<String, String> out = new LinkedHashMap<>();
    n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return java.util.Collections.unmodifiableMap(out);
  }

  /** An http(s) URL with a host, as written (trailing slashes kept). */
  public static String httpUrl(String value, String path) {
    try {
      URI uri = URI.create(value);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException("scheme must be http or https with a host");
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(path + ": \"" + value + "\" is not an http(s) URL (" + e.getMessage() + ")");
    }
    return value;
  }

  /** An amount of money as the exact decimal written (the YAML is read with decimals for floats). */
  public static BigDecimal decimal(JsonNode n, String path, String unit) {
    if (n.isNumber()) {
      if (!n.isBigDecimal() && !n.isIntegralNumber()) { // floats are read as decimals: this is no amount
        throw new ConfigException(path + ": must be zero or more, got " + n.asText());
      }
      return n.decimalValue();
    }
    try {
      return new BigDecimal(n.asText().trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(path + ": must be a number (" + unit + "), got \"" + n.asText() + "\"");
    }
  }

  /** Fails on the first key not in {@code known}, listing the known ones; absent is fine. */
  public static void checkKeys(JsonNode n, String path, Set<String> known) {
    if (absent(n)) return;
    String where = path.isEmpty() ? "" : path + ".";
    if (!n.isObject()) throw new ConfigException(path + ": must be a mapping, got " + describe(n));
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        throw new ConfigException(where + key + ": unknown key (known keys" + (path.isEmpty() ? "" : " under " + path)
            + ": " + String.join(", ", known.stream().sorted().toList()) + ")");
      }
    }
  }

  static String kind(JsonNode n) {
    return n.isArray() ? "a list" : n.isObject() ? "a mapping" : "a " + n.getNodeType().name().toLowerCase();
  }

  /** How a value reads in a message: {@code "soon"}, {@code a list}, {@code nothing}. */
  public static String describe(JsonNode n) {
    if (n == null || n.isMissingNode()) return "nothing";
    if (n.isNull()) return "null";
    if (n.isContainerNode()) return kind(n);
    return "\"" + n.asText() + "\"";
  }
}
