package io.recllm.gateway.resilience;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Clocks that move only when told, and backoff waits that pass at once, moving the clocks by the wait. */
final class ManualTime implements TimeSource, Delay {

  static final Instant START = Instant.parse("2025-03-01T12:00:00Z");

  private long nanos = 1_000_000_000_000L;
  private long epochMillis = START.toEpochMilli();
  final List<Long> waits = new ArrayList<>();

  @Override
  public long nanoTime() {
    return nanos;
  }

  @Override
  public long epochMillis() {
    return epochMillis;
  }

  void advance(Duration d) {
    nanos += d.toNanos();
    epochMillis += d.toMillis();
  }

  void advanceMillis(long ms) {
    advance(Duration.ofMillis(ms));
  }

  @Override
  public Future<Void> after(long waitNanos) {
    waits.add(waitNanos);
    advance(Duration.ofNanos(waitNanos));
    return Future.succeededFuture();
  }

  /** The waits so far, in milliseconds. */
  List<Long> waitsMillis() {
    return waits.stream().map(n -> n / 1_000_000).toList();
  }
}
