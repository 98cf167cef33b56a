package io.recllm.gateway.pricing;

import java.math.BigDecimal;

/**
 * The cost of one call in nano-USD (see {@link NanoUsd}): worked out exactly from the decimal prices and
 * rounded half to even to a whole nano-USD. {@code priceVersion} names the price row applied: for the
 * built-in table the listed model id and effective date ({@code builtin:gpt-4o@2024-08-06}), with
 * {@code /priority} or {@code /long-context} appended when those rates applied; for a config override
 * {@code config:<model>}. It is null when the model has no price, in which case the cost is 0.
 */
public record Cost(long nanoUsd, String priceVersion) {
  public static final Cost UNPRICED = new Cost(0, null);

  public boolean priced() {
    return priceVersion != null;
  }

  /** The exact amount in USD ({@code 0.00000255}). */
  public BigDecimal usdExact() {
    return NanoUsd.toUsd(nanoUsd);
  }

  /** The nearest double, for callers that want one; adding or printing amounts goes through {@link #nanoUsd}. */
  public double usd() {
    return NanoUsd.toDouble(nanoUsd);
  }
}
