package io.recllm.gateway.config;

import java.util.List;
import java.util.Map;

/**
 * One configured provider. {@code apiKey} is already resolved from its {@code ${ENV}} reference;
 * {@code apiKeyEnv} names the variable a user should set when it is missing. A provider with
 * {@code requiresKey=false} (a local Ollama, vLLM, the mock) is called without a key.
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
    long mockDelayMs,
    long mockStreamDelayMs) {

  public static final String OPENAI = "openai";
  public static final String ANTHROPIC = "anthropic";
  public static final String MOCK = "mock";

  public boolean hasKey() {
    return apiKey != null && !apiKey.isBlank();
  }

  /** TLS settings towards the upstream; a null trust store means the JDK's default trust store. */
  public record Tls(String trustStore, String trustStorePassword) {
    public static final Tls DEFAULT = new Tls(null, null);
  }
}
