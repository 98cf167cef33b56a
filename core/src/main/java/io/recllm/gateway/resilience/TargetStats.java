package io.recllm.gateway.resilience;

import io.recllm.gateway.core.ModelRef;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the load-aware strategies know about each route target: calls in flight now, and the moving
 * average latency of its answers, kept apart for streams (time until the upstream accepted) and
 * whole answers, which differ by orders of magnitude. Only the routes' targets are tracked, so a
 * client naming made-up models cannot grow it. Shared by all event loops; thread-safe.
 */
public final class TargetStats {

  /** One target's numbers. */
  public static final class Entry {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LatencyEwma completions = new LatencyEwma();
    private final LatencyEwma streams = new LatencyEwma();

    public int inFlight() {
      return inFlight.get();
    }

    /** Average latency in nanoseconds of the given kind of call, NaN before the first. */
    public double latencyNanos(boolean stream) {
      return (stream ? streams : completions).nanos();
    }

    void started() {
      inFlight.incrementAndGet();
    }

    void finished() {
      inFlight.decrementAndGet();
    }

    void latency(boolean stream, long nanos) {
      (stream ? streams : completions).record(nanos);
    }
  }

  private final Map<ModelRef, Entry> entries;

  public TargetStats(Collection<ModelRef> targets) {
    Map<ModelRef, Entry> m = new HashMap<>();
    for (ModelRef t : targets) m.putIfAbsent(t, new Entry());
    this.entries = Map.copyOf(m);
  }

  /** The target's numbers, or null for a model no route lists. */
  public Entry get(ModelRef target) {
    return entries.get(target);
  }
}
