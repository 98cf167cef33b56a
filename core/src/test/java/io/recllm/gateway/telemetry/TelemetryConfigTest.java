package io.recllm.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recllm.gateway.config.ConfigException;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.TelemetrySettings;
import io.recllm.gateway.config.TelemetrySettings.AccessLog;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code telemetry:} config section: defaults, YAML quirks, env substitution and errors with the key path. */
class TelemetryConfigTest {

  static TelemetrySettings load(String yaml) {
    return ConfigLoader.load(yaml, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318", "TOKEN", "abc"))
        .telemetry();
  }

  @Test
  void defaultsAreMetricsOnTextAccessLogNoOtlp() {
    TelemetrySettings t = load(null);
    assertThat(t).isEqualTo(TelemetrySettings.DEFAULT);
    assertThat(t.metrics()).isTrue();
    assertThat(t.metricsAuth()).isFalse();
    assertThat(t.accessLog()).isEqualTo(AccessLog.TEXT);
    assertThat(t.otlpEnabled()).isFalse();
    assertThat(t.serviceName()).isEqualTo("rec-llm-gateway");
  }

  @Test
  void everyKeyIsRead() {
    TelemetrySettings t = load("""
        telemetry:
          metrics: false
          metrics_auth: true
          access_log: json
          otlp_endpoint: ${OTEL_EXPORTER_OTLP_ENDPOINT:-}
          otlp_headers: { authorization: "Bearer ${TOKEN}" }
          service_name: llm-edge
          otlp_metrics_interval_ms: 5000
        """);
    assertThat(t).isEqualTo(new TelemetrySettings(false, true, AccessLog.JSON, "http://collector:4318",
        Map.of("authorization", "Bearer abc"), "llm-edge", 5000));
    assertThat(t.otlpEnabled()).isTrue();
  }

  @Test
  void anEmptyEndpointFromAnUnsetVariableMeansOff() {
    TelemetrySettings t = ConfigLoader.load("telemetry: { otlp_endpoint: \"${UNSET_ENDPOINT:-}\" }", Map.of()).telemetry();
    assertThat(t.otlpEnabled()).isFalse();
    assertThat(t.otlpEndpoint()).isNull();
  }

  @Test
  void aBareOffIsReadAsOffEvenThoughYamlMakesItFalse() {
    assertThat(load("telemetry: { access_log: off }").accessLog()).isEqualTo(AccessLog.OFF);
    assertThat(load("telemetry: { access_log: \"off\" }").accessLog()).isEqualTo(AccessLog.OFF);
    assertThat(load("telemetry: { access_log: TEXT }").accessLog()).isEqualTo(AccessLog.TEXT);
  }

  @Test
  void mistakesNameTheKey() {
    assertThatThrownBy(() -> load("telemetry: { access_log: xml }")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("telemetry.access_log: must be text, json or off");
    assertThatThrownBy(() -> load("telemetry: { otlp_endpoint: \"collector:4318\" }")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("telemetry.otlp_endpoint");
    assertThatThrownBy(() -> load("telemetry: { otlp_endpont: http://x:4318 }")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("telemetry.otlp_endpont: unknown key");
    assertThatThrownBy(() -> load("telemetry: { metrics: maybe }")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("telemetry.metrics: must be true or false");
    assertThatThrownBy(() -> load("telemetry: { otlp_metrics_interval_ms: 5 }")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("telemetry.otlp_metrics_interval_ms: must be between 100");
  }

  @Test
  void theSectionSurvivesTheWithMethods() {
    var config = ConfigLoader.load("telemetry: { access_log: json }", Map.of());
    assertThat(config.withPort(0).withHost("127.0.0.1").withApiKey("k").telemetry().accessLog()).isEqualTo(AccessLog.JSON);
    assertThat(config.withTelemetry(TelemetrySettings.DEFAULT.withAccessLog(AccessLog.OFF)).telemetry().accessLog())
        .isEqualTo(AccessLog.OFF);
  }
}
