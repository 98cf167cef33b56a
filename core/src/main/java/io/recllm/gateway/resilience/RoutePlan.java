package io.recllm.gateway.resilience;

import io.recllm.gateway.call.Call;
import io.recllm.gateway.core.ModelRef;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntToDoubleFunction;

/**
 * A configured route at run time: its targets and the state its strategy keeps (the weighted
 * rotation), and the choice of the next target among those still eligible. Ties go to the target
 * listed first, except under {@link Strategy#LEAST_BUSY}, where they rotate so that idle targets
 * share the calls. Shared by all event loops; thread-safe.
 */
public final class RoutePlan {

  private final RouteSettings settings;
  private final List<ModelRef> targets;
  private final RetryPolicy retryPolicy;
  private final SmoothWeightedRoundRobin weighted;
  private final TargetStats stats;
  private final CostEstimate cost;
  private final AtomicInteger rotation = new AtomicInteger();

  /**
   * @param stats where in-flight counts and latencies are kept; must track this route's targets
   * @param cost prices a call at a target; needed only by {@link Strategy#LOWEST_COST}
   */
  public RoutePlan(RouteSettings settings, TargetStats stats, CostEstimate cost) {
    if (settings.strategy() == Strategy.LOWEST_COST && cost == null) {
      throw new IllegalArgumentException("route " + settings.name() + ": lowest_cost needs a cost estimate");
    }
    this.settings = settings;
    this.targets = settings.targets().stream().map(RouteSettings.Target::model).toList();
    this.retryPolicy = settings.retries() == null ? null : new RetryPolicy(settings.retries());
    this.weighted = settings.strategy() == Strategy.WEIGHTED
        ? new SmoothWeightedRoundRobin(settings.targets().stream().mapToInt(RouteSettings.Target::weight).toArray())
        : null;
    this.stats = stats;
    this.cost = cost;
  }

  public String name() {
    return settings.name();
  }

  public Strategy strategy() {
    return settings.strategy();
  }

  public RouteSettings settings() {
    return settings;
  }

  public List<ModelRef> targets() {
    return targets;
  }

  /** The route's own retry policy, or null when the target's provider's (or the global one) applies. */
  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /**
   * The index of the target to try next among those with {@code eligible[i]} (not tried yet for this
   * call, circuit not open), or -1 when none is.
   */
  public int pick(Call call, boolean[] eligible) {
    return switch (settings.strategy()) {
      case FALLBACK -> first(eligible);
      case WEIGHTED -> weighted.pick(eligible);
      case LEAST_LATENCY -> lowest(eligible, 0, i -> {
        TargetStats.Entry e = stats.get(targets.get(i));
        double nanos = e == null ? Double.NaN : e.latencyNanos(call.stream());
        return Double.isNaN(nanos) ? -1 : nanos; // not measured yet: try it, so that it gets measured
      });
      case LOWEST_COST -> lowest(eligible, 0, i -> {
        double usd = cost.usd(targets.get(i), call);
        return Double.isNaN(usd) ? Double.POSITIVE_INFINITY : usd;
      });
      case LEAST_BUSY -> lowest(eligible, Math.floorMod(rotation.getAndIncrement(), targets.size()), i -> {
        TargetStats.Entry e = stats.get(targets.get(i));
        return e == null ? 0 : e.inFlight();
      });
    };
  }

  private static int first(boolean[] eligible) {
    for (int i = 0; i < eligible.length; i++) {
      if (eligible[i]) return i;
    }
    return -1;
  }

  private int lowest(boolean[] eligible, int start, IntToDoubleFunction score) {
    int n = targets.size();
    int best = -1;
    double bestScore = 0;
    for (int k = 0; k < n; k++) {
      int i = (start + k) % n;
      if (!eligible[i]) continue;
      double s = score.applyAsDouble(i);
      if (best < 0 || s < bestScore) {
        best = i;
        bestScore = s;
      }
    }
    return best;
  }

  @Override
  public String toString() {
    return "RoutePlan[" + settings.name() + " " + settings.strategy().configName() + " " + targets + "]";
  }
}
