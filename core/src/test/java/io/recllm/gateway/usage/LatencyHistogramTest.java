package io.recllm.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  @Test
  void exactBelow32AndWithin3PercentAbove() {
    for (long v = 0; v < 32; v++) assertThat(LatencyHistogram.value(LatencyHistogram.bucket(v))).isEqualTo(v);
    for (long v = 32; v < 5_000_000; v += 1 + v / 50) {
      long shown = LatencyHistogram.value(LatencyHistogram.bucket(v));
      assertThat(Math.abs(shown - v)).as("%d shown as %d", v, shown).isLessThanOrEqualTo(Math.max(1, v * 7 / 100));
    }
    assertThat(LatencyHistogram.bucket(-5)).isZero();
    assertThat(LatencyHistogram.bucket(Long.MAX_VALUE)).isEqualTo(LatencyHistogram.BUCKETS - 1);
  }

  @Test
  void bucketsAreOrderedAndContiguous() {
    int previous = 0;
    for (long v = 0; v < 1 << 20; v++) {
      int b = LatencyHistogram.bucket(v);
      assertThat(b - previous).isBetween(0, 1);
      previous = b;
    }
  }

  @Test
  void percentilesAreNearestRankLikePercentileDisc() {
    LatencyHistogram h = new LatencyHistogram();
    for (long v = 1; v <= 20; v++) h.record(v);
    long[] counts = new long[LatencyHistogram.BUCKETS];
    h.addTo(counts);
    assertThat(LatencyHistogram.percentile(counts, 0.5)).isEqualTo(10L);
    assertThat(LatencyHistogram.percentile(counts, 0.95)).isEqualTo(19L);
    assertThat(LatencyHistogram.percentile(new long[LatencyHistogram.BUCKETS], 0.5)).isNull();
  }
}
