package io.recllm.gateway.call;

/**
 * Where a {@link CallStep} sits in the chain. The chain runs stages in this order, outermost first;
 * this enum is the one place that order is written down. Steps of the same stage run in the order
 * they were added.
 */
public enum Stage {
  /** Who is calling and whether they may call this model. */
  AUTH,
  /** Rates, parallel calls and budgets, reserved before the call and settled after it. */
  LIMITS,
  /** Answers a repeated call without going upstream. */
  CACHE,
  /** Changes the request or the answer: declarative rules, redaction, an application's own steps. */
  TRANSFORMS,
  /** Picks the target: routes, fallbacks, load balancing, circuit breakers. */
  ROUTING,
  /** Tries the same target again after a retryable failure. */
  RETRY,
  /** Around each single upstream try: tracing, measuring, error hygiene. */
  PROVIDER
}
