package io.recllm.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.recllm.gateway.config.ConfigException;
import io.recllm.gateway.core.ModelRef;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResilienceReaderTest {

  private static final Set<String> PROVIDERS = Set.of("openai", "openai-eu", "anthropic", "mock");

  private static JsonNode yaml(String text) {
    try {
      return new YAMLMapper().readTree(text);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static ResilienceSettings read(String text) {
    return ResilienceReader.read(yaml(text), PROVIDERS);
  }

  private static void assertRejected(String text, String message) {
    assertThatThrownBy(() -> read(text)).isInstanceOf(ConfigException.class).hasMessage(message);
  }

  @Test
  void readsTheDocumentedExample() {
    ResilienceSettings s = read("""
        routes:
          smart:
            strategy: fallback
            targets: [anthropic:claude-sonnet-4-5, openai:gpt-4o]
          cheap:
            strategy: weighted
            targets: [ { model: openai:gpt-4o-mini, weight: 3 }, { model: openai-eu:gpt-4o-mini, weight: 1 } ]
        retries:       { max_attempts: 3, initial_backoff_ms: 200, max_backoff_ms: 5000, on: [429, 500, 502, 503, 504, 529, connect, timeout] }
        circuit_breaker: { failure_threshold: 5, window_ms: 30000, open_ms: 30000, half_open_calls: 1 }
        """);

    assertThat(s.routes().keySet()).containsExactly("smart", "cheap");
    RouteSettings smart = s.routes().get("smart");
    assertThat(smart.strategy()).isEqualTo(Strategy.FALLBACK);
    assertThat(smart.targets()).containsExactly(
        new RouteSettings.Target(new ModelRef("anthropic", "claude-sonnet-4-5"), 1),
        new RouteSettings.Target(new ModelRef("openai", "gpt-4o"), 1));
    assertThat(smart.retries()).isNull();
    assertThat(smart.circuitBreaker()).isNull();
    assertThat(s.routes().get("cheap").targets()).extracting(RouteSettings.Target::weight).containsExactly(3, 1);
    assertThat(s.retries()).isEqualTo(RetrySettings.DEFAULT);
    assertThat(s.retries().on().items()).containsExactly("429", "500", "502", "503", "504", "529", "connect", "timeout");
    assertThat(s.circuitBreaker()).isEqualTo(CircuitBreakerSettings.DEFAULT);
  }

  @Test
  void withoutTheSectionsNothingIsRetriedNoCircuitOpensAndThereAreNoRoutes() {
    assertThat(read("port: 4000")).isEqualTo(ResilienceSettings.NONE);
  }

  @Test
  void partialSectionsStartFromTheDefaultsAndProvidersAndRoutesFromTheGlobalSection() {
    ResilienceSettings s = read("""
        retries: { max_attempts: 4 }
        circuit_breaker: { open_ms: 5000 }
        providers:
          anthropic: { type: anthropic, retries: { initial_backoff_ms: 500 }, circuit_breaker: { failure_threshold: 2 } }
          openai: { type: openai }
        routes:
          smart:
            targets: [anthropic:claude-sonnet-4-5]
            retries: { on: [503] }
            circuit_breaker: { half_open_calls: 3 }
        """);

    assertThat(s.retries()).isEqualTo(new RetrySettings(4, 200, 5000, RetryOn.DEFAULT));
    assertThat(s.circuitBreaker()).isEqualTo(new CircuitBreakerSettings(5, 30_000, 5000, 1));
    assertThat(s.providerRetries()).containsOnlyKeys("anthropic");
    assertThat(s.providerRetries().get("anthropic")).isEqualTo(new RetrySettings(4, 500, 5000, RetryOn.DEFAULT));
    assertThat(s.providerCircuitBreakers().get("anthropic")).isEqualTo(new CircuitBreakerSettings(2, 30_000, 5000, 1));
    RouteSettings smart = s.routes().get("smart");
    assertThat(smart.strategy()).as("the default strategy").isEqualTo(Strategy.FALLBACK);
    assertThat(smart.retries()).isEqualTo(new RetrySettings(4, 200, 5000, RetryOn.parse(List.of("503"))));
    assertThat(smart.circuitBreaker()).isEqualTo(new CircuitBreakerSettings(5, 30_000, 5000, 3));
  }

  @Test
  void aProvidersSectionWithoutTheGlobalOneStartsFromTheDefaults() {
    ResilienceSettings s = read("providers: { openai: { retries: { max_attempts: 2 } } }");
    assertThat(s.retries()).isEqualTo(RetrySettings.NO_RETRIES);
    assertThat(s.providerRetries().get("openai")).isEqualTo(new RetrySettings(2, 200, 5000, RetryOn.DEFAULT));
  }

  @Test
  void anUnknownStrategyIsNamedWithTheKnownOnes() {
    assertRejected("routes: { smart: { strategy: random, targets: [openai:gpt-4o] } }",
        "routes.smart.strategy: must be one of fallback, weighted, least_latency, lowest_cost, least_busy, got \"random\"");
  }

  @Test
  void routeMistakesNameTheirKeyPath() {
    assertRejected("routes: [smart]", "routes: must be a mapping of route name to {strategy, targets}, got a list");
    assertRejected("routes: { smart: openai:gpt-4o }",
        "routes.smart: must be a mapping (strategy, targets), got \"openai:gpt-4o\"");
    assertRejected("routes: { smart: { strategy: fallback } }", "routes.smart.targets: missing (a list of provider:model)");
    assertRejected("routes: { smart: { targets: [] } }",
        "routes.smart.targets: must be a non-empty list of provider:model, got an empty list");
    assertRejected("routes: { smart: { target: [openai:gpt-4o] } }",
        "routes.smart.target: unknown key (known keys under routes.smart: circuit_breaker, retries, strategy, targets)");
    assertRejected("routes: { smart: { targets: [gpt-4o] } }",
        "routes.smart.targets[0]: \"gpt-4o\" must name its provider, as provider:model (configured providers: "
            + "anthropic, mock, openai, openai-eu)");
    assertRejected("routes: { smart: { targets: [openai:gpt-4o, azure:gpt-4o] } }",
        "routes.smart.targets[1]: provider \"azure\" is not configured (configured providers: anthropic, mock, openai, openai-eu)");
    assertRejected("routes: { smart: { targets: [openai:gpt-4o, openai:gpt-4o] } }",
        "routes.smart.targets[1]: \"openai:gpt-4o\" is listed twice");
    assertRejected("routes: { smart: { targets: [cheap] }, cheap: { targets: [openai:gpt-4o-mini] } }",
        "routes.smart.targets[0]: \"cheap\" is a route; a route's targets are provider:model");
    assertRejected("routes: { cheap: { strategy: weighted, targets: [ { model: openai:gpt-4o-mini, weight: 0 } ] } }",
        "routes.cheap.targets[0].weight: must be between 1 and 1000000, got 0");
    assertRejected("routes: { cheap: { targets: [ { weight: 2 } ] } }",
        "routes.cheap.targets[0].model: missing (provider:model)");
    assertRejected("routes: { cheap: { targets: [ { model: openai:gpt-4o-mini, wieght: 2 } ] } }",
        "routes.cheap.targets[0].wieght: unknown key (known keys under routes.cheap.targets[0]: model, weight)");
    assertRejected("routes: { smart: { targets: [openai:gpt-4o], retries: { max_attempts: 0 } } }",
        "routes.smart.retries.max_attempts: must be between 1 and 100, got 0");
  }

  @Test
  void retriesMistakesNameTheirKeyPath() {
    assertRejected("retries: { on: [429, 401] }",
        "retries.on[1]: 401 is never retried: a 4xx other than 408, 409 and 429 means the request itself was refused");
    assertRejected("retries: { on: [429, reset] }",
        "retries.on[1]: must be an HTTP status (408, 409, 429 or 500-599), connect or timeout, got \"reset\"");
    assertRejected("retries: { on: [200] }", "retries.on[0]: 200 is not a failure status (use 408, 409, 429 or 500-599)");
    assertRejected("retries: { on: 503 }",
        "retries.on: must be a list of HTTP statuses, connect and timeout, got \"503\"");
    assertRejected("retries: { initial_backoff_ms: 1000, max_backoff_ms: 500 }",
        "retries.max_backoff_ms: must be at least initial_backoff_ms (1000), got 500");
    assertRejected("retries: { max_attempts: three }", "retries.max_attempts: must be a whole number, got \"three\"");
    assertRejected("retries: { attempts: 3 }",
        "retries.attempts: unknown key (known keys under retries: initial_backoff_ms, max_attempts, max_backoff_ms, on)");
    assertRejected("providers: { openai: { retries: 3 } }", "providers.openai.retries: must be a mapping, got \"3\"");
  }

  @Test
  void aLargerInitialBackoffAloneRaisesTheMaximumWithIt() {
    assertThat(read("retries: { initial_backoff_ms: 8000 }").retries().maxBackoffMs()).isEqualTo(8000);
  }

  @Test
  void circuitBreakerMistakesNameTheirKeyPath() {
    assertRejected("circuit_breaker: { window_ms: 30s }", "circuit_breaker.window_ms: must be a whole number, got \"30s\"");
    assertRejected("circuit_breaker: { half_open_calls: 0 }",
        "circuit_breaker.half_open_calls: must be between 1 and 1000, got 0");
    assertRejected("providers: { anthropic: { circuit_breaker: { failure_threshold: -1 } } }",
        "providers.anthropic.circuit_breaker.failure_threshold: must be between 0 and 10000, got -1");
    assertThat(read("circuit_breaker: { failure_threshold: 0 }").circuitBreaker().enabled()).isFalse();
  }
}
