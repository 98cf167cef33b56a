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
    long shutdownGraceMs,
    ConnectionLimits connectionLimits) {

  /** How long a stop waits for calls in flight by default ({@code shutdown.grace_ms}). */
  public static final long DEFAULT_SHUTDOWN_GRACE_MS = 30_000;

  public GatewayConfig(String host, int port, String defaultProvider, boolean includeExtensions, String apiKey,
                       Map<String, ProviderConfig> providers, Timeouts timeouts, Map<String, ModelPrice> pricing,
                       UsageSettings usage, List<String> corsAllowedOrigins, long maxBodyBytes, int eventLoops,
                       TelemetrySettings telemetry) {
    this(host, port, defaultProvider, includeExtensions, apiKey, providers, timeouts, pricing, usage, corsAllowedOrigins,
        maxBodyBytes, eventLoops, telemetry, DEFAULT_SHUTDOWN_GRACE_MS, ConnectionLimits.DEFAULT);
  }

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
        pricing, newUsage, corsAllowedOrigins, maxBodyBytes, eventLoops, telemetry, shutdownGraceMs, connectionLimits);
  }

  public boolean authEnabled() {
    return apiKey != null && !apiKey.isEmpty();
  }

  public GatewayConfig withPort(int newPort) {
    return new GatewayConfig(host, newPort, defaultProvider, includeExtensions, apiKey, providers, timeouts,
        pricing, usage, corsAllowedOrigins, maxBodyBytes, eventLoops, telemetry, shutdownGraceMs, connectionLimits);
  }

  public GatewayConfig withHost(String newHost) {
    return new GatewayConfig(newHost, port, defaultProvider, includeExtensions, apiKey, providers, timeouts,
        pricing, usage, corsAllowedOrigins, maxBodyBytes, eventLoops, telemetry, shutdownGraceMs, connectionLimits);
  }

  public GatewayConfig withApiKey(String newKey) {
    return new GatewayConfig(host, port, defaultProvider, includeExtensions, newKey, providers, timeouts,
        pricing, usage, corsAllowedOrigins, maxBodyBytes, eventLoops, telemetry, shutdownGraceMs, connectionLimits);
  }

  public GatewayConfig withConnectionLimits(ConnectionLimits limits) {
    return new GatewayConfig(host, port, defaultProvider, includeExtensions, apiKey, providers, timeouts,
        pricing, usage, corsAllowedOrigins, maxBodyBytes, eventLoops, telemetry, shutdownGraceMs, limits);
  }

  public GatewayConfig withTelemetry(TelemetrySettings newTelemetry) {
    return new GatewayConfig(host, port, defaultProvider, includeExtensions, apiKey, providers, timeouts,
        pricing, usage, corsAllowedOrigins, maxBodyBytes, eventLoops, newTelemetry, shutdownGraceMs, connectionLimits);
  }

  /** How long {@code close()} and SIGTERM let calls in flight finish before ending them with a 503. */
  public GatewayConfig withShutdownGraceMs(long graceMs) {
    return new GatewayConfig(host, port, defaultProvider, includeExtensions, apiKey, providers, timeouts,
        pricing, usage, corsAllowedOrigins, maxBodyBytes, eventLoops, telemetry, graceMs, connectionLimits);
  }
}
