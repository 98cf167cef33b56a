package io.recllm.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmoothWeightedRoundRobinTest {

  private static List<String> picks(SmoothWeightedRoundRobin rr, boolean[] eligible, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int p = rr.pick(eligible);
      out.add(p < 0 ? "-" : String.valueOf((char) ('a' + p)));
    }
    return out;
  }

  @Test
  void spreadsPicksAsNginxDoes() {
    SmoothWeightedRoundRobin rr = new SmoothWeightedRoundRobin(new int[] {5, 1, 1});
    boolean[] all = {true, true, true};
    assertThat(String.join("", picks(rr, all, 14))).isEqualTo("aabacaa" + "aabacaa");
  }

  @Test
  void eachTargetGetsItsShareInEveryRound() {
    SmoothWeightedRoundRobin rr = new SmoothWeightedRoundRobin(new int[] {3, 1});
    assertThat(String.join("", picks(rr, new boolean[] {true, true}, 8))).isEqualTo("aaba" + "aaba");
  }

  @Test
  void leavesOutIneligibleTargetsAndSaysWhenNoneIsLeft() {
    SmoothWeightedRoundRobin rr = new SmoothWeightedRoundRobin(new int[] {5, 1, 1});
    assertThat(picks(rr, new boolean[] {false, true, true}, 4)).containsExactly("b", "c", "b", "c");
    assertThat(rr.pick(new boolean[] {false, false, false})).isEqualTo(-1);
  }
}
