package io.recllm.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/** {@code telemetry}: metrics, the access log and OpenTelemetry export. */
final class TelemetryReader {

  private TelemetryReader() {}

  static TelemetrySettings read(JsonNode n) {
    TelemetrySettings d = TelemetrySettings.DEFAULT;
    if (ConfigValues.absent(n)) return d;
    ConfigValues.checkKeys(n, "telemetry", Set.of("metrics", "metrics_auth", "access_log", "otlp_endpoint", "otlp_headers",
        "service_name", "otlp_metrics_interval_ms"));
    TelemetrySettings.AccessLog accessLog = d.accessLog();
    JsonNode log = n.path("access_log");
    if (log.isBoolean()) { // YAML 1.1 reads a bare `off` as false
      accessLog = log.asBoolean() ? TelemetrySettings.AccessLog.TEXT : TelemetrySettings.AccessLog.OFF;
    } else if (!ConfigValues.absent(log)) {
      accessLog = switch (log.asText().trim().toLowerCase()) {
        case "text" -> TelemetrySettings.AccessLog.TEXT;
        case "json" -> TelemetrySettings.AccessLog.JSON;
        case "off", "false", "none" -> TelemetrySettings.AccessLog.OFF;
        default -> throw new ConfigException("telemetry.access_log: must be text, json or off, got " + ConfigValues.describe(log));
      };
    }
    String endpoint = n.path("otlp_endpoint").isNull() ? "" : n.path("otlp_endpoint").asText("").trim();
    if (!endpoint.isEmpty()) ConfigValues.httpUrl(endpoint, "telemetry.otlp_endpoint");
    return new TelemetrySettings(
        n.has("metrics") ? ConfigValues.bool(n.get("metrics"), "telemetry.metrics") : d.metrics(),
        n.has("metrics_auth") ? ConfigValues.bool(n.get("metrics_auth"), "telemetry.metrics_auth") : d.metricsAuth(),
        accessLog,
        endpoint.isEmpty() ? null : endpoint,
        ConfigValues.stringMap(n.path("otlp_headers"), "telemetry.otlp_headers", "header name to value"),
        n.has("service_name") ? ConfigValues.string(n, "service_name", "telemetry.service_name") : d.serviceName(),
        n.has("otlp_metrics_interval_ms")
            ? ConfigValues.longValue(n.get("otlp_metrics_interval_ms"), "telemetry.otlp_metrics_interval_ms", 100, 86_400_000)
            : d.otlpMetricsIntervalMs());
  }
}
