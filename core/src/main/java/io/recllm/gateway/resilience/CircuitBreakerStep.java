package io.recllm.gateway.resilience;

import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallStep;
import io.recllm.gateway.call.Stage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.core.ModelRef;
import io.vertx.core.Future;
import java.util.function.Function;

/**
 * Guards every single upstream try (it runs at {@link Stage#PROVIDER}, inside retries) with the
 * target's {@link CircuitBreaker}: an open circuit fails the try at once with 503
 * {@code provider_unavailable} without going upstream (so no attempt is recorded), which
 * {@link RetryStep} does not retry and {@link RoutingStep} falls over on. The try's result goes back
 * to the breaker: a 5xx, 408, 429, connect failure or timeout counts against the provider; an answer,
 * or a refusal of the request itself (another 4xx), shows it is up; the gateway's own failures say
 * nothing about it.
 */
public final class CircuitBreakerStep implements CallStep {

  private final CircuitBreakers breakers;

  public CircuitBreakerStep(CircuitBreakers breakers) {
    this.breakers = breakers;
  }

  @Override
  public Stage stage() {
    return Stage.PROVIDER;
  }

  @Override
  public Future<ChatResult> complete(Call call, Next next) {
    return guarded(call, next::complete);
  }

  @Override
  public Future<ChatStream> stream(Call call, Next next) {
    return guarded(call, next::stream);
  }

  private <T> Future<T> guarded(Call call, Function<Call, Future<T>> send) {
    CircuitBreaker breaker = breakers.forCall(call);
    CircuitBreaker.Permit permit = breaker.tryAcquire();
    if (permit == null) return Future.failedFuture(unavailable(call.target(), breaker));
    Future<T> f;
    try {
      f = send.apply(call);
    } catch (RuntimeException e) {
      breaker.onIgnored(permit);
      throw e;
    }
    return f.andThen(ar -> {
      if (ar.succeeded()) {
        breaker.onSuccess(permit);
        return;
      }
      Outcome o = Outcome.of(ar.cause());
      if (o.providerFault()) breaker.onFailure(permit);
      else if (o.clientFault()) breaker.onSuccess(permit);
      else breaker.onIgnored(permit);
    });
  }

  /** 503 {@code provider_unavailable} for a try refused by {@code breaker}. */
  static GatewayException unavailable(ModelRef target, CircuitBreaker breaker) {
    long nanos = breaker.nanosUntilHalfOpen();
    GatewayException e = GatewayException.ProviderFailure.unavailable("Provider \"" + target.provider()
        + "\" is unavailable: its circuit breaker is open after repeated failures"
        + (nanos > 0 ? "; it will be tried again in " + seconds(nanos) + " s" : "")
        + " (circuit_breaker)", String.valueOf(seconds(nanos)));
    return e.at(target.provider(), target.model());
  }

  /** Whole seconds for {@code retry-after}, rounded up and at least 1. */
  static long seconds(long nanos) {
    return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
  }
}
