package io.recllm.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyEwmaTest {

  @Test
  void startsAtTheFirstSampleAndMovesAlphaOfTheWayTowardsEachNewOne() {
    LatencyEwma e = new LatencyEwma(0.5);
    assertThat(e.nanos()).isNaN();
    e.record(100);
    assertThat(e.nanos()).isEqualTo(100.0);
    e.record(300);
    assertThat(e.nanos()).isEqualTo(200.0);
    e.record(0);
    assertThat(e.nanos()).isEqualTo(100.0);
  }

  @Test
  void aSingleSlowCallDoesNotOutweighAHistoryOfFastOnes() {
    LatencyEwma e = new LatencyEwma();
    for (int i = 0; i < 20; i++) e.record(100);
    e.record(1000);
    assertThat(e.nanos()).isCloseTo(100 + LatencyEwma.DEFAULT_ALPHA * 900, within(1e-6));
  }
}
