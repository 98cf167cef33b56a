package io.recllm.gateway.pricing;

/**
 * The cost of one call. {@code priceVersion} names the price row applied: for the built-in table
 * the listed model id and effective date ({@code builtin:gpt-4o@2024-08-06}), with
 * {@code /priority} or {@code /long-context} appended when those rates applied; for a config
 * override {@code config:<model>}. It is null when the model has no price, in which case
 * {@code usd} is 0.
 */
public record Cost(double usd, String priceVersion) {
  public static final Cost UNPRICED = new Cost(0, null);

  public boolean priced() {
    return priceVersion != null;
  }
}
