package io.recllm.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.resilience.CircuitBreaker.Permit;
import io.recllm.gateway.resilience.CircuitBreaker.State;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

  private final ManualTime time = new ManualTime();

  private CircuitBreaker breaker(int threshold, long windowMs, long openMs, int halfOpenCalls) {
    return new CircuitBreaker("openai", new CircuitBreakerSettings(threshold, windowMs, openMs, halfOpenCalls), time);
  }

  private static void fail(CircuitBreaker b) {
    b.onFailure(b.tryAcquire());
  }

  @Test
  void opensAfterTheThresholdOfFailuresWithinTheWindow() {
    CircuitBreaker b = breaker(3, 10_000, 5_000, 1);
    fail(b);
    fail(b);
    b.onSuccess(b.tryAcquire()); // successes do not wipe out failures: a flapping provider still opens
    assertThat(b.state()).isEqualTo(State.CLOSED);
    fail(b);

    assertThat(b.state()).isEqualTo(State.OPEN);
    assertThat(b.allowsCalls()).isFalse();
    assertThat(b.tryAcquire()).isNull();
    assertThat(b.nanosUntilHalfOpen()).isEqualTo(5_000_000_000L);
  }

  @Test
  void failuresSpreadWiderThanTheWindowDoNotOpenIt() {
    CircuitBreaker b = breaker(3, 10_000, 5_000, 1);
    fail(b);
    time.advanceMillis(6_000);
    fail(b);
    time.advanceMillis(6_000);
    fail(b); // three failures, but 12 s apart
    assertThat(b.state()).isEqualTo(State.CLOSED);
    time.advanceMillis(6_000);
    fail(b); // the last three, again 12 s apart
    assertThat(b.state()).isEqualTo(State.CLOSED);
    time.advanceMillis(1_000);
    fail(b); // the last three within 7 s
    assertThat(b.state()).isEqualTo(State.OPEN);
  }

  @Test
  void halfOpensAfterOpenMsAndClosesWhenItsProbesSucceed() {
    CircuitBreaker b = breaker(1, 10_000, 5_000, 2);
    fail(b);
    time.advanceMillis(4_999);
    assertThat(b.tryAcquire()).isNull();
    time.advanceMillis(1);

    assertThat(b.state()).isEqualTo(State.HALF_OPEN);
    Permit p1 = b.tryAcquire();
    Permit p2 = b.tryAcquire();
    assertThat(p1.probe()).isTrue();
    assertThat(p2.probe()).isTrue();
    assertThat(b.tryAcquire()).as("only half_open_calls probes at a time").isNull();
    assertThat(b.allowsCalls()).isFalse();

    b.onSuccess(p1);
    assertThat(b.state()).isEqualTo(State.HALF_OPEN);
    b.onSuccess(p2);
    assertThat(b.state()).isEqualTo(State.CLOSED);
    assertThat(b.tryAcquire().probe()).isFalse();
  }

  @Test
  void aFailedProbeOpensItAgainForAnotherFullOpenMs() {
    CircuitBreaker b = breaker(1, 10_000, 5_000, 1);
    fail(b);
    time.advanceMillis(5_000);
    Permit probe = b.tryAcquire();
    time.advanceMillis(2_000);
    b.onFailure(probe);

    assertThat(b.state()).isEqualTo(State.OPEN);
    time.advanceMillis(4_999);
    assertThat(b.tryAcquire()).isNull();
    time.advanceMillis(1);
    assertThat(b.tryAcquire()).isNotNull();
  }

  @Test
  void lateResultsOfCallsAdmittedBeforeItOpenedAreNotTakenForProbes() {
    CircuitBreaker b = breaker(2, 10_000, 5_000, 1);
    Permit early = b.tryAcquire();
    Permit earlySuccess = b.tryAcquire();
    fail(b);
    fail(b);
    time.advanceMillis(5_000);
    Permit probe = b.tryAcquire();

    b.onSuccess(earlySuccess);
    b.onFailure(early);
    assertThat(b.state()).isEqualTo(State.HALF_OPEN);
    b.onSuccess(probe);
    assertThat(b.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void anIgnoredProbeFreesItsSlot() {
    CircuitBreaker b = breaker(1, 10_000, 5_000, 1);
    fail(b);
    time.advanceMillis(5_000);
    Permit probe = b.tryAcquire();
    assertThat(b.tryAcquire()).isNull();
    b.onIgnored(probe);
    assertThat(b.tryAcquire()).isNotNull();
    assertThat(b.state()).isEqualTo(State.HALF_OPEN);
  }

  @Test
  void aThresholdOfZeroNeverOpens() {
    CircuitBreaker b = breaker(0, 10_000, 5_000, 1);
    for (int i = 0; i < 100; i++) fail(b);
    assertThat(b.state()).isEqualTo(State.CLOSED);
    assertThat(b.tryAcquire()).isNotNull();
  }

  @Test
  void afterClosingItCountsFailuresAfresh() {
    CircuitBreaker b = breaker(2, 10_000, 5_000, 1);
    fail(b);
    fail(b);
    time.advanceMillis(5_000);
    b.onSuccess(b.tryAcquire());
    assertThat(b.state()).isEqualTo(State.CLOSED);
    fail(b);
    assertThat(b.state()).isEqualTo(State.CLOSED);
    fail(b);
    assertThat(b.state()).isEqualTo(State.OPEN);
  }
}
