package io.recllm.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;

/**
 * A mapping of the config file at a known key path, with the loader's own readers, so that code
 * outside this package (a provider type reading its settings) reports problems exactly as the loader
 * does: {@code providers.local.delay_ms: must be a whole number, got "soon"}.
 */
public final class ConfigNode {

  private final JsonNode node;
  private final String path;

  ConfigNode(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /** The mapping itself, for a {@link ConfigSection} that reads nested structures with {@link ConfigValues}. */
  public JsonNode node() {
    return node;
  }

  /** The key path of this mapping, e.g. {@code providers.local}. */
  public String path() {
    return path;
  }

  /** The key path of one of its keys, e.g. {@code providers.local.delay_ms}. */
  public String path(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** Whether the key is present with a value other than null. */
  public boolean has(String key) {
    return node.hasNonNull(key);
  }

  /** A whole number within [min, max], or {@code otherwise} when the key is absent. */
  public long longValue(String key, long min, long max, long otherwise) {
    return has(key) ? ConfigValues.longValue(node.get(key), path(key), min, max) : otherwise;
  }

  public int intValue(String key, int min, int max, int otherwise) {
    return (int) longValue(key, min, max, otherwise);
  }

  public boolean bool(String key, boolean otherwise) {
    return has(key) ? ConfigValues.bool(node.get(key), path(key)) : otherwise;
  }

  /** A non-empty string (trimmed), or {@code otherwise} when the key is absent. */
  public String string(String key, String otherwise) {
    return has(key) ? ConfigValues.string(node, key, path(key)) : otherwise;
  }

  /** A list of strings (a single string counts as a list of one); empty when absent. */
  public List<String> stringList(String key) {
    return ConfigValues.stringList(node.path(key), path(key));
  }

  /** A nested mapping; an absent key gives an empty one. */
  public ConfigNode child(String key) {
    JsonNode child = node.path(key);
    if (!child.isMissingNode() && !child.isNull() && !child.isObject()) {
      throw fail(key, "must be a mapping, got " + ConfigValues.describe(child));
    }
    return new ConfigNode(child, path(key));
  }

  /** The keys of this mapping, in file order; none when it is absent. */
  public java.util.List<String> keys() {
    java.util.List<String> keys = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  /** Fails on the first key not in {@code known}, listing the known ones. */
  public void checkKeys(Set<String> known) {
    ConfigValues.checkKeys(node, path, known);
  }

  /** The exception for a bad value of {@code key}: {@code <path>.<key>: <problem>}. */
  public ConfigException fail(String key, String problem) {
    return new ConfigException(path(key) + ": " + problem);
  }
}
