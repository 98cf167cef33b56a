package io.recllm.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code providers}: the keys every provider has, read here into {@link ProviderConfig}, plus the keys
 * of its type, read by the type itself ({@link ProviderSettingsType#readSettings}).
 */
final class ProvidersReader {

  /** Keys every provider has; its type adds its own ({@link ProviderSettingsType#settingsKeys()}). */
  static final Set<String> PROVIDER_KEYS = Set.of("type", "base_url", "api_key", "api_keys", "requires_key", "headers",
      "models", "timeouts", "tls", "http2", "max_connections");

  /**
   * Upstream connections per provider. HTTP/1.1 needs one per concurrent call, and a long stream holds
   * its connection for minutes, so a small pool would silently queue calls behind each other.
   */
  static final int DEFAULT_MAX_CONNECTIONS = 10_000;

  private final Timeouts globalTimeouts;
  private final Map<String, String> keyEnvNames;
  private final Set<String> sectionKeys;

  /**
   * @param keyEnvNames per provider, the variable its {@code api_key} named before substitution
   * @param sectionKeys provider keys that other sections read ({@link ConfigSection#providerKeys()})
   */
  ProvidersReader(Timeouts globalTimeouts, Map<String, String> keyEnvNames, Set<String> sectionKeys) {
    this.globalTimeouts = globalTimeouts;
    this.keyEnvNames = keyEnvNames;
    this.sectionKeys = sectionKeys;
  }

  Map<String, ProviderConfig> read(JsonNode ps) {
    if (!ps.isObject()) throw new ConfigException("providers: must be a mapping of provider name to settings");
    Map<String, ProviderConfig> providers = new LinkedHashMap<>();
    ps.fields().forEachRemaining(e -> providers.put(e.getKey(), provider(e.getKey(), e.getValue(), "providers." + e.getKey())));
    return Collections.unmodifiableMap(providers);
  }

  private ProviderConfig provider(String name, JsonNode p, String path) {
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
    keys.addAll(sectionKeys);
    ConfigValues.checkKeys(p, path, keys);
    String baseUrl = p.path("base_url").asText(null);
    if (baseUrl == null && providerType.callsUpstream()) baseUrl = providerType.defaultBaseUrl(new ConfigNode(p, path));
    if (providerType.callsUpstream()) {
      if (baseUrl == null || baseUrl.isBlank()) throw new ConfigException(path + ".base_url: missing");
      ConfigValues.httpUrl(baseUrl, path + ".base_url");
      while (baseUrl.endsWith("/")) baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
    }
    List<String> apiKeys = apiKeys(p, path);
    boolean hasKeyField = p.has("api_key") && !p.get("api_key").isNull() || !apiKeys.isEmpty();
    String apiKey = !apiKeys.isEmpty() ? apiKeys.get(0)
        : p.has("api_key") && !p.get("api_key").isNull() ? p.get("api_key").asText("").trim() : null;
    boolean requiresKey = p.has("requires_key") ? ConfigValues.bool(p.get("requires_key"), path + ".requires_key")
        : hasKeyField && providerType.callsUpstream();
    String keyEnv = keyEnvNames.get(name);
    return new ProviderConfig(name, type, baseUrl, apiKey,
        keyEnv != null ? keyEnv : name.toUpperCase().replace('-', '_') + "_API_KEY",
        requiresKey,
        Map.copyOf(ConfigValues.stringMap(p.path("headers"), path + ".headers", "header name to value")),
        ConfigValues.stringList(p.path("models"), path + ".models"),
        TimeoutsReader.read(p.path("timeouts"), path + ".timeouts", globalTimeouts),
        tls(p.path("tls"), path + ".tls"),
        p.has("http2") && ConfigValues.bool(p.get("http2"), path + ".http2"),
        p.has("max_connections")
            ? (int) ConfigValues.longValue(p.get("max_connections"), path + ".max_connections", 1, 1_000_000)
            : DEFAULT_MAX_CONNECTIONS,
        providerType.readSettings(new ConfigNode(p, path)),
        apiKeys);
  }

  /**
   * {@code api_keys}: several keys the provider's calls rotate over; a key left empty (an unset
   * variable) is dropped, so that one list serves environments with fewer keys. It wins over
   * {@code api_key}, which the built-in providers have by default.
   */
  private static List<String> apiKeys(JsonNode p, String path) {
    JsonNode keys = p.path("api_keys");
    if (ConfigValues.absent(keys)) return List.of();
    List<String> out = new ArrayList<>();
    for (String k : ConfigValues.stringList(keys, path + ".api_keys")) {
      if (!k.isBlank() && !out.contains(k.trim())) out.add(k.trim());
    }
    return out;
  }

  private static ProviderConfig.Tls tls(JsonNode tls, String path) {
    if (ConfigValues.absent(tls)) return ProviderConfig.Tls.DEFAULT;
    ConfigValues.checkKeys(tls, path, Set.of("trust_store", "trust_store_password"));
    String store = tls.path("trust_store").asText(null);
    if (store != null && !readable(store)) throw new ConfigException(path + ".trust_store: cannot read \"" + store + "\"");
    return new ProviderConfig.Tls(store, tls.path("trust_store_password").asText(null));
  }

  /** False for a path that names no file, also one the file system cannot express (a NUL in it). */
  private static boolean readable(String file) {
    try {
      return Files.isReadable(Path.of(file));
    } catch (InvalidPathException e) {
      return false;
    }
  }
}
