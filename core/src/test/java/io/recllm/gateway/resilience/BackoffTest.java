package io.recllm.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static final long MS = 1_000_000L;
  private static final long NOW = Instant.parse("2025-03-01T12:00:00Z").toEpochMilli();

  @Test
  void fullJitterIsAUniformShareOfAnExponentialCeilingCappedAtTheMaximum() {
    // ceilings 200, 400, 800, 1600, then capped at 1000
    assertThat(Backoff.fullJitterNanos(1, 200, 1000, 0.5)).isEqualTo(100 * MS);
    assertThat(Backoff.fullJitterNanos(2, 200, 1000, 0.5)).isEqualTo(200 * MS);
    assertThat(Backoff.fullJitterNanos(3, 200, 1000, 0.5)).isEqualTo(400 * MS);
    assertThat(Backoff.fullJitterNanos(4, 200, 1000, 0.5)).isEqualTo(500 * MS);
    assertThat(Backoff.fullJitterNanos(60, 200, 1000, 0.5)).isEqualTo(500 * MS);
    assertThat(Backoff.fullJitterNanos(1, 200, 1000, 0.0)).isZero();
    assertThat(Backoff.fullJitterNanos(3, 200, 1000, 0.999)).isBetween(798 * MS, 800 * MS);
    assertThatThrownBy(() -> Backoff.fullJitterNanos(0, 200, 1000, 0.5)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aHugeAttemptNumberDoesNotOverflowTheCeiling() {
    assertThat(Backoff.fullJitterNanos(Integer.MAX_VALUE, 1, 3_600_000, 1.0)).isEqualTo(3_600_000 * MS);
  }

  @Test
  void retryAfterInSecondsWholeOrFractional() {
    assertThat(Backoff.retryAfterNanos("2", NOW)).isEqualTo(2000 * MS);
    assertThat(Backoff.retryAfterNanos(" 0 ", NOW)).isZero();
    assertThat(Backoff.retryAfterNanos("1.5", NOW)).isEqualTo(1500 * MS);
  }

  @Test
  void retryAfterAsAnHttpDateCountsFromNowAndIsZeroOncePast() {
    String in3s = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochMilli(NOW + 3000).atOffset(ZoneOffset.UTC));
    String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochMilli(NOW - 60_000).atOffset(ZoneOffset.UTC));
    assertThat(Backoff.retryAfterNanos(in3s, NOW)).isEqualTo(3000 * MS);
    assertThat(Backoff.retryAfterNanos("Sat, 01 Mar 2025 12:00:07 GMT", NOW)).isEqualTo(7000 * MS);
    assertThat(Backoff.retryAfterNanos(past, NOW)).isZero();
  }

  @Test
  void unusableRetryAfterIsNoHint() {
    assertThat(Backoff.retryAfterNanos(null, NOW)).isEqualTo(Backoff.NONE);
    assertThat(Backoff.retryAfterNanos("", NOW)).isEqualTo(Backoff.NONE);
    assertThat(Backoff.retryAfterNanos("-5", NOW)).isEqualTo(Backoff.NONE);
    assertThat(Backoff.retryAfterNanos("soon", NOW)).isEqualTo(Backoff.NONE);
    assertThat(Backoff.retryAfterNanos("1e9", NOW)).isEqualTo(Backoff.NONE);
  }

  @Test
  void retryAfterMsWinsOverRetryAfter() {
    assertThat(Backoff.retryAfterMsNanos("250")).isEqualTo(250 * MS);
    assertThat(Backoff.retryAfterMsNanos("12.5")).isEqualTo(12_500_000L);
    assertThat(Backoff.retryAfterMsNanos("x")).isEqualTo(Backoff.NONE);
    assertThat(Backoff.hintNanos("250", "5", NOW)).isEqualTo(250 * MS);
    assertThat(Backoff.hintNanos(null, "5", NOW)).isEqualTo(5000 * MS);
    assertThat(Backoff.hintNanos("bad", "5", NOW)).isEqualTo(5000 * MS);
    assertThat(Backoff.hintNanos(null, null, NOW)).isEqualTo(Backoff.NONE);
  }

  @Test
  void anAbsurdlyLongHintStaysFarFromOverflow() {
    assertThat(Backoff.retryAfterNanos("999999999999999999", NOW)).isPositive().isLessThan(Long.MAX_VALUE / 2);
  }
}
