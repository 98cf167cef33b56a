package io.recllm.gateway.resilience;

/**
 * The clocks the resilience classes read: a monotonic one for durations (circuit windows, latencies)
 * and the wall clock for an HTTP-date {@code retry-after}. Tests pass a manual one so that time moves
 * only when they say; a call's own deadline still counts on {@link System#nanoTime()}.
 */
public interface TimeSource {

  /** The machine's clocks. */
  TimeSource SYSTEM = new TimeSource() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public long epochMillis() {
      return System.currentTimeMillis();
    }
  };

  /** Monotonic nanoseconds, comparable only with each other (like {@link System#nanoTime()}). */
  long nanoTime();

  /** Milliseconds since the epoch (like {@link System#currentTimeMillis()}). */
  long epochMillis();
}
