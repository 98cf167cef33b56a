package io.recllm.gateway.resilience;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything the resilience steps are configured with: the global {@code retries} and
 * {@code circuit_breaker}, the providers' own ({@code providers.<name>.retries},
 * {@code providers.<name>.circuit_breaker}) and the {@code routes}.
 */
public record ResilienceSettings(RetrySettings retries, Map<String, RetrySettings> providerRetries,
                                 CircuitBreakerSettings circuitBreaker,
                                 Map<String, CircuitBreakerSettings> providerCircuitBreakers,
                                 Map<String, RouteSettings> routes) {

  /** No retries, no breakers, no routes: every call goes once to the model it names. */
  public static final ResilienceSettings NONE = new ResilienceSettings(RetrySettings.NO_RETRIES, Map.of(),
      CircuitBreakerSettings.OFF, Map.of(), Map.of());

  public ResilienceSettings {
    providerRetries = Map.copyOf(providerRetries);
    providerCircuitBreakers = Map.copyOf(providerCircuitBreakers);
    routes = Collections.unmodifiableMap(new LinkedHashMap<>(routes));
  }

  /** Whether anything retries: the global section, a provider's or a route's. */
  public boolean retrying() {
    return !providerRetries.isEmpty() || retries.maxAttempts() > 1
        || routes.values().stream().anyMatch(r -> r.retries() != null && r.retries().maxAttempts() > 1);
  }

  /** Whether any circuit breaker is on: the global one, a provider's or a route's. */
  public boolean breaking() {
    return circuitBreaker.enabled() || providerCircuitBreakers.values().stream().anyMatch(CircuitBreakerSettings::enabled)
        || routes.values().stream().anyMatch(r -> r.circuitBreaker() != null && r.circuitBreaker().enabled());
  }

  /** Whether the config asked for any of it; without, the gateway's chain has no resilience step. */
  public boolean configured() {
    return !routes.isEmpty() || retrying() || breaking() || !providerRetries.isEmpty()
        || !providerCircuitBreakers.isEmpty() || !retries.equals(NONE.retries) || !circuitBreaker.equals(NONE.circuitBreaker);
  }
}
