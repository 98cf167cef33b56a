package io.recllm.gateway.resilience;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * Waits without blocking: the backoff before a retry. The gateway's waits are Vert.x timers, which
 * fire on the event loop that set them, so a retried call stays on its loop; tests pass one that
 * completes at once and moves a manual clock instead.
 */
@FunctionalInterface
public interface Delay {

  /** A future completed after {@code nanos} nanoseconds (at once for zero or less). */
  Future<Void> after(long nanos);

  /** Waits on Vert.x timers, rounded up to the timer's millisecond resolution. */
  static Delay vertx(Vertx vertx) {
    return nanos -> {
      if (nanos <= 0) return Future.succeededFuture();
      long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
      return vertx.timer(millis, TimeUnit.MILLISECONDS);
    };
  }
}
