package io.recllm.gateway.resilience;

import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallStep;
import io.recllm.gateway.call.Stage;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.vertx.core.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

/**
 * Tries the call's current target again after a retryable failure, as the target's
 * {@link RetryPolicy} says (see {@link RetryPolicies} for which one applies), waiting on
 * {@link Delay} in between so the event loop is never blocked. Every try reaches the provider
 * link, which records it in {@link Call#attempts()}.
 *
 * <p>When the target's circuit opened meanwhile (this call's failures may have opened it), the
 * failure is returned without waiting: the retry would only be refused, and a route can fall over
 * at once.
 *
 * <p>A stream is retried only while its future fails, that is before the upstream accepted it and
 * so before anything reached the client; once the future has a {@link ChatStream}, a later failure
 * belongs to the stream and ends it.
 */
public final class RetryStep implements CallStep {

  private final RetryPolicies policies;
  private final CircuitBreakers breakers;
  private final TimeSource time;
  private final Delay delay;
  private final DoubleSupplier random;

  /** @param breakers the circuit breakers the tries pass, or null when there are none */
  public RetryStep(RetryPolicies policies, CircuitBreakers breakers, TimeSource time, Delay delay) {
    this(policies, breakers, time, delay, () -> ThreadLocalRandom.current().nextDouble());
  }

  /** @param random uniformly random numbers in [0, 1) for the jitter */
  public RetryStep(RetryPolicies policies, CircuitBreakers breakers, TimeSource time, Delay delay,
                   DoubleSupplier random) {
    this.policies = policies;
    this.breakers = breakers;
    this.time = time;
    this.delay = delay;
    this.random = random;
  }

  @Override
  public Stage stage() {
    return Stage.RETRY;
  }

  @Override
  public Future<ChatResult> complete(Call call, Next next) {
    return attempt(call, next::complete, 1);
  }

  @Override
  public Future<ChatStream> stream(Call call, Next next) {
    return attempt(call, next::stream, 1);
  }

  private <T> Future<T> attempt(Call call, Function<Call, Future<T>> send, int tries) {
    return send.apply(call).recover(failure -> {
      long wait = policies.forCall(call).waitBeforeRetry(failure, tries, call.remainingNanos(), time.epochMillis(),
          random.getAsDouble());
      if (wait == RetryPolicy.NO_RETRY || breakers != null && !breakers.forCall(call).allowsCalls()) {
        return Future.failedFuture(failure);
      }
      return delay.after(wait).compose(v -> attempt(call, send, tries + 1));
    });
  }
}
