package io.recllm.gateway.resilience;

import io.recllm.gateway.call.Call;
import io.recllm.gateway.core.ModelRef;

/**
 * What a call would cost at a target, for {@link Strategy#LOWEST_COST}: only the comparison between
 * targets matters, so an estimate is enough. The gateway's is {@link PriceTableCostEstimate}.
 */
@FunctionalInterface
public interface CostEstimate {

  /** Estimated USD of {@code call} at {@code target}; NaN or infinite when the target has no price. */
  double usd(ModelRef target, Call call);
}
