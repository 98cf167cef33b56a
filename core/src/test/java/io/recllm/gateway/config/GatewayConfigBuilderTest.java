package io.recllm.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Copies change what they say and nothing else. */
class GatewayConfigBuilderTest {

  private final GatewayConfig base = ConfigLoader.load("""
      host: 0.0.0.0
      port: 4100
      api_key: gw-test-fake-key
      event_loops: 3
      cors: { allowed_origins: ["https://app.example"] }
      limits: { max_body_bytes: 1000, max_connections: 10 }
      shutdown: { grace_ms: 1234 }
      telemetry: { access_log: json }
      usage: { store: memory }
      """, Map.of());

  @Test
  void anUnchangedCopyEqualsTheOriginal() {
    assertThat(base.toBuilder().build()).isEqualTo(base);
  }

  @Test
  void eachShortcutChangesOnlyItsValue() {
    GatewayConfig c = base.withPort(0);
    assertThat(c.port()).isZero();
    assertThat(c.toBuilder().port(base.port()).build()).isEqualTo(base);

    assertThat(base.withHost("127.0.0.1").toBuilder().host(base.host()).build()).isEqualTo(base);
    assertThat(base.withApiKey("").authEnabled()).isFalse();
    assertThat(base.withApiKey("").toBuilder().apiKey(base.apiKey()).build()).isEqualTo(base);
    assertThat(base.withShutdownGraceMs(5).shutdownGraceMs()).isEqualTo(5);
    assertThat(base.withShutdownGraceMs(5).toBuilder().shutdownGraceMs(1234).build()).isEqualTo(base);
    assertThat(base.withConnectionLimits(ConnectionLimits.DEFAULT).connectionLimits()).isEqualTo(ConnectionLimits.DEFAULT);
    assertThat(base.withUsage(UsageSettings.DEFAULT).usage()).isEqualTo(UsageSettings.DEFAULT);
    assertThat(base.withTelemetry(TelemetrySettings.DEFAULT).telemetry()).isEqualTo(TelemetrySettings.DEFAULT);
  }

  @Test
  void theBuilderSetsEveryValue() {
    GatewayConfig c = base.toBuilder().host("::1").port(1).defaultProvider("mock").includeExtensions(false).apiKey("k")
        .providers(Map.of("mock", base.providers().get("mock"))).timeouts(new Timeouts(1, 2, 3, 4)).pricing(Map.of())
        .usage(UsageSettings.DEFAULT).corsAllowedOrigins(List.of()).maxBodyBytes(9).eventLoops(1)
        .telemetry(TelemetrySettings.DEFAULT).shutdownGraceMs(2).connectionLimits(ConnectionLimits.DEFAULT).build();
    assertThat(c).isEqualTo(new GatewayConfig("::1", 1, "mock", false, "k", Map.of("mock", base.providers().get("mock")),
        new Timeouts(1, 2, 3, 4), Map.of(), UsageSettings.DEFAULT, List.of(), 9, 1, TelemetrySettings.DEFAULT, 2,
        ConnectionLimits.DEFAULT, Map.of()));
  }
}
