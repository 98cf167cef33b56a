package io.recllm.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recllm.gateway.config.ConfigException;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.keys.KeySecrets;
import io.recllm.gateway.keys.KeysSection;
import io.recllm.gateway.keys.KeysSettings;
import io.recllm.gateway.keys.VirtualKey;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code admin_key}, {@code keys} and the limiter's keys inside {@code limits}, as the installed sections read them. */
class LimitsConfigTest {

  static GatewayConfig load(String yaml, Map<String, String> env) {
    return ConfigLoader.load(yaml, env);
  }

  @Test
  void limiterKeysLiveBesideTheConnectionLimits() {
    GatewayConfig c = load("limits: { max_body_bytes: 1000, redis: \"redis://127.0.0.1:6379\", on_redis_failure: allow_local,"
        + " reservation_ttl_ms: 5000 }", Map.of());
    assertThat(c.maxBodyBytes()).isEqualTo(1000);
    assertThat(c.section(LimitsSection.SECTION)).isEqualTo(new LimitsSettings("redis://127.0.0.1:6379", "rlg:",
        LimitsSettings.OnRedisFailure.ALLOW_LOCAL, 5000));
    assertThat(load("port: 4001", Map.of()).section(LimitsSection.SECTION)).isSameAs(LimitsSettings.DEFAULT);
  }

  @Test
  void badLimiterValuesNameTheirKey() {
    assertThatThrownBy(() -> load("limits: { on_redis_failure: maybe }", Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("limits.on_redis_failure: must be deny or allow_local");
    assertThatThrownBy(() -> load("limits: { redis: \"127.0.0.1:6379\" }", Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("limits.redis: must be a redis://");
    assertThatThrownBy(() -> load("limits: { rediss: x }", Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("limits.rediss: unknown key").hasMessageContaining("reservation_ttl_ms");
  }

  @Test
  void keysInTheFileAreHashedAndTheAdminKeyComesFromItsVariable() {
    GatewayConfig c = load("""
        keys:
          ci: { key: "${CI_KEY}", models: ["gpt-4o*"], rpm: 60, budget_usd: 2.5, budget_period: monthly }
        """, Map.of("CI_KEY", "sk-test-fake-ci-key-0001", "REC_LLM_GATEWAY_ADMIN_KEY", "admin-test-fake-0001"));
    KeysSettings s = c.section(KeysSection.SECTION);
    assertThat(s.adminKeyHash()).isEqualTo(KeySecrets.hash("admin-test-fake-0001"));
    VirtualKey k = s.staticKeys().get(0);
    assertThat(k.id()).isEqualTo("cfg-ci");
    assertThat(k.hash()).isEqualTo(KeySecrets.hash("sk-test-fake-ci-key-0001"));
    assertThat(k.toString()).doesNotContain("sk-test-fake-ci-key-0001");
    assertThat(k.budgetNanoUsd()).isEqualTo(2_500_000_000L);
    assertThat(k.allows("openai", "gpt-4o-mini")).isTrue();
    assertThat(k.allows("openai", "gpt-5")).isFalse();
    assertThat(load("port: 4001", Map.of()).section(KeysSection.SECTION).adminEnabled()).isFalse();
  }

  @Test
  void badKeysNameTheirPath() {
    assertThatThrownBy(() -> load("keys: { ci: { key: short } }", Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("keys.ci.key: must be a secret of at least 16 characters");
    assertThatThrownBy(() -> load("keys: { ci: { key: sk-test-fake-ci-key-0001, rpm: -1 } }", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("keys.ci.rpm:");
    assertThatThrownBy(() -> load("keys: { ci: { key: sk-test-fake-ci-key-0001, colour: red } }", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("keys.ci.colour:");
  }
}
