package io.recllm.gateway.spring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.GatewayConfig;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * The gateway's configuration from a Spring {@code Environment}: everything under {@code rec-llm-gateway.}
 * is the gateway's YAML, with the same keys ({@code default_provider}, {@code providers.mock.type}, ...),
 * so {@code application.yaml} can hold what a {@code gateway.yaml} would. The tree is rebuilt from Spring's
 * flattened property names and handed to {@link ConfigLoader}, which checks it as it checks a file.
 *
 * <p>Two keys are the starter's own and are not passed on: {@code path} and {@code enabled}. Unlike the
 * standalone gateway, the gateway in an application listens on 127.0.0.1 and a free port unless
 * {@code host} or {@code port} say otherwise: the application's own server is the way in.
 */
final class EnvironmentConfig {

  static final String PREFIX = "rec-llm-gateway";
  private static final Set<String> STARTER_KEYS = Set.of("path", "enabled");
  private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");
  private static final Pattern DECIMAL = Pattern.compile("-?\\d+\\.\\d+");

  private EnvironmentConfig() {
  }

  static GatewayConfig load(ConfigurableEnvironment environment, Map<String, String> env) {
    ObjectNode tree = tree(environment);
    GatewayConfig config = ConfigLoader.load(tree.isEmpty() ? null : yaml(tree), env);
    if (!tree.has("host")) config = config.withHost("127.0.0.1");
    if (!tree.has("port")) config = config.withPort(0);
    return config;
  }

  /** The properties under the prefix as a tree; of two sources naming one key, the first (Spring's order) wins. */
  static ObjectNode tree(ConfigurableEnvironment environment) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (PropertySource<?> source : environment.getPropertySources()) {
      if (!(source instanceof EnumerablePropertySource<?> enumerable)) continue;
      for (String name : enumerable.getPropertyNames()) {
        if (!name.startsWith(PREFIX + ".") || values.containsKey(name)) continue;
        Object value = source.getProperty(name);
        if (value instanceof OriginTrackedValue tracked) value = tracked.getValue();
        values.put(name, value);
      }
    }
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    values.forEach((name, value) -> {
      List<Object> path = path(name.substring(PREFIX.length() + 1));
      if (path.isEmpty() || path.size() == 1 && STARTER_KEYS.contains(path.get(0))) return;
      put(root, path, scalar(value, environment));
    });
    return root;
  }

  /**
   * {@code providers.mock.models[0]} as ["providers", "mock", "models", 0]; {@code pricing.[gpt-4.1].input}
   * (Spring's brackets around a key with dots) as ["pricing", "gpt-4.1", "input"].
   */
  static List<Object> path(String name) {
    List<Object> parts = new ArrayList<>();
    StringBuilder key = new StringBuilder();
    int i = 0;
    while (i < name.length()) {
      char c = name.charAt(i);
      if (c == '.') {
        if (!key.isEmpty()) parts.add(key.toString());
        key.setLength(0);
        i++;
      } else if (c == '[') {
        int end = name.indexOf(']', i);
        if (end < 0) end = name.length();
        String inside = name.substring(i + 1, end);
        if (!key.isEmpty()) parts.add(key.toString());
        key.setLength(0);
        parts.add(inside.chars().allMatch(Character::isDigit) && !inside.isEmpty() ? (Object) Integer.parseInt(inside) : inside);
        i = end + 1;
      } else {
        key.append(c);
        i++;
      }
    }
    if (!key.isEmpty()) parts.add(key.toString());
    return parts;
  }

  private static void put(ObjectNode root, List<Object> path, JsonNode value) {
    JsonNode node = root;
    for (int i = 0; i < path.size(); i++) {
      Object part = path.get(i);
      boolean last = i == path.size() - 1;
      Object next = last ? null : path.get(i + 1);
      if (node instanceof ObjectNode object) {
        String key = String.valueOf(part);
        if (last) {
          object.set(key, value);
        } else {
          JsonNode child = object.get(key);
          if (child == null || !child.isContainerNode()) {
            child = next instanceof Integer ? object.putArray(key) : object.putObject(key);
          }
          node = child;
        }
      } else if (node instanceof ArrayNode array && part instanceof Integer index) {
        while (array.size() <= index) array.addNull();
        if (last) {
          array.set(index, value);
        } else {
          JsonNode child = array.get(index);
          if (!child.isContainerNode()) {
            child = next instanceof Integer ? JsonNodeFactory.instance.arrayNode() : JsonNodeFactory.instance.objectNode();
            array.set(index, child);
          }
          node = child;
        }
      } else {
        return; // a list index under a map key or the reverse: the loader reports the key's kind
      }
    }
  }

  /**
   * YAML files give typed values; .properties files, the command line and environment variables give
   * text, which is typed here the way YAML would type it so that {@code port=4001} is a number.
   * Spring's placeholders are resolved; those it cannot resolve stay for the gateway's own {@code ${VAR}}.
   */
  private static JsonNode scalar(Object value, ConfigurableEnvironment environment) {
    JsonNodeFactory f = JsonNodeFactory.withExactBigDecimals(true);
    if (value == null) return f.nullNode();
    if (value instanceof Boolean b) return f.booleanNode(b);
    if (value instanceof Integer || value instanceof Long) return f.numberNode(((Number) value).longValue());
    if (value instanceof Number n) return f.numberNode(new BigDecimal(n.toString()));
    String text = environment.resolvePlaceholders(value.toString());
    if (text.equals("true") || text.equals("false")) return f.booleanNode(Boolean.parseBoolean(text));
    if (INTEGER.matcher(text).matches()) return f.numberNode(Long.parseLong(text));
    if (DECIMAL.matcher(text).matches()) return f.numberNode(new BigDecimal(text));
    return f.textNode(text);
  }

  private static String yaml(ObjectNode tree) {
    try {
      return new YAMLMapper().writeValueAsString(tree);
    } catch (Exception e) {
      throw new IllegalStateException("could not write the gateway's configuration as YAML", e);
    }
  }
}
