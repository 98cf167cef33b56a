package io.recllm.gateway.resilience;

import io.recllm.gateway.call.Call;
import java.util.HashMap;
import java.util.Map;

/**
 * Which {@code retries} section applies to a try: the route's own when the call came through a route
 * that sets one, else the target provider's ({@code providers.<name>.retries}), else the global one.
 */
public final class RetryPolicies {

  private final RetryPolicy defaults;
  private final Map<String, RetryPolicy> perProvider;

  public RetryPolicies(RetrySettings defaults, Map<String, RetrySettings> perProvider) {
    this.defaults = new RetryPolicy(defaults);
    Map<String, RetryPolicy> m = new HashMap<>();
    perProvider.forEach((name, s) -> m.put(name, new RetryPolicy(s)));
    this.perProvider = Map.copyOf(m);
  }

  /** The policy for the call's current target. */
  public RetryPolicy forCall(Call call) {
    RoutePlan route = call.get(RoutingStep.ROUTE);
    if (route != null && route.retryPolicy() != null) return route.retryPolicy();
    return forProvider(call.target().provider());
  }

  public RetryPolicy forProvider(String provider) {
    return perProvider.getOrDefault(provider, defaults);
  }
}
