package io.recllm.gateway.resilience;

import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallOutcome;
import io.recllm.gateway.call.CallStep;
import io.recllm.gateway.call.Stage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.core.ModelRef;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Sends a call whose {@code model} names a route to the route's targets: picks one with the route's
 * {@link Strategy} among those not tried yet for this call and whose circuit is not open, sets it as
 * {@link Call#target(ModelRef)} and passes the call on (to {@link RetryStep}, which retries that
 * target). When the target fails with an outcome its retry policy lists in {@code on}, after its
 * retries, or its circuit turned out to be open, the next target is picked; any other failure (a
 * refused request) is the answer. Calls for other models pass through untouched.
 *
 * <p>The route is put on the call as {@link #ROUTE}, so that the steps inside use the route's own
 * {@code retries} and {@code circuit_breaker}. When the targets run out the last failure is returned;
 * when every target's circuit is open so none was tried, the call fails at once with 503
 * {@code provider_unavailable}. A stream falls over only while its future fails, before the upstream
 * accepted it; after that nothing has been lost yet and nothing can be redone.
 */
public final class RoutingStep implements CallStep {

  /** The route a call is going through; absent for a call that names a provider's model directly. */
  public static final Call.Key<RoutePlan> ROUTE = new Call.Key<>("route");

  /**
   * The models a request's {@code fallbacks} field names, tried in order after the requested model (or
   * after the route's targets) when it fails with an outcome its retry policy lists; set by the HTTP layer.
   */
  public static final Call.Key<List<ModelRef>> FALLBACKS = new Call.Key<>("fallbacks");

  private static final TargetStats NO_STATS = new TargetStats(List.of());

  private final Map<String, RoutePlan> routes;
  private final CircuitBreakers breakers;
  private final RetryPolicies retries;
  private final Function<Call, String> requestedName;

  /** Routes are found by the {@code model} field of the call's body, as the client wrote it. */
  public RoutingStep(Map<String, RoutePlan> routes, CircuitBreakers breakers, RetryPolicies retries) {
    this(routes, breakers, retries, call -> call.body().path("model").asText(null));
  }

  /** @param requestedName the model name the client asked for, which may be a route's name */
  public RoutingStep(Map<String, RoutePlan> routes, CircuitBreakers breakers, RetryPolicies retries,
                     Function<Call, String> requestedName) {
    this.routes = Map.copyOf(routes);
    this.breakers = breakers;
    this.retries = retries;
    this.requestedName = requestedName;
  }

  @Override
  public Stage stage() {
    return Stage.ROUTING;
  }

  /** The route a client's model name selects, or null. */
  public RoutePlan route(String model) {
    return model == null ? null : routes.get(model);
  }

  @Override
  public Future<ChatResult> complete(Call call, Next next) {
    return route(call, next::complete);
  }

  @Override
  public Future<ChatStream> stream(Call call, Next next) {
    return route(call, next::stream);
  }

  private <T> Future<T> route(Call call, Function<Call, Future<T>> send) {
    RoutePlan plan = route(requestedName.apply(call));
    List<ModelRef> fallbacks = call.get(FALLBACKS);
    if (plan == null) {
      if (fallbacks == null || fallbacks.isEmpty()) return send.apply(call);
      List<ModelRef> targets = new ArrayList<>(fallbacks.size() + 1);
      targets.add(call.target());
      RoutePlan own = fallbackPlan(targets, fallbacks);
      return tryNext(call, own, send, new boolean[own.targets().size()], null);
    }
    call.put(ROUTE, plan);
    call.put(CallOutcome.ROUTE, plan.name());
    Future<T> routed = tryNext(call, plan, send, new boolean[plan.targets().size()], null);
    if (fallbacks == null || fallbacks.isEmpty()) return routed;
    return routed.recover(failure -> {
      if (!fallsOver(call, failure)) return Future.failedFuture(failure);
      RoutePlan then = fallbackPlan(new ArrayList<>(), fallbacks);
      call.put(ROUTE, then); // the fallbacks are the providers' own: no longer the route's retries and breakers
      return tryNext(call, then, send, new boolean[then.targets().size()], failure);
    });
  }

  /** A request's own {@code fallbacks}, after {@code first}, as a fallback route of its own. */
  private static RoutePlan fallbackPlan(List<ModelRef> first, List<ModelRef> fallbacks) {
    List<RouteSettings.Target> targets = new ArrayList<>();
    for (ModelRef m : first) targets.add(new RouteSettings.Target(m, 1));
    for (ModelRef m : fallbacks) {
      if (targets.stream().noneMatch(t -> t.model().equals(m))) targets.add(new RouteSettings.Target(m, 1));
    }
    return new RoutePlan(new RouteSettings("fallbacks", Strategy.FALLBACK, targets, null, null), NO_STATS, null);
  }

  private <T> Future<T> tryNext(Call call, RoutePlan plan, Function<Call, Future<T>> send, boolean[] tried,
                                Throwable last) {
    if (last != null && call.remainingNanos() <= 0) return Future.failedFuture(last);
    List<ModelRef> targets = plan.targets();
    boolean[] eligible = new boolean[targets.size()];
    for (int i = 0; i < eligible.length; i++) {
      eligible[i] = !tried[i] && breakers.forTarget(plan, targets.get(i).provider()).allowsCalls();
    }
    int pick = plan.pick(call, eligible);
    if (pick < 0) return Future.failedFuture(last != null ? last : noneAvailable(plan));
    tried[pick] = true;
    call.target(targets.get(pick));
    return send.apply(call).recover(failure -> fallsOver(call, failure)
        ? tryNext(call, plan, send, tried, failure)
        : Future.failedFuture(failure));
  }

  private boolean fallsOver(Call call, Throwable failure) {
    return Outcome.of(failure).circuitOpen() || retries.forCall(call).retriesOn(failure);
  }

  private GatewayException noneAvailable(RoutePlan plan) {
    List<String> providers = new ArrayList<>();
    long soonest = Long.MAX_VALUE;
    for (ModelRef t : plan.targets()) {
      if (!providers.contains(t.provider())) providers.add(t.provider());
      soonest = Math.min(soonest, breakers.forTarget(plan, t.provider()).nanosUntilHalfOpen());
    }
    return GatewayException.ProviderFailure.unavailable("No target of route \"" + plan.name()
        + "\" is available: the circuit breakers of " + String.join(", ", providers)
        + " are open after repeated failures (circuit_breaker)", String.valueOf(CircuitBreakerStep.seconds(soonest)));
  }
}
