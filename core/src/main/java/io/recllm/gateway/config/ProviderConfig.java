package io.recllm.gateway.config;

import java.util.List;
import java.util.Map;

/**
 * One configured provider. {@code apiKey} is already resolved from its {@code ${ENV}} reference;
 * {@code apiKeyEnv} names the variable a user should set when it is missing. A provider with
 * {@code requiresKey=false} (a local Ollama, vLLM, the mock) is called without a key.
 *
 * <p>{@code type} names a registered {@code io.recllm.gateway.provider.ProviderType}; {@code settings}
 * is what that type read from its own keys (null for a type without any), so this record holds only
 * what every provider has.
 */
public record ProviderConfig(
    String name,
    String type,
    String baseUrl,
    String apiKey,
    String apiKeyEnv,
    boolean requiresKey,
    Map<String, String> headers,
    List<String> models,
    Timeouts timeouts,
    Tls tls,
    boolean http2,
    int maxConnections,
    Object settings,
    List<String> apiKeys) {

  /**
   * {@code apiKeys} are the provider's keys in the order written ({@code api_keys}, or the one
   * {@code api_key}); {@code apiKey} is the first of them.
   */
  public ProviderConfig {
    if (apiKeys == null || apiKeys.isEmpty()) {
      apiKeys = apiKey == null || apiKey.isBlank() ? List.of() : List.of(apiKey);
    } else {
      apiKeys = List.copyOf(apiKeys);
      if (apiKey == null || apiKey.isBlank()) apiKey = apiKeys.get(0);
    }
  }

  /** With the one {@code api_key} (or none). */
  public ProviderConfig(String name, String type, String baseUrl, String apiKey, String apiKeyEnv, boolean requiresKey,
                        Map<String, String> headers, List<String> models, Timeouts timeouts, Tls tls, boolean http2,
                        int maxConnections, Object settings) {
    this(name, type, baseUrl, apiKey, apiKeyEnv, requiresKey, headers, models, timeouts, tls, http2, maxConnections,
        settings, List.of());
  }

  public boolean hasKey() {
    return apiKey != null && !apiKey.isBlank();
  }

  /** The type's settings as {@code expected}, or null when there are none. */
  public <S> S settings(Class<S> expected) {
    if (settings == null || expected.isInstance(settings)) return expected.cast(settings);
    throw new IllegalStateException("provider \"" + name + "\" of type " + type + " has settings of "
        + settings.getClass().getName() + ", not " + expected.getName());
  }

  /** TLS settings towards the upstream; a null trust store means the JDK's default trust store. */
  public record Tls(String trustStore, String trustStorePassword) {
    public static final Tls DEFAULT = new Tls(null, null);
  }
}
