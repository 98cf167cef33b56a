package io.recllm.gateway.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.recllm.gateway.pricing.ModelPrice;
import io.recllm.gateway.pricing.Pricing;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
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
  /** Keys every provider has; its type adds its own ({@link ProviderSettingsType#settingsKeys()}). */
  private static final Set<String> PROVIDER_KEYS = Set.of("type", "base_url", "api_key", "requires_key", "headers",
      "models", "timeouts", "tls", "http2", "max_connections");

  private static final String DEFAULTS = """
      host: 127.0.0.1
      port: 4000
      default_provider: openai
      include_extensions: true
      api_key: ${REC_LLM_GATEWAY_KEY:-}
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

  /**
   * Upstream connections per provider. HTTP/1.1 needs one per concurrent call, and a long stream holds
   * its connection for minutes, so a small pool would silently queue calls behind each other.
   */
  static final int DEFAULT_MAX_CONNECTIONS = 10_000;

  private final Map<String, String> env;

  private ConfigLoader(Map<String, String> env) {
    this.env = env;
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
    return new ConfigLoader(env).build(yaml);
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
          if (!file.isObject()) throw new ConfigException("the top level must be a mapping of keys, got " + kind(file));
          checkKeys(file, "", TOP_KEYS);
          merge(tree, (ObjectNode) file);
        }
      }
    } catch (IOException e) {
      throw new ConfigException("not valid YAML: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
    applySeedKeyShorthand(tree);
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

  private void applyEnvOverrides(ObjectNode tree) {
    override(tree, "REC_LLM_GATEWAY_HOST", "host");
    override(tree, "REC_LLM_GATEWAY_PORT", "port");
    override(tree, "REC_LLM_GATEWAY_DEFAULT_PROVIDER", "default_provider");
    override(tree, "REC_LLM_GATEWAY_KEY", "api_key");
    String store = env.get("REC_LLM_GATEWAY_USAGE_STORE");
    if (store != null && !store.isEmpty()) {
      if (!(tree.get("usage") instanceof ObjectNode usage)) {
        throw new ConfigException("usage: must be a mapping, got " + describe(tree.get("usage")));
      }
      usage.put("store", store);
    }
  }

  private void override(ObjectNode tree, String var, String key) {
    String value = env.get(var);
    if (value != null && !value.isEmpty()) tree.put(key, value);
  }

  private GatewayConfig toConfig(ObjectNode t, Map<String, String> keyEnvNames) {
    Timeouts timeouts = timeouts(t.path("timeouts"), "timeouts", Timeouts.DEFAULT);
    Map<String, ProviderConfig> providers = new LinkedHashMap<>();
    JsonNode ps = t.path("providers");
    if (!ps.isObject()) throw new ConfigException("providers: must be a mapping of provider name to settings");
    ps.fields().forEachRemaining(e -> providers.put(e.getKey(),
        provider(e.getKey(), e.getValue(), "providers." + e.getKey(), timeouts, keyEnvNames.get(e.getKey()))));
    String defaultProvider = string(t, "default_provider", "default_provider");
    if (!providers.containsKey(defaultProvider)) {
      throw new ConfigException("default_provider: \"" + defaultProvider + "\" is not a configured provider (configured: "
          + String.join(", ", providers.keySet()) + ")");
    }
    checkKeys(t.path("cors"), "cors", Set.of("allowed_origins"));
    JsonNode limits = t.path("limits");
    checkKeys(limits, "limits", Set.of("max_body_bytes", "header_timeout_ms", "body_timeout_ms", "idle_connection_ms",
        "max_connections"));
    long maxBody = longValue(limits.path("max_body_bytes"), "limits.max_body_bytes", 1, Integer.MAX_VALUE);
    ConnectionLimits connectionLimits = new ConnectionLimits(
        longValue(limits.path("header_timeout_ms"), "limits.header_timeout_ms", 0, 86_400_000),
        longValue(limits.path("body_timeout_ms"), "limits.body_timeout_ms", 0, 86_400_000),
        longValue(limits.path("idle_connection_ms"), "limits.idle_connection_ms", 0, 86_400_000),
        (int) longValue(limits.path("max_connections"), "limits.max_connections", 0, 10_000_000));
    checkKeys(t.path("shutdown"), "shutdown", Set.of("grace_ms"));
    long graceMs = longValue(t.path("shutdown").path("grace_ms"), "shutdown.grace_ms", 0, 3_600_000);
    int eventLoops = t.has("event_loops") && !t.get("event_loops").isNull()
        ? (int) longValue(t.get("event_loops"), "event_loops", 1, 1024) : 0;
    return new GatewayConfig(
        string(t, "host", "host"),
        (int) longValue(t.path("port"), "port", 0, 65535),
        defaultProvider,
        bool(t.path("include_extensions"), "include_extensions"),
        t.path("api_key").isNull() ? "" : t.path("api_key").asText(""),
        java.util.Collections.unmodifiableMap(providers),
        timeouts,
        pricing(t.path("pricing")),
        usage(t.path("usage")),
        stringList(t.path("cors").path("allowed_origins"), "cors.allowed_origins"),
        maxBody,
        eventLoops,
        telemetry(t.path("telemetry")),
        graceMs,
        connectionLimits);
  }

  private UsageSettings usage(JsonNode u) {
    checkKeys(u, "usage", Set.of("store", "retention_days", "log_content", "flush_interval_ms", "batch_size",
        "queue_capacity"));
    String store = string(u, "store", "usage.store");
    try {
      StoreLocation.parse(store);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("usage.store: " + e.getMessage());
    }
    return new UsageSettings(store,
        (int) longValue(u.path("retention_days"), "usage.retention_days", 0, 36_500),
        bool(u.path("log_content"), "usage.log_content"),
        longValue(u.path("flush_interval_ms"), "usage.flush_interval_ms", 10, 3_600_000),
        (int) longValue(u.path("batch_size"), "usage.batch_size", 1, 100_000),
        (int) longValue(u.path("queue_capacity"), "usage.queue_capacity", 1, 100_000_000));
  }

  private ProviderConfig provider(String name, JsonNode p, String path, Timeouts globalTimeouts, String keyEnv) {
    if (!p.isObject()) throw new ConfigException(path + ": must be a mapping (type, base_url, api_key, ...)");
    ProviderSettingsTypes types = ProviderSettingsTypes.installed();
    if (!p.hasNonNull("type")) {
      throw new ConfigException(path + ".type: missing (one of " + String.join(", ", types.names()) + ")");
    }
    String type = p.get("type").asText();
    ProviderSettingsType<?> providerType = types.find(type).orElseThrow(() -> new ConfigException(path + ".type: \"" + type
        + "\" is not a provider type (one of " + String.join(", ", types.names()) + ")"));
    Set<String> keys = new HashSet<>(PROVIDER_KEYS);
    keys.addAll(providerType.settingsKeys());
    checkKeys(p, path, keys);
    String baseUrl = p.path("base_url").asText(null);
    if (baseUrl == null && providerType.callsUpstream()) baseUrl = providerType.defaultBaseUrl(new ConfigNode(p, path));
    if (providerType.callsUpstream()) {
      if (baseUrl == null || baseUrl.isBlank()) throw new ConfigException(path + ".base_url: missing");
      try {
        URI uri = URI.create(baseUrl);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
          throw new IllegalArgumentException("scheme must be http or https with a host");
        }
      } catch (IllegalArgumentException e) {
        throw new ConfigException(path + ".base_url: \"" + baseUrl + "\" is not an http(s) URL (" + e.getMessage() + ")");
      }
      while (baseUrl.endsWith("/")) baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
    }
    boolean hasKeyField = p.has("api_key") && !p.get("api_key").isNull();
    String apiKey = hasKeyField ? p.get("api_key").asText("").trim() : null;
    boolean requiresKey = p.has("requires_key") ? bool(p.get("requires_key"), path + ".requires_key")
        : hasKeyField && providerType.callsUpstream();
    Map<String, String> headers = new LinkedHashMap<>();
    JsonNode h = p.path("headers");
    if (!h.isMissingNode() && !h.isNull()) {
      if (!h.isObject()) throw new ConfigException(path + ".headers: must be a mapping of header name to value");
      h.fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
    }
    JsonNode tls = p.path("tls");
    ProviderConfig.Tls tlsConfig = ProviderConfig.Tls.DEFAULT;
    if (!tls.isMissingNode() && !tls.isNull()) {
      checkKeys(tls, path + ".tls", Set.of("trust_store", "trust_store_password"));
      String store = tls.path("trust_store").asText(null);
      if (store != null && !readable(store)) {
        throw new ConfigException(path + ".tls.trust_store: cannot read \"" + store + "\"");
      }
      tlsConfig = new ProviderConfig.Tls(store, tls.path("trust_store_password").asText(null));
    }
    return new ProviderConfig(name, type, baseUrl, apiKey,
        keyEnv != null ? keyEnv : name.toUpperCase().replace('-', '_') + "_API_KEY",
        requiresKey,
        Map.copyOf(headers),
        stringList(p.path("models"), path + ".models"),
        timeouts(p.path("timeouts"), path + ".timeouts", globalTimeouts),
        tlsConfig,
        p.has("http2") && bool(p.get("http2"), path + ".http2"),
        p.has("max_connections") ? (int) longValue(p.get("max_connections"), path + ".max_connections", 1, 1_000_000) : DEFAULT_MAX_CONNECTIONS,
        providerType.readSettings(new ConfigNode(p, path)));
  }

  private Timeouts timeouts(JsonNode n, String path, Timeouts base) {
    if (n.isMissingNode() || n.isNull()) return base;
    checkKeys(n, path, Set.of("connect_ms", "first_byte_ms", "idle_ms", "total_ms"));
    return new Timeouts(
        n.has("connect_ms") ? longValue(n.get("connect_ms"), path + ".connect_ms", 0, Long.MAX_VALUE) : base.connectMs(),
        n.has("first_byte_ms") ? longValue(n.get("first_byte_ms"), path + ".first_byte_ms", 0, Long.MAX_VALUE) : base.firstByteMs(),
        n.has("idle_ms") ? longValue(n.get("idle_ms"), path + ".idle_ms", 0, Long.MAX_VALUE) : base.idleMs(),
        n.has("total_ms") ? longValue(n.get("total_ms"), path + ".total_ms", 0, Long.MAX_VALUE) : base.totalMs());
  }

  private Map<String, ModelPrice> pricing(JsonNode n) {
    if (n.isMissingNode() || n.isNull()) return Map.of();
    if (!n.isObject()) throw new ConfigException("pricing: must be a mapping of model name to {input, output}");
    Map<String, ModelPrice> out = new LinkedHashMap<>();
    n.fields().forEachRemaining(e -> {
      String path = "pricing." + e.getKey();
      JsonNode p = e.getValue();
      checkKeys(p, path, Set.of("input", "output", "cached_input", "cache_write", "max_output_tokens", "effective_date"));
      if (!p.has("input") || !p.has("output")) throw new ConfigException(path + ": needs both input and output (USD per 1M tokens)");
      out.put(e.getKey(), new ModelPrice(
          price(p.get("input"), path + ".input"),
          p.has("cached_input") ? price(p.get("cached_input"), path + ".cached_input") : null,
          p.has("cache_write") ? price(p.get("cache_write"), path + ".cache_write") : null,
          price(p.get("output"), path + ".output"),
          p.has("max_output_tokens") ? (int) longValue(p.get("max_output_tokens"), path + ".max_output_tokens", 1, Integer.MAX_VALUE) : null,
          p.path("effective_date").asText(null)));
    });
    return java.util.Collections.unmodifiableMap(out);
  }

  private TelemetrySettings telemetry(JsonNode n) {
    TelemetrySettings d = TelemetrySettings.DEFAULT;
    if (n.isMissingNode() || n.isNull()) return d;
    checkKeys(n, "telemetry", Set.of("metrics", "metrics_auth", "access_log", "otlp_endpoint", "otlp_headers",
        "service_name", "otlp_metrics_interval_ms"));
    TelemetrySettings.AccessLog accessLog = d.accessLog();
    JsonNode log = n.path("access_log");
    if (log.isBoolean()) { // YAML 1.1 reads a bare `off` as false
      accessLog = log.asBoolean() ? TelemetrySettings.AccessLog.TEXT : TelemetrySettings.AccessLog.OFF;
    } else if (!log.isMissingNode() && !log.isNull()) {
      accessLog = switch (log.asText().trim().toLowerCase()) {
        case "text" -> TelemetrySettings.AccessLog.TEXT;
        case "json" -> TelemetrySettings.AccessLog.JSON;
        case "off", "false", "none" -> TelemetrySettings.AccessLog.OFF;
        default -> throw new ConfigException("telemetry.access_log: must be text, json or off, got " + describe(log));
      };
    }
    String endpoint = n.path("otlp_endpoint").isNull() ? "" : n.path("otlp_endpoint").asText("").trim();
    if (!endpoint.isEmpty()) {
      try {
        URI uri = URI.create(endpoint);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
          throw new IllegalArgumentException("scheme must be http or https with a host");
        }
      } catch (IllegalArgumentException e) {
        throw new ConfigException("telemetry.otlp_endpoint: \"" + endpoint + "\" is not an http(s) URL (" + e.getMessage() + ")");
      }
    }
    Map<String, String> headers = new LinkedHashMap<>();
    JsonNode h = n.path("otlp_headers");
    if (!h.isMissingNode() && !h.isNull()) {
      if (!h.isObject()) throw new ConfigException("telemetry.otlp_headers: must be a mapping of header name to value");
      h.fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
    }
    return new TelemetrySettings(
        n.has("metrics") ? bool(n.get("metrics"), "telemetry.metrics") : d.metrics(),
        n.has("metrics_auth") ? bool(n.get("metrics_auth"), "telemetry.metrics_auth") : d.metricsAuth(),
        accessLog,
        endpoint.isEmpty() ? null : endpoint,
        Map.copyOf(headers),
        n.has("service_name") ? string(n, "service_name", "telemetry.service_name") : d.serviceName(),
        n.has("otlp_metrics_interval_ms")
            ? longValue(n.get("otlp_metrics_interval_ms"), "telemetry.otlp_metrics_interval_ms", 100, 86_400_000)
            : d.otlpMetricsIntervalMs());
  }

  /**
   * A price as the exact decimal written: the YAML is read with decimals for floats, so {@code 0.15} is
   * 0.15 rather than the double nearest to it (and {@code .nan} or {@code .inf} fail to parse).
   */
  private static BigDecimal price(JsonNode n, String path) {
    BigDecimal v;
    if (n.isNumber()) {
      if (!n.isBigDecimal() && !n.isIntegralNumber()) { // floats are read as decimals: this is no amount
        throw new ConfigException(path + ": must be zero or more, got " + n.asText());
      }
      v = n.decimalValue();
    } else {
      try {
        v = new BigDecimal(n.asText().trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(path + ": must be a number (USD per 1M tokens), got \"" + n.asText() + "\"");
      }
    }
    if (v.signum() < 0) throw new ConfigException(path + ": must be zero or more, got " + n.asText());
    String unusable = Pricing.unusableRate(v);
    if (unusable != null) throw new ConfigException(path + ": " + unusable + ", got " + n.asText());
    return v;
  }

  static long longValue(JsonNode n, String path, long min, long max) {
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

  /** False for a path that names no file, also one the file system cannot express (a NUL in it). */
  private static boolean readable(String file) {
    try {
      return Files.isReadable(Path.of(file));
    } catch (InvalidPathException e) {
      return false;
    }
  }

  static boolean bool(JsonNode n, String path) {
    if (n.isBoolean()) return n.asBoolean();
    if (n.isTextual()) {
      String s = n.asText().trim().toLowerCase();
      if (s.equals("true")) return true;
      if (s.equals("false")) return false;
    }
    throw new ConfigException(path + ": must be true or false, got " + describe(n));
  }

  static String string(JsonNode parent, String key, String path) {
    JsonNode n = parent.path(key);
    if (!n.isValueNode() || n.isNull() || n.asText().isBlank()) {
      throw new ConfigException(path + ": must be a non-empty string, got " + describe(n));
    }
    return n.asText().trim();
  }

  static List<String> stringList(JsonNode n, String path) {
    if (n.isMissingNode() || n.isNull()) return List.of();
    if (n.isTextual()) return List.of(n.asText());
    if (!n.isArray()) throw new ConfigException(path + ": must be a list of strings, got " + describe(n));
    List<String> out = new ArrayList<>();
    for (JsonNode item : n) {
      if (!item.isValueNode() || item.isNull()) throw new ConfigException(path + ": must be a list of strings, got " + describe(item) + " in it");
      out.add(item.asText());
    }
    return List.copyOf(out);
  }

  static void checkKeys(JsonNode n, String path, Set<String> known) {
    if (n.isMissingNode() || n.isNull()) return;
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

  private static String kind(JsonNode n) {
    return n.isArray() ? "a list" : n.isObject() ? "a mapping" : "a " + n.getNodeType().name().toLowerCase();
  }

  static String describe(JsonNode n) {
    if (n == null || n.isMissingNode()) return "nothing";
    if (n.isNull()) return "null";
    if (n.isContainerNode()) return kind(n);
    return "\"" + n.asText() + "\"";
  }
}
