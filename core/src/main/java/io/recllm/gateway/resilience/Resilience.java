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
  private final ProviderHealth health;
  private final FirstChunkStep firstChunk = new FirstChunkStep();

  /**
   * @param cost prices calls for {@code lowest_cost} routes (may be null when no route uses it)
   * @param time the clocks; {@link TimeSource#SYSTEM} in the gateway
   * @param delay the backoff waits; {@link Delay#vertx} in the gateway
   */
  public Resilience(ResilienceSettings settings, CostEstimate cost, TimeSource time, Delay delay) {
    this(settings, List.of(), cost, time, delay);
  }

  /**
   * Only the steps the settings need: routing when anything is configured (routes, or a request's
   * {@code fallbacks}), retry when something retries, the breaker when one is on, target stats when
   * there are routes; none for {@link ResilienceSettings#NONE}.
   *
   * @param providers the configured provider names, whose health {@link #health()} keeps
   */
  public Resilience(ResilienceSettings settings, Iterable<String> providers, CostEstimate cost, TimeSource time,
                    Delay delay) {
    List<ModelRef> targets = new ArrayList<>();
    settings.routes().values().forEach(r -> r.targets().forEach(t -> targets.add(t.model())));
    this.stats = new TargetStats(targets);
    Map<String, RoutePlan> plans = new LinkedHashMap<>();
    settings.routes().forEach((name, r) -> plans.put(name, new RoutePlan(r, stats, cost)));
    this.routes = Collections.unmodifiableMap(plans);
    this.breakers = new CircuitBreakers(settings.circuitBreaker(), settings.providerCircuitBreakers(), time);
    RetryPolicies retries = new RetryPolicies(settings.retries(), settings.providerRetries());
    this.routing = new RoutingStep(routes, breakers, retries);
    List<CallStep> all = new ArrayList<>(4);
    if (settings.configured()) all.add(routing);
    if (settings.retrying()) all.add(new RetryStep(retries, settings.breaking() ? breakers : null, time, delay));
    if (settings.breaking()) all.add(new CircuitBreakerStep(breakers));
    if (!settings.routes().isEmpty()) all.add(new TargetStatsStep(stats, time));
    if (settings.configured()) all.add(firstChunk); // innermost: breaker and stats see a stream that broke early
    this.steps = List.copyOf(all);
    this.health = new ProviderHealth(breakers, providers);
  }

  /**
   * The routing step alone, for calls that carry their own {@code fallbacks} on a gateway whose config
   * asks for nothing else (so its chain has no resilience step).
   */
  public RoutingStep routingStep() {
    return routing;
  }

  /** What a call with its own {@code fallbacks} needs when {@link #steps()} is empty: routing, and streams held to their first chunk. */
  public List<CallStep> fallbackSteps() {
    return List.of(routing, firstChunk);
  }

  /** Tries, failures, latency, retries, fallbacks and circuit state per provider. */
  public ProviderHealth health() {
    return health;
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
