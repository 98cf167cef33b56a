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
}
