package io.recllm.gateway.resilience;

import io.recllm.gateway.call.CallStep;
import io.recllm.gateway.core.ModelRef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resilience steps built from one {@link ResilienceSettings}, sharing their state: the circuit
 * breakers, the targets' load and latency, the weighted rotations. Build one per gateway and add
 * {@link #steps()} to its call chain:
 *
 * <pre>
 *   routing (ROUTING) ▸ retry (RETRY) ▸ circuit breaker, target stats (PROVIDER) ▸ LlmClient
 * </pre>
 */
public final class Resilience {

  private final Map<String, RoutePlan> routes;
  private final CircuitBreakers breakers;
  private final TargetStats stats;
  private final RoutingStep routing;
  private final List<CallStep> steps;

  /**
   * @param cost prices calls for {@code lowest_cost} routes (may be null when no route uses it)
   * @param time the clocks; {@link TimeSource#SYSTEM} in the gateway
   * @param delay the backoff waits; {@link Delay#vertx} in the gateway
   */
  public Resilience(ResilienceSettings settings, CostEstimate cost, TimeSource time, Delay delay) {
    List<ModelRef> targets = new ArrayList<>();
    settings.routes().values().forEach(r -> r.targets().forEach(t -> targets.add(t.model())));
    this.stats = new TargetStats(targets);
    Map<String, RoutePlan> plans = new LinkedHashMap<>();
    settings.routes().forEach((name, r) -> plans.put(name, new RoutePlan(r, stats, cost)));
    this.routes = Collections.unmodifiableMap(plans);
    this.breakers = new CircuitBreakers(settings.circuitBreaker(), settings.providerCircuitBreakers(), time);
    RetryPolicies retries = new RetryPolicies(settings.retries(), settings.providerRetries());
    this.routing = new RoutingStep(routes, breakers, retries);
    this.steps = List.of(routing, new RetryStep(retries, breakers, time, delay), new CircuitBreakerStep(breakers),
        new TargetStatsStep(stats, time));
  }

  /** The steps to add to the call chain; the chain orders them by stage. */
  public List<CallStep> steps() {
    return steps;
  }

  /** The routes by name. */
  public Map<String, RoutePlan> routes() {
    return routes;
  }

  /** Whether a client's model name is a route's, so that it needs no provider of that name. */
  public boolean isRoute(String model) {
    return routing.route(model) != null;
  }

  public CircuitBreakers circuitBreakers() {
    return breakers;
  }

  public TargetStats targetStats() {
    return stats;
  }
}
