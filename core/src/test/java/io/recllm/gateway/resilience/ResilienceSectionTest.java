package io.recllm.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recllm.gateway.config.ConfigException;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.core.ModelRef;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The installed resilience section, through the config loader: the issue's example, per provider and per route. */
class ResilienceSectionTest {

  private static final String PROVIDERS = """
      providers:
        openai:    { type: openai, base_url: "https://api.openai.com/v1", api_keys: ["${OPENAI_KEY_1}", "${OPENAI_KEY_2}"] }
        openai-eu: { type: openai, base_url: "https://eu.api.openai.com/v1", api_key: sk-test-fake-eu, retries: { max_attempts: 5 } }
        anthropic: { type: anthropic, base_url: "https://api.anthropic.com", api_key: sk-test-fake-ant, circuit_breaker: { open_ms: 1000 } }
      """;

  private static GatewayConfig load(String yaml) {
    return ConfigLoader.load(PROVIDERS + yaml, Map.of("OPENAI_KEY_1", "sk-test-fake-1", "OPENAI_KEY_2", "sk-test-fake-2"));
  }

  @Test
  void readsTheIssuesExampleWithProviderAndRouteSettings() {
    GatewayConfig c = load("""
        routes:
          smart:
            strategy: fallback
            targets: [ anthropic:claude-sonnet-4-5, openai:gpt-4o ]
            retries: { max_attempts: 2 }
          cheap:
            strategy: weighted
            targets:
              - { model: openai:gpt-4o-mini, weight: 3 }
              - { model: openai-eu:gpt-4o-mini, weight: 1 }
        retries: { max_attempts: 3, initial_backoff_ms: 200, max_backoff_ms: 5000, on: [429, 500, 502, 503, 504, 529, connect, timeout] }
        circuit_breaker: { failure_threshold: 5, window_ms: 30000, open_ms: 30000, half_open_calls: 1 }
        """);
    ResilienceSettings s = c.section(ResilienceSection.SECTION);
    assertThat(s.routes()).containsOnlyKeys("smart", "cheap");
    assertThat(s.routes().get("smart").targets().get(0).model()).isEqualTo(new ModelRef("anthropic", "claude-sonnet-4-5"));
    assertThat(s.routes().get("smart").retries().maxAttempts()).isEqualTo(2);
    assertThat(s.routes().get("cheap").targets().get(0).weight()).isEqualTo(3);
    assertThat(s.retries().maxAttempts()).isEqualTo(3);
    assertThat(s.providerRetries().get("openai-eu").maxAttempts()).isEqualTo(5);
    assertThat(s.providerCircuitBreakers().get("anthropic").openMs()).isEqualTo(1000);
    assertThat(s.configured()).isTrue();
    assertThat(new Resilience(s, c.providers().keySet(), null, TimeSource.SYSTEM, null).steps())
        .hasAtLeastOneElementOfType(RoutingStep.class).hasAtLeastOneElementOfType(RetryStep.class)
        .hasAtLeastOneElementOfType(CircuitBreakerStep.class).hasAtLeastOneElementOfType(TargetStatsStep.class);
    assertThat(c.providers().get("openai").apiKeys()).containsExactly("sk-test-fake-1", "sk-test-fake-2");
    assertThat(c.providers().get("openai").apiKey()).isEqualTo("sk-test-fake-1");
    assertThat(c.providers().get("openai-eu").apiKeys()).containsExactly("sk-test-fake-eu");
  }

  @Test
  void withoutTheSectionTheGatewayAddsNoStep() {
    GatewayConfig c = ConfigLoader.load("providers: { mock: { type: mock } }", Map.of());
    assertThat(c.section(ResilienceSection.SECTION)).isSameAs(ResilienceSettings.NONE);
    assertThat(new Resilience(ResilienceSettings.NONE, c.providers().keySet(), null, TimeSource.SYSTEM, null).steps()).isEmpty();
  }

  @Test
  void onlyWhatIsAskedForIsAdded() {
    ResilienceSettings retriesOnly = ConfigLoader.load("retries: { max_attempts: 2 }", Map.of()).section(ResilienceSection.SECTION);
    assertThat(new Resilience(retriesOnly, java.util.List.of(), null, TimeSource.SYSTEM, null).steps())
        .noneMatch(s -> s instanceof CircuitBreakerStep || s instanceof TargetStatsStep)
        .hasAtLeastOneElementOfType(RetryStep.class);
  }

  @Test
  void badValuesNameTheirKeyPath() {
    assertThatThrownBy(() -> load("retries: { max_atempts: 3 }")).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("retries.max_atempts: unknown key");
    assertThatThrownBy(() -> load("routes: { smart: { targets: [ nowhere:gpt-4o ] } }")).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("routes.smart.targets");
    assertThatThrownBy(() -> load("routes: { smart: { targets: [ openai:gpt-4o ], strategy: random } }"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("routes.smart.strategy");
  }

  @Test
  void apiKeysWinOverApiKey() {
    GatewayConfig c = ConfigLoader.load("""
        providers:
          openai: { type: openai, base_url: "https://api.openai.com/v1", api_key: sk-test-fake-1, api_keys: [ sk-test-fake-2, "" ] }
        """, Map.of());
    assertThat(c.providers().get("openai").apiKeys()).as("an empty key (an unset variable) is dropped").containsExactly("sk-test-fake-2");
    assertThat(c.providers().get("openai").requiresKey()).isTrue();
  }

  @Test
  void theTopLevelApiKeysShorthandStillSetsOneKeyPerProvider() {
    GatewayConfig c = ConfigLoader.load("""
        providers:
          openai: { type: openai, base_url: "https://api.openai.com/v1" }
        api_keys: { openai: sk-test-fake-seed }
        """, Map.of());
    assertThat(c.providers().get("openai").apiKeys()).containsExactly("sk-test-fake-seed");
  }
}
