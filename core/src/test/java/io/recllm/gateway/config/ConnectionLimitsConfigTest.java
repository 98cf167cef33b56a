package io.recllm.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionLimitsConfigTest {

  @Test
  void defaults() {
    GatewayConfig c = ConfigLoader.fromEnvironment(Map.of());
    assertThat(c.host()).as("only this machine unless told otherwise").isEqualTo("127.0.0.1");
    assertThat(c.connectionLimits()).isEqualTo(new ConnectionLimits(10_000, 30_000, 60_000, 16_384));
    assertThat(c.connectionLimits()).isEqualTo(ConnectionLimits.DEFAULT);
    assertThat(c.maxBodyBytes()).isEqualTo(16L * 1024 * 1024);
  }

  @Test
  void hostFromTheEnvironmentOrTheFile() {
    assertThat(ConfigLoader.fromEnvironment(Map.of("REC_LLM_GATEWAY_HOST", "0.0.0.0")).host()).isEqualTo("0.0.0.0");
    assertThat(ConfigLoader.load("host: 0.0.0.0\n", Map.of()).host()).isEqualTo("0.0.0.0");
  }

  @Test
  void limitsFromTheFileKeepTheOthersDefaults() {
    GatewayConfig c = ConfigLoader.load("""
        limits: { header_timeout_ms: 500, idle_connection_ms: 0, max_connections: 100 }
        """, Map.of());
    assertThat(c.connectionLimits()).isEqualTo(new ConnectionLimits(500, 30_000, 0, 100));
    assertThat(c.maxBodyBytes()).isEqualTo(16L * 1024 * 1024);
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> ConfigLoader.load("limits: { body_timeout_ms: -1 }\n", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("limits.body_timeout_ms");
    assertThatThrownBy(() -> ConfigLoader.load("limits: { max_connections: lots }\n", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("limits.max_connections");
    assertThatThrownBy(() -> ConfigLoader.load("limits: { idle_timeout_ms: 5 }\n", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("limits.idle_timeout_ms: unknown key")
        .hasMessageContaining("idle_connection_ms");
  }
}
