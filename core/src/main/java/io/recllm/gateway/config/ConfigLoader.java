package io.recllm.gateway.config;

import static io.recllm.gateway.config.ConfigValues.bool;
import static io.recllm.gateway.config.ConfigValues.checkKeys;
import static io.recllm.gateway.config.ConfigValues.longValue;
import static io.recllm.gateway.config.ConfigValues.string;
import static io.recllm.gateway.config.ConfigValues.stringList;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the YAML config: built-in defaults, then the file, then {@code ${ENV}} / {@code ${ENV:-default}}
 * substitution in string values, then {@code REC_LLM_GATEWAY_*} environment overrides. Every problem is
 * reported with the key path (for example {@code providers.ollama.base_url}) instead of a stack trace.
 */
public final class ConfigLoader {

  /** Environment variable naming the config file when {@code --config} is not given. */
  public static final String CONFIG_ENV = "REC_LLM_GATEWAY_CONFIG";

  private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
  private static final Pattern WHOLE_ENV_REF = Pattern.compile("\\s*\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?}\\s*");
  private static final Set<String> TOP_KEYS = Set.of("host", "port", "default_provider", "include_extensions",
      "api_key", "api_keys", "providers", "timeouts", "pricing", "usage", "cors", "limits", "event_loops", "telemetry",
      "shutdown");

  private static final String DEFAULTS = """
      host: 127.0.0.1
      port: 4000
      default_provider: openai
      include_extensions: true
      api_key: ${REC_LLM_GATEWAY_KEY:-}
      admin_key: ${REC_LLM_GATEWAY_ADMIN_KEY:-}
      providers:
        openai:    { type: openai,    base_url: "https://api.openai.com/v1", api_key: "${OPENAI_API_KEY}" }
        anthropic: { type: anthropic, base_url: "https://api.anthropic.com", api_key: "${ANTHROPIC_API_KEY}" }
        mock:      { type: mock, models: [echo] }
      timeouts: { connect_ms: 5000, first_byte_ms: 60000, idle_ms: 60000, total_ms: 600000 }
      usage: { store: "sqlite:./data/usage.db", retention_days: 30, log_content: false, flush_interval_ms: 1000,
               batch_size: 500, queue_capacity: 100000 }
      cors: { allowed_origins: ["*"] }
      limits: { max_body_bytes: 16777216, header_timeout_ms: 10000, body_timeout_ms: 30000, idle_connection_ms: 60000,
                max_connections: 16384 }
      shutdown: { grace_ms: 30000 }
      """;

  private final Map<String, String> env;
  private final List<ConfigSection<?>> sections;

  /** The loader's own top-level keys and those its {@link ConfigSection}s claim. */
  private Set<String> topKeys() {
    Set<String> keys = new HashSet<>(TOP_KEYS);
    sections.forEach(s -> keys.addAll(s.topKeys()));
    return keys;
  }

  private ConfigLoader(Map<String, String> env, List<ConfigSection<?>> sections) {
    this.env = env;
    this.sections = sections;
  }

  /** Defaults plus environment, no file. */
  public static GatewayConfig fromEnvironment(Map<String, String> env) {
    return load((String) null, env);
  }

  public static GatewayConfig load(Path file, Map<String, String> env) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("Cannot read config file " + file + ": " + e.getMessage(), e);
    }
    try {
      return load(text, env);
    } catch (ConfigException e) {
      throw new ConfigException(file + ": " + e.getMessage(), e);
    }
  }

  /** Loads YAML text (null = no file). */
  public static GatewayConfig load(String yaml, Map<String, String> env) {
    return load(yaml, env, ConfigSections.installed());
  }

  /** With these sections instead of the installed ones (tests). */
  static GatewayConfig load(String yaml, Map<String, String> env, List<ConfigSection<?>> sections) {
    return new ConfigLoader(env, sections).build(yaml);
  }

  private GatewayConfig build(String yaml) {
    YAMLMapper mapper = new YAMLMapper();
    mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS); // prices: exact decimals, see price()
    mapper.setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
    ObjectNode tree;
    try {
      tree = (ObjectNode) mapper.readTree(DEFAULTS);
      if (yaml != null && !yaml.isBlank()) {
        JsonNode file = mapper.readTree(yaml);
        if (file != null && !file.isNull() && !file.isMissingNode()) {
          if (!file.isObject()) throw new ConfigException("the top level must be a mapping of keys, got " + ConfigValues.kind(file));
          checkKeys(file, "", topKeys());
          merge(tree, (ObjectNode) file);
        }
      }
    } catch (IOException e) {
      throw new ConfigException("not valid YAML: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
    applySeedKeyShorthand(tree);
    applyPresetDefaults(tree);
    Map<String, String> keyEnvNames = new LinkedHashMap<>();
    tree.path("providers").fields().forEachRemaining(p -> {
      Matcher m = WHOLE_ENV_REF.matcher(p.getValue().path("api_key").asText(""));
      if (m.matches()) keyEnvNames.put(p.getKey(), m.group(1));
    });
    substitute(tree);
    applyEnvOverrides(tree);
    return toConfig(tree, keyEnvNames);
  }

  private void applySeedKeyShorthand(ObjectNode tree) {
    JsonNode keys = tree.remove("api_keys");
    if (keys == null || keys.isNull()) return;
    if (!keys.isObject()) throw new ConfigException("api_keys: must be a mapping of provider name to key");
    if (!(tree.get("providers") instanceof ObjectNode providers)) {
      throw new ConfigException("providers: must be a mapping of provider name to settings");
    }
    keys.fields().forEachRemaining(e -> {
      JsonNode p = providers.get(e.getKey());
      if (p == null) throw new ConfigException("api_keys." + e.getKey() + ": no provider named \"" + e.getKey() + "\"");
      if (!(p instanceof ObjectNode provider)) {
        throw new ConfigException("providers." + e.getKey() + ": must be a mapping (type, base_url, api_key, ...)");
      }
      provider.set("api_key", e.getValue());
    });
  }

  /** A preset's base URL and key variable for a provider that does not give its own (before ${ENV} substitution). */
  private static void applyPresetDefaults(ObjectNode tree) {
    tree.path("providers").fields().forEachRemaining(e -> {
      if (!(e.getValue() instanceof ObjectNode p)) return;
      ProviderSettingsTypes.installed().find(p.path("type").asText("")).ifPresent(type -> {
        if (type.defaultBaseUrl() != null && !p.hasNonNull("base_url")) p.put("base_url", type.defaultBaseUrl());
        if (type.defaultApiKeyEnv() != null && !p.has("api_key")) p.put("api_key", "${" + type.defaultApiKeyEnv() + "}");
      });
    });
  }

  private void applyEnvOverrides(ObjectNode tree) {
    override(tree, "REC_LLM_GATEWAY_HOST", "host");
    override(tree, "REC_LLM_GATEWAY_PORT", "port");
    override(tree, "REC_LLM_GATEWAY_DEFAULT_PROVIDER", "default_provider");
    override(tree, "REC_LLM_GATEWAY_KEY", "api_key");
    String store = env.get("REC_LLM_GATEWAY_USAGE_STORE");
    if (store != null && !store.isEmpty()) {
      if (!(tree.get("usage") instanceof ObjectNode usage)) {
        throw new ConfigException("usage: must be a mapping, got " + ConfigValues.describe(tree.get("usage")));
      }
      usage.put("store", store);
    }
  }

  private void override(ObjectNode tree, String var, String key) {
    String value = env.get(var);
    if (value != null && !value.isEmpty()) tree.put(key, value);
  }

  private GatewayConfig toConfig(ObjectNode t, Map<String, String> keyEnvNames) {
    Timeouts timeouts = TimeoutsReader.read(t.path("timeouts"), "timeouts", Timeouts.DEFAULT);
    Set<String> sectionProviderKeys = new HashSet<>();
    sections.forEach(s -> sectionProviderKeys.addAll(s.providerKeys()));
    Map<String, ProviderConfig> providers =
        new ProvidersReader(timeouts, keyEnvNames, sectionProviderKeys).read(t.path("providers"));
    String defaultProvider = string(t, "default_provider", "default_provider");
    if (!providers.containsKey(defaultProvider)) {
      throw new ConfigException("default_provider: \"" + defaultProvider + "\" is not a configured provider (configured: "
          + String.join(", ", providers.keySet()) + ")");
    }
    checkKeys(t.path("cors"), "cors", Set.of("allowed_origins"));
    JsonNode limits = t.path("limits");
    Set<String> sectionLimitsKeys = new HashSet<>();
    sections.forEach(s -> sectionLimitsKeys.addAll(s.limitsKeys()));
    LimitsReader.checkKeys(limits, sectionLimitsKeys);
    checkKeys(t.path("shutdown"), "shutdown", Set.of("grace_ms"));
    long graceMs = longValue(t.path("shutdown").path("grace_ms"), "shutdown.grace_ms", 0, 3_600_000);
    int eventLoops = t.has("event_loops") && !t.get("event_loops").isNull()
        ? (int) longValue(t.get("event_loops"), "event_loops", 1, 1024) : 0;
    Map<Class<?>, Object> read = new LinkedHashMap<>();
    ConfigNode root = new ConfigNode(t, "");
    for (ConfigSection<?> section : sections) {
      Object settings = section.read(root, providers.keySet());
      if (settings != null) read.put(section.getClass(), settings);
    }
    return new GatewayConfig(
        string(t, "host", "host"),
        (int) longValue(t.path("port"), "port", 0, 65535),
        defaultProvider,
        bool(t.path("include_extensions"), "include_extensions"),
        t.path("api_key").isNull() ? "" : t.path("api_key").asText(""),
        providers,
        timeouts,
        PricingReader.read(t.path("pricing")),
        UsageReader.read(t.path("usage")),
        stringList(t.path("cors").path("allowed_origins"), "cors.allowed_origins"),
        LimitsReader.maxBodyBytes(limits),
        eventLoops,
        TelemetryReader.read(t.path("telemetry")),
        graceMs,
        LimitsReader.connectionLimits(limits),
        read);
  }

  private static void merge(ObjectNode into, ObjectNode from) {
    from.fields().forEachRemaining(e -> {
      JsonNode existing = into.get(e.getKey());
      if (existing instanceof ObjectNode target && e.getValue() instanceof ObjectNode source && !e.getKey().equals("pricing")) {
        merge(target, source);
      } else {
        into.set(e.getKey(), e.getValue());
      }
    });
  }

  private void substitute(JsonNode node) {
    if (node instanceof ObjectNode obj) {
      obj.fields().forEachRemaining(e -> {
        if (e.getValue().isTextual()) e.setValue(new TextNode(expand(e.getValue().asText())));
        else substitute(e.getValue());
      });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        JsonNode item = node.get(i);
        if (item.isTextual()) ((com.fasterxml.jackson.databind.node.ArrayNode) node).set(i, new TextNode(expand(item.asText())));
        else substitute(item);
      }
    }
  }

  private String expand(String s) {
    if (s.indexOf("${") < 0) return s;
    Matcher m = ENV_REF.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.get(m.group(1));
      if (value == null || value.isEmpty()) value = m.group(2) != null ? m.group(2) : "";
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
