package io.recllm.gateway.resilience;

import io.recllm.gateway.call.Call;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The circuit breakers, one per provider name, made on first use with the provider's
 * {@code circuit_breaker} settings or the global ones. A route that sets its own
 * {@code circuit_breaker} has its own breaker per provider of its targets, so its stricter or looser
 * settings never change what other calls to the provider see. Thread-safe.
 */
public final class CircuitBreakers {

  private record Key(String route, String provider) {}

  private final CircuitBreakerSettings defaults;
  private final Map<String, CircuitBreakerSettings> perProvider;
  private final TimeSource time;
  private final ConcurrentHashMap<Key, CircuitBreaker> breakers = new ConcurrentHashMap<>();

  public CircuitBreakers(CircuitBreakerSettings defaults, Map<String, CircuitBreakerSettings> perProvider,
                         TimeSource time) {
    this.defaults = defaults;
    this.perProvider = Map.copyOf(new HashMap<>(perProvider));
    this.time = time;
  }

  public CircuitBreaker forProvider(String provider) {
    return breakers.computeIfAbsent(new Key(null, provider),
        k -> new CircuitBreaker(provider, perProvider.getOrDefault(provider, defaults), time));
  }

  /** The breaker that guards {@code provider} for calls through {@code route} (null for a direct call). */
  public CircuitBreaker forTarget(RoutePlan route, String provider) {
    CircuitBreakerSettings own = route == null ? null : route.settings().circuitBreaker();
    if (own == null) return forProvider(provider);
    return breakers.computeIfAbsent(new Key(route.name(), provider),
        k -> new CircuitBreaker("routes." + route.name() + "/" + provider, own, time));
  }

  /** The breaker for the call's current target. */
  public CircuitBreaker forCall(Call call) {
    return forTarget(call.get(RoutingStep.ROUTE), call.target().provider());
  }

  /** Every breaker made so far, for metrics and status pages. */
  public List<CircuitBreaker> all() {
    return List.copyOf(breakers.values());
  }
}
