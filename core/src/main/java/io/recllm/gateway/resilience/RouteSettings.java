package io.recllm.gateway.resilience;

import io.recllm.gateway.core.ModelRef;
import java.util.List;

/**
 * One entry of {@code routes}: a model name clients may ask for, the targets that serve it and how
 * one is picked. {@code retries} and {@code circuitBreaker} are null unless the route sets its own;
 * a route with its own {@code circuit_breaker} keeps its own breakers, separate from the providers'.
 */
public record RouteSettings(String name, Strategy strategy, List<Target> targets, RetrySettings retries,
                            CircuitBreakerSettings circuitBreaker) {

  /** One target: a provider and model, and its share under {@link Strategy#WEIGHTED} (ignored otherwise). */
  public record Target(ModelRef model, int weight) {
    public Target {
      if (model == null) throw new IllegalArgumentException("model is null");
      if (weight < 1) throw new IllegalArgumentException("weight must be at least 1, got " + weight);
    }
  }

  public RouteSettings {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("route name is empty");
    if (strategy == null) throw new IllegalArgumentException("strategy is null");
    if (targets == null || targets.isEmpty()) throw new IllegalArgumentException("route " + name + " has no targets");
    targets = List.copyOf(targets);
  }
}
