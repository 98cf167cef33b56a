package io.recllm.gateway.resilience;

/**
 * One provider's circuit breaker, shared by every event loop that calls the provider.
 *
 * <pre>
 *   CLOSED ──failure_threshold failures within window_ms──▶ OPEN
 *   OPEN ──open_ms passed──▶ HALF_OPEN (half_open_calls probes let through, every other call refused)
 *   HALF_OPEN ──every probe succeeded──▶ CLOSED        HALF_OPEN ──a probe failed──▶ OPEN
 * </pre>
 *
 * A call asks {@link #tryAcquire()} before it goes upstream and hands the permit back with its
 * result: {@link #onSuccess}, {@link #onFailure} or {@link #onIgnored}. Results of calls admitted in
 * an earlier state are not mistaken for probe results. While closed, admitting a call and noting its
 * success read one volatile field; only failures and the other states take the lock.
 */
public final class CircuitBreaker {

  public enum State { CLOSED, OPEN, HALF_OPEN }

  /** The admission of one call, to hand back with its result. */
  public static final class Permit {
    private final long generation;
    private final boolean probe;

    private Permit(long generation, boolean probe) {
      this.generation = generation;
      this.probe = probe;
    }

    /** Whether the call is one of the half-open state's probes. */
    public boolean probe() {
      return probe;
    }
  }

  private static final Permit NORMAL = new Permit(-1, false);

  private final String name;
  private final CircuitBreakerSettings settings;
  private final TimeSource time;
  private final long windowNanos;
  private final long openNanos;

  private volatile State state = State.CLOSED;
  // guarded by this
  private final long[] failureTimes; // the last failure_threshold failures, a ring
  private int nextFailure;
  private int failures;
  private long openedAt;
  private long generation;
  private int probesAdmitted;
  private int probeSuccesses;

  public CircuitBreaker(String name, CircuitBreakerSettings settings, TimeSource time) {
    this.name = name;
    this.settings = settings;
    this.time = time;
    this.windowNanos = settings.windowMs() * 1_000_000L;
    this.openNanos = settings.openMs() * 1_000_000L;
    this.failureTimes = new long[Math.max(1, settings.failureThreshold())];
  }

  /** What the breaker guards: a provider name, or a route's own breaker for one provider. */
  public String name() {
    return name;
  }

  public CircuitBreakerSettings settings() {
    return settings;
  }

  /** The current state; an open circuit whose {@code open_ms} passed reports (and becomes) half-open. */
  public State state() {
    if (state == State.CLOSED) return State.CLOSED;
    synchronized (this) {
      halfOpenIfDue();
      return state;
    }
  }

  /**
   * Whether {@link #tryAcquire()} would admit a call now, without taking a permit: for choosing among
   * targets before trying one.
   */
  public boolean allowsCalls() {
    if (state == State.CLOSED) return true;
    synchronized (this) {
      halfOpenIfDue();
      return state == State.CLOSED || state == State.HALF_OPEN && probesAdmitted < settings.halfOpenCalls();
    }
  }

  /** Admits a call, or returns null when the circuit is open or all of half-open's probes are out. */
  public Permit tryAcquire() {
    if (state == State.CLOSED) return NORMAL;
    synchronized (this) {
      halfOpenIfDue();
      if (state == State.CLOSED) return NORMAL;
      if (state == State.OPEN || probesAdmitted >= settings.halfOpenCalls()) return null;
      probesAdmitted++;
      return new Permit(generation, true);
    }
  }

  public void onSuccess(Permit permit) {
    if (!permit.probe) return; // a success while closed changes nothing
    synchronized (this) {
      if (!current(permit)) return;
      if (++probeSuccesses >= settings.halfOpenCalls()) close();
    }
  }

  public void onFailure(Permit permit) {
    if (!settings.enabled()) return;
    synchronized (this) {
      long now = time.nanoTime();
      if (permit.probe) {
        if (current(permit)) open(now);
        return;
      }
      // a late failure of a call admitted before the circuit opened adds nothing to an open one
      if (state != State.CLOSED) return;
      failureTimes[nextFailure] = now;
      nextFailure = (nextFailure + 1) % failureTimes.length;
      if (failures < failureTimes.length) failures++;
      long oldest = failureTimes[nextFailure]; // the ring is full: the slot to overwrite next is the oldest
      if (failures == failureTimes.length && now - oldest <= windowNanos) open(now);
    }
  }

  /** The call ended in a way that says nothing about the provider: its probe slot is free again. */
  public void onIgnored(Permit permit) {
    if (!permit.probe) return;
    synchronized (this) {
      if (current(permit)) probesAdmitted--;
    }
  }

  /** Nanoseconds until an open circuit lets probes through; 0 when it is not open. */
  public long nanosUntilHalfOpen() {
    if (state != State.OPEN) return 0;
    synchronized (this) {
      return state != State.OPEN ? 0 : Math.max(0, openNanos - (time.nanoTime() - openedAt));
    }
  }

  private boolean current(Permit permit) {
    return state == State.HALF_OPEN && permit.generation == generation;
  }

  private void halfOpenIfDue() {
    if (state == State.OPEN && time.nanoTime() - openedAt >= openNanos) {
      generation++;
      probesAdmitted = 0;
      probeSuccesses = 0;
      state = State.HALF_OPEN;
    }
  }

  private void open(long now) {
    generation++;
    openedAt = now;
    failures = 0;
    nextFailure = 0;
    state = State.OPEN;
  }

  private void close() {
    generation++;
    failures = 0;
    nextFailure = 0;
    state = State.CLOSED;
  }

  @Override
  public String toString() {
    return "CircuitBreaker[" + name + " " + state() + "]";
  }
}
