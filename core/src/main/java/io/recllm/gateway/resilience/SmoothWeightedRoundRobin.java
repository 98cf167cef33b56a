package io.recllm.gateway.resilience;

/**
 * nginx's smooth weighted round robin: every pick adds each candidate's weight to its running score,
 * takes the highest score and subtracts the candidates' total weight from it. Over any run of
 * {@code sum(weights)} picks each target is chosen {@code weight} times, and the picks are spread out
 * ({@code 5,1,1} gives {@code a a b a c a a}), not bunched. Candidates left out of a pick (an open
 * circuit, a target already tried) neither gain nor lose score. Thread-safe.
 */
public final class SmoothWeightedRoundRobin {

  private final int[] weights;
  private final long[] current;

  public SmoothWeightedRoundRobin(int[] weights) {
    if (weights.length == 0) throw new IllegalArgumentException("no weights");
    for (int w : weights) {
      if (w < 1) throw new IllegalArgumentException("weights must be at least 1, got " + w);
    }
    this.weights = weights.clone();
    this.current = new long[weights.length];
  }

  /** The index picked among those with {@code eligible[i]}, or -1 when none is. */
  public synchronized int pick(boolean[] eligible) {
    long total = 0;
    int best = -1;
    for (int i = 0; i < weights.length; i++) {
      if (!eligible[i]) continue;
      current[i] += weights[i];
      total += weights[i];
      if (best < 0 || current[i] > current[best]) best = i;
    }
    if (best >= 0) current[best] -= total;
    return best;
  }
}
