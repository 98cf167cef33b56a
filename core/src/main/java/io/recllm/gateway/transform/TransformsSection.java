package io.recllm.gateway.transform;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.config.ConfigException;
import io.recllm.gateway.config.ConfigNode;
import io.recllm.gateway.config.ConfigSection;
import io.recllm.gateway.config.ConfigValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code transforms} section, a list of rules:
 * <pre>
 * transforms:
 *   - match: { model: "openai:*" }          # also provider, route, key
 *     set: { temperature: 0 }
 *     default: { max_tokens: 512 }
 *     remove: [logit_bias]
 *     add_system: "Answer in English."
 *     headers: { OpenAI-Organization: org-123 }   # sent upstream with the call, over the provider's headers
 * </pre>
 * A rule's {@code headers} may not set what the gateway itself sends (the key, the content type, the
 * length): a key belongs in the provider's config, where it is kept out of logs and errors.
 */
public final class TransformsSection implements ConfigSection<List<TransformRule>> {

  public static final TransformsSection SECTION = new TransformsSection();

  @Override
  public Set<String> topKeys() {
    return Set.of("transforms");
  }

  @Override
  public List<TransformRule> read(ConfigNode root, Set<String> providers) {
    JsonNode list = root.node().path("transforms");
    if (ConfigValues.absent(list)) return null;
    if (!list.isArray()) throw root.fail("transforms", "must be a list of rules, got " + ConfigValues.describe(list));
    List<TransformRule> rules = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) rules.add(rule(list.get(i), "transforms[" + i + "]", providers));
    return List.copyOf(rules);
  }

  private static TransformRule rule(JsonNode r, String path, Set<String> providers) {
    if (!r.isObject()) throw new ConfigException(path + ": must be a mapping, got " + ConfigValues.describe(r));
    ConfigValues.checkKeys(r, path, Set.of("match", "set", "default", "remove", "add_system", "headers"));
    JsonNode m = r.path("match");
    String mp = path + ".match";
    if (!ConfigValues.absent(m)) {
      if (!m.isObject()) throw new ConfigException(mp + ": must be a mapping, got " + ConfigValues.describe(m));
      ConfigValues.checkKeys(m, mp, Set.of("model", "provider", "route", "key"));
    }
    String provider = optional(m, "provider", mp);
    if (provider != null && !providers.contains(provider)) {
      throw new ConfigException(mp + ".provider: no provider named \"" + provider + "\" (configured: "
          + String.join(", ", providers) + ")");
    }
    String model = optional(m, "model", mp);
    String system = optional(r, "add_system", path);
    return new TransformRule(model == null ? null : TransformRule.glob(model), provider, optional(m, "route", mp),
        optional(m, "key", mp), members(r.path("set"), path + ".set"), members(r.path("default"), path + ".default"),
        ConfigValues.stringList(r.path("remove"), path + ".remove"), system, headers(r.path("headers"), path + ".headers"));
  }

  /** What a rule may not set: the gateway's own framing and the provider key (scrubbed only where configured). */
  private static final Set<String> RESERVED_HEADERS = Set.of("authorization", "x-api-key", "api-key", "x-goog-api-key",
      "host", "content-length", "content-type", "transfer-encoding", "connection", "accept");

  private static Map<String, String> headers(JsonNode n, String path) {
    if (ConfigValues.absent(n)) return Map.of();
    if (!n.isObject()) throw new ConfigException(path + ": must be a mapping of header name to value, got " + ConfigValues.describe(n));
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      String name = e.getKey();
      if (!name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) throw new ConfigException(path + ": \"" + name + "\" is not a header name");
      if (RESERVED_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        throw new ConfigException(path + "." + name + ": the gateway sets " + name + " itself (a provider key goes in providers.<name>)");
      }
      JsonNode v = e.getValue();
      if (!v.isValueNode() || v.isNull()) throw new ConfigException(path + "." + name + ": must be text, got " + ConfigValues.describe(v));
      String value = v.asText();
      if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) throw new ConfigException(path + "." + name + ": must be one line");
      out.put(name, value);
    }
    return out;
  }

  private static String optional(JsonNode n, String key, String path) {
    return ConfigValues.absent(n.path(key)) ? null : ConfigValues.string(n, key, path + "." + key);
  }

  private static Map<String, JsonNode> members(JsonNode n, String path) {
    if (ConfigValues.absent(n)) return Map.of();
    if (!n.isObject()) throw new ConfigException(path + ": must be a mapping, got " + ConfigValues.describe(n));
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      if (e.getKey().equals("model") || e.getKey().equals("messages") || e.getKey().equals("stream")) {
        throw new ConfigException(path + "." + e.getKey() + ": the gateway sets " + e.getKey() + " itself");
      }
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  @Override
  public List<TransformRule> defaults() {
    return List.of();
  }
}
