package io.recllm.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageConfigTest {

  @Test
  void defaultsAreDurableWithoutContent() {
    UsageSettings u = ConfigLoader.load((String) null, Map.of()).usage();
    assertThat(u).isEqualTo(UsageSettings.DEFAULT);
    assertThat(u.store()).isEqualTo("sqlite:./data/usage.db");
    assertThat(u.logContent()).isFalse();
    assertThat(u.flushIntervalMs()).isEqualTo(1000);
    assertThat(u.batchSize()).isEqualTo(500);
    assertThat(u.retentionDays()).isEqualTo(30);
  }

  @Test
  void everyKeyCanBeSet() {
    GatewayConfig c = ConfigLoader.load("""
        usage:
          store: postgresql://gw@db:5432/usage
          retention_days: 0
          log_content: true
          flush_interval_ms: 250
          batch_size: 100
          queue_capacity: 5000
        """, Map.of());
    assertThat(c.usage()).isEqualTo(new UsageSettings("postgresql://gw@db:5432/usage", 0, true, 250, 100, 5000));
    assertThat(c.usageStore()).isEqualTo("postgresql://gw@db:5432/usage");
  }

  @Test
  void theStoreCanComeFromTheEnvironment() {
    GatewayConfig c = ConfigLoader.load("usage: { store: memory }", Map.of("REC_LLM_GATEWAY_USAGE_STORE", "sqlite:/tmp/x.db"));
    assertThat(c.usageStore()).isEqualTo("sqlite:/tmp/x.db");
  }

  @Test
  void mistakesNameTheKey() {
    assertThatThrownBy(() -> ConfigLoader.load("usage: { store: \"mysql://x\" }", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("usage.store:");
    assertThatThrownBy(() -> ConfigLoader.load("usage: { store: \"postgresql://u:topsecret@/db\" }", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageNotContaining("topsecret");
    assertThatThrownBy(() -> ConfigLoader.load("usage: { flush_interval_ms: 0 }", Map.of()))
        .hasMessageStartingWith("usage.flush_interval_ms:");
    assertThatThrownBy(() -> ConfigLoader.load("usage: { batch_size: many }", Map.of()))
        .hasMessageStartingWith("usage.batch_size:");
    assertThatThrownBy(() -> ConfigLoader.load("usage: { log_content: maybe }", Map.of()))
        .hasMessageStartingWith("usage.log_content:");
    assertThatThrownBy(() -> ConfigLoader.load("usage: { retention: 3 }", Map.of()))
        .hasMessageStartingWith("usage.retention:").hasMessageContaining("retention_days");
  }
}
