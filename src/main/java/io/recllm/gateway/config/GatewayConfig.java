package io.recllm.gateway.config;

import io.recllm.gateway.pricing.ModelPrice;
import java.util.List;
import java.util.Map;

/**
 * The whole configuration, immutable. Build it with {@link ConfigLoader} (YAML + environment) or
 * {@link #defaults()} and the {@code with…} methods when embedding.
 */
public record GatewayConfig(
    String host,
    int port,
    String defaultProvider,
    boolean includeExtensions,
    String apiKey,
    Map<String, ProviderConfig> providers,
    Timeouts timeouts,
    Map<String, ModelPrice> pricing,
    UsageSettings usage,
    List<String> corsAllowedOrigins,
    long maxBodyBytes,
    int eventLoops,
    TelemetrySettings telemetry,
    ConnectionLimits connectionLimits) {

  /** What the gateway runs with when there is no config file, reading keys from the process environment. */
  public static GatewayConfig defaults() {
    return ConfigLoader.fromEnvironment(System.getenv());
  }

  /** The {@code usage.store} value; kept as a shortcut from before the usage section had more keys. */
  public String usageStore() {
    return usage.store();
  }

  public GatewayConfig withUsage(UsageSettings newUsage) {
    return new GatewayConfig(host, port, defaultProvider, includeExtensions, apiKey, providers, timeouts,
        pricing, newUsage, corsAllowedOrigins, maxBodyBytes, eventLoops, telemetry, connectionLimits);
  }

  public boolean authEnabled() {
    return apiKey != null && !apiKey.isEmpty();
  }

  public GatewayConfig withPort(int newPort) {
    return new GatewayConfig(host, newPort, defaultProvider, includeExtensions, apiKey, providers, timeouts,
        pricing, usage, corsAllowedOrigins, maxBodyBytes, eventLoops, telemetry, connectionLimits);
  }

  public GatewayConfig withHost(String newHost) {
    return new GatewayConfig(newHost, port, defaultProvider, includeExtensions, apiKey, providers, timeouts,
        pricing, usage, corsAllowedOrigins, maxBodyBytes, eventLoops, telemetry, connectionLimits);
  }

  public GatewayConfig withApiKey(String newKey) {
    return new GatewayConfig(host, port, defaultProvider, includeExtensions, newKey, providers, timeouts,
        pricing, usage, corsAllowedOrigins, maxBodyBytes, eventLoops, telemetry, connectionLimits);
  }

  public GatewayConfig withConnectionLimits(ConnectionLimits limits) {
    return new GatewayConfig(host, port, defaultProvider, includeExtensions, apiKey, providers, timeouts,
        pricing, usage, corsAllowedOrigins, maxBodyBytes, eventLoops, telemetry, limits);
  }

  public GatewayConfig withTelemetry(TelemetrySettings newTelemetry) {
    return new GatewayConfig(host, port, defaultProvider, includeExtensions, apiKey, providers, timeouts,
        pricing, usage, corsAllowedOrigins, maxBodyBytes, eventLoops, newTelemetry, connectionLimits);
  }
}
