package io.recllm.gateway.config;

import io.recllm.gateway.pricing.ModelPrice;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The whole configuration, immutable. Read it with {@link ConfigLoader} (YAML + environment), or start
 * from {@link #defaults()} and change it with {@link #toBuilder()} (or a {@code with…} shortcut) when
 * embedding. Sections that other packages own ({@link ConfigSection}) are in {@link #section}.
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
    ConnectionLimits connectionLimits,
    Map<Class<?>, Object> sections) {

  /** How long a stop waits for calls in flight by default ({@code shutdown.grace_ms}). */
  public static final long DEFAULT_SHUTDOWN_GRACE_MS = 30_000;

  public GatewayConfig {
    sections = sections == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(sections));
  }

  /** What the gateway runs with when there is no config file, reading keys from the process environment. */
  public static GatewayConfig defaults() {
    return ConfigLoader.fromEnvironment(System.getenv());
  }

  /** What {@code section} read from the file, or its defaults when the file left it out. */
  public <T> T section(ConfigSection<T> section) {
    Object value = sections.get(section.getClass());
    @SuppressWarnings("unchecked") T t = value != null ? (T) value : section.defaults();
    return t;
  }

  /** The {@code usage.store} value; kept as a shortcut from before the usage section had more keys. */
  public String usageStore() {
    return usage.store();
  }

  public boolean authEnabled() {
    return apiKey != null && !apiKey.isEmpty();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public GatewayConfig withUsage(UsageSettings newUsage) {
    return toBuilder().usage(newUsage).build();
  }

  public GatewayConfig withPort(int newPort) {
    return toBuilder().port(newPort).build();
  }

  public GatewayConfig withHost(String newHost) {
    return toBuilder().host(newHost).build();
  }

  public GatewayConfig withApiKey(String newKey) {
    return toBuilder().apiKey(newKey).build();
  }

  public GatewayConfig withConnectionLimits(ConnectionLimits limits) {
    return toBuilder().connectionLimits(limits).build();
  }

  public GatewayConfig withTelemetry(TelemetrySettings newTelemetry) {
    return toBuilder().telemetry(newTelemetry).build();
  }

  /** How long {@code close()} and SIGTERM let calls in flight finish before ending them with a 503. */
  public GatewayConfig withShutdownGraceMs(long graceMs) {
    return toBuilder().shutdownGraceMs(graceMs).build();
  }

  /** A copy of a config with some of its values changed; {@link #build()} gives the new config. */
  public static final class Builder {
    private String host;
    private int port;
    private String defaultProvider;
    private boolean includeExtensions;
    private String apiKey;
    private Map<String, ProviderConfig> providers;
    private Timeouts timeouts;
    private Map<String, ModelPrice> pricing;
    private UsageSettings usage;
    private List<String> corsAllowedOrigins;
    private long maxBodyBytes;
    private int eventLoops;
    private TelemetrySettings telemetry;
    private long shutdownGraceMs;
    private ConnectionLimits connectionLimits;
    private final Map<Class<?>, Object> sections;

    private Builder(GatewayConfig c) {
      host = c.host;
      port = c.port;
      defaultProvider = c.defaultProvider;
      includeExtensions = c.includeExtensions;
      apiKey = c.apiKey;
      providers = c.providers;
      timeouts = c.timeouts;
      pricing = c.pricing;
      usage = c.usage;
      corsAllowedOrigins = c.corsAllowedOrigins;
      maxBodyBytes = c.maxBodyBytes;
      eventLoops = c.eventLoops;
      telemetry = c.telemetry;
      shutdownGraceMs = c.shutdownGraceMs;
      connectionLimits = c.connectionLimits;
      sections = new LinkedHashMap<>(c.sections);
    }

    public Builder host(String host) { this.host = host; return this; }

    public Builder port(int port) { this.port = port; return this; }

    public Builder defaultProvider(String name) { this.defaultProvider = name; return this; }

    public Builder includeExtensions(boolean include) { this.includeExtensions = include; return this; }

    public Builder apiKey(String key) { this.apiKey = key; return this; }

    public Builder providers(Map<String, ProviderConfig> providers) { this.providers = Map.copyOf(providers); return this; }

    public Builder timeouts(Timeouts timeouts) { this.timeouts = timeouts; return this; }

    public Builder pricing(Map<String, ModelPrice> pricing) { this.pricing = Map.copyOf(pricing); return this; }

    public Builder usage(UsageSettings usage) { this.usage = usage; return this; }

    public Builder corsAllowedOrigins(List<String> origins) { this.corsAllowedOrigins = List.copyOf(origins); return this; }

    public Builder maxBodyBytes(long bytes) { this.maxBodyBytes = bytes; return this; }

    public Builder eventLoops(int loops) { this.eventLoops = loops; return this; }

    public Builder telemetry(TelemetrySettings telemetry) { this.telemetry = telemetry; return this; }

    public Builder shutdownGraceMs(long graceMs) { this.shutdownGraceMs = graceMs; return this; }

    public Builder connectionLimits(ConnectionLimits limits) { this.connectionLimits = limits; return this; }

    /** Sets what a {@link ConfigSection} holds, as if the file had said it. */
    public <T> Builder section(ConfigSection<T> section, T settings) {
      sections.put(section.getClass(), Objects.requireNonNull(settings, "settings"));
      return this;
    }

    public GatewayConfig build() {
      return new GatewayConfig(host, port, defaultProvider, includeExtensions, apiKey, providers, timeouts, pricing,
          usage, corsAllowedOrigins, maxBodyBytes, eventLoops, telemetry, shutdownGraceMs, connectionLimits, sections);
    }
  }
}
