package io.recllm.gateway.config;

import java.util.Map;

/**
 * The {@code telemetry:} section. {@code metrics}: build the gateway's own Prometheus registry and serve
 * {@code GET /metrics} (an application that passes its own {@code MeterRegistry} gets the meters there
 * instead). {@code metricsAuth}: put {@code /metrics} behind the gateway key; off by default because
 * Prometheus scrapers usually cannot send one, like {@code /health}. {@code accessLog}: one line per
 * finished call on logger {@code io.recllm.gateway.access}. {@code otlpEndpoint}: base URL of an OTLP
 * http/protobuf receiver (traces to {@code /v1/traces}, GenAI metrics to {@code /v1/metrics}); null =
 * no OpenTelemetry SDK at all.
 */
public record TelemetrySettings(
    boolean metrics,
    boolean metricsAuth,
    AccessLog accessLog,
    String otlpEndpoint,
    Map<String, String> otlpHeaders,
    String serviceName,
    long otlpMetricsIntervalMs) {

  public enum AccessLog { TEXT, JSON, OFF }

  public static final TelemetrySettings DEFAULT =
      new TelemetrySettings(true, false, AccessLog.TEXT, null, Map.of(), "rec-llm-gateway", 60_000);

  public boolean otlpEnabled() {
    return otlpEndpoint != null && !otlpEndpoint.isBlank();
  }

  public TelemetrySettings withAccessLog(AccessLog format) {
    return new TelemetrySettings(metrics, metricsAuth, format, otlpEndpoint, otlpHeaders, serviceName, otlpMetricsIntervalMs);
  }

  public TelemetrySettings withOtlpEndpoint(String endpoint) {
    return new TelemetrySettings(metrics, metricsAuth, accessLog, endpoint, otlpHeaders, serviceName, otlpMetricsIntervalMs);
  }

  public TelemetrySettings withMetricsAuth(boolean auth) {
    return new TelemetrySettings(metrics, auth, accessLog, otlpEndpoint, otlpHeaders, serviceName, otlpMetricsIntervalMs);
  }
}
