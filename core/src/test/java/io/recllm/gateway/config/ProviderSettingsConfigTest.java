package io.recllm.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recllm.gateway.provider.mock.MockSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each provider type accepts the common keys plus its own, and reads its own into its settings. */
class ProviderSettingsConfigTest {

  // with the resilience section's provider keys (circuit_breaker, retries)
  private static final String COMMON = "api_key, api_keys, base_url, circuit_breaker, headers, http2, max_connections, models, "
      + "requires_key, retries, timeouts, tls, type";

  @Test
  void theMocksOwnKeysGoToItsSettings() {
    GatewayConfig c = ConfigLoader.load("providers: { local: { type: mock, delay_ms: 5, stream_delay_ms: 7 } }", Map.of());
    ProviderConfig local = c.providers().get("local");
    assertThat(local.settings(MockSettings.class)).isEqualTo(new MockSettings(5, 7));
    assertThat(local.baseUrl()).as("an in-process type needs no base_url").isNull();
    assertThat(c.providers().get("mock").settings(MockSettings.class)).isEqualTo(new MockSettings(0, 0));
    assertThat(ConfigLoader.load("providers: { m: { type: mock, api_key: k } }", Map.of()).providers().get("m").requiresKey())
        .as("an in-process type never requires its key").isFalse();
  }

  @Test
  void anotherTypesKeyIsAnUnknownKey() {
    assertFails("providers: { x: { type: openai, base_url: \"http://h\", delay_ms: 5 } }",
        "providers.x.delay_ms: unknown key (known keys under providers.x: " + COMMON + ")");
    assertFails("providers: { ollama: { type: openai, bse_url: \"http://localhost:11434/v1\" } }",
        "providers.ollama.bse_url: unknown key (known keys under providers.ollama: " + COMMON + ")");
    assertFails("providers: { m: { type: mock, dely_ms: 5 } }",
        "providers.m.dely_ms: unknown key (known keys under providers.m: api_key, api_keys, base_url, circuit_breaker, "
            + "delay_ms, headers, http2, max_connections, models, requires_key, retries, stream_delay_ms, timeouts, tls, type)");
  }

  @Test
  void aTypesBadSettingNamesItsKeyPath() {
    assertFails("providers: { m: { type: mock, delay_ms: soon } }", "providers.m.delay_ms: must be a whole number, got \"soon\"");
    assertFails("providers: { m: { type: mock, stream_delay_ms: -1 } }",
        "providers.m.stream_delay_ms: must be between 0 and 3600000, got -1");
  }

  @Test
  void aMissingOrUnknownTypeListsTheRegisteredTypes() {
    assertFails("providers: { x: { base_url: \"http://h\" } }", "providers.x.type: missing (one of anthropic, azure, ");
    assertFails("providers: { x: { type: palm } }", "providers.x.type: \"palm\" is not a provider type (one of anthropic, azure, ");
  }

  private static void assertFails(String yaml, String message) {
    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining(message);
  }
}
