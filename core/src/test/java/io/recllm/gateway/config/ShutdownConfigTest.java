package io.recllm.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ShutdownConfigTest {

  @Test
  void graceDefaultsToThirtySeconds() {
    assertThat(ConfigLoader.load((String) null, Map.of()).shutdownGraceMs()).isEqualTo(30_000);
    assertThat(ConfigLoader.load("port: 4001", Map.of()).shutdownGraceMs()).isEqualTo(GatewayConfig.DEFAULT_SHUTDOWN_GRACE_MS);
  }

  @Test
  void graceCanBeSetAndSurvivesTheWithMethods() {
    GatewayConfig c = ConfigLoader.load("shutdown: { grace_ms: 5000 }", Map.of());
    assertThat(c.shutdownGraceMs()).isEqualTo(5000);
    assertThat(c.withPort(0).withHost("127.0.0.1").withApiKey("k").withUsage(UsageSettings.DEFAULT)
        .withTelemetry(TelemetrySettings.DEFAULT).shutdownGraceMs()).isEqualTo(5000);
    assertThat(c.withShutdownGraceMs(0).shutdownGraceMs()).isZero();
  }

  @Test
  void badValuesAreReportedWithTheirKey() {
    assertThatThrownBy(() -> ConfigLoader.load("shutdown: { grace_ms: -1 }", Map.of()))
        .hasMessageStartingWith("shutdown.grace_ms: must be between 0 and");
    assertThatThrownBy(() -> ConfigLoader.load("shutdown: { grace_ms: soon }", Map.of()))
        .hasMessageStartingWith("shutdown.grace_ms: must be a whole number");
    assertThatThrownBy(() -> ConfigLoader.load("shutdown: { grace: 5 }", Map.of()))
        .hasMessageStartingWith("shutdown.grace: unknown key");
  }
}
