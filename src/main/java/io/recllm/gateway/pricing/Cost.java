package io.recllm.gateway.pricing;

/**
 * The cost of one call. {@code priceVersion} names the price row applied (model key and effective
 * date, or "config:&lt;model&gt;" for a config override); null when the model has no price, in which
 * case {@code usd} is 0.
 */
public record Cost(double usd, String priceVersion) {
  public static final Cost UNPRICED = new Cost(0, null);

  public boolean priced() {
    return priceVersion != null;
  }
}
