package io.recllm.gateway.pricing;

import java.math.BigDecimal;

/**
 * Prices of one model in USD per 1M tokens, as exact decimals (held without trailing zeros, so equal
 * prices are equal records). {@code cachedInput} and {@code cacheWrite} may be null (the model has no
 * separate rate: input price applies). {@code maxOutputTokens} may be null. {@code effectiveDate} is the
 * ISO date from which the price applies.
 */
public record ModelPrice(BigDecimal input, BigDecimal cachedInput, BigDecimal cacheWrite, BigDecimal output,
                         Integer maxOutputTokens, String effectiveDate) {

  public ModelPrice {
    input = canonical(input);
    cachedInput = canonical(cachedInput);
    cacheWrite = canonical(cacheWrite);
    output = canonical(output);
  }

  /**
   * Prices given as doubles: each is taken as the shortest decimal that reads back as that double (what
   * {@link Double#toString} shows, so {@code 0.15} is exactly 0.15).
   *
   * @throws IllegalArgumentException when a price is NaN or infinite
   */
  public ModelPrice(double input, Double cachedInput, Double cacheWrite, double output, Integer maxOutputTokens,
                    String effectiveDate) {
    this(decimal(input), cachedInput == null ? null : decimal(cachedInput),
        cacheWrite == null ? null : decimal(cacheWrite), decimal(output), maxOutputTokens, effectiveDate);
  }

  private static BigDecimal decimal(double price) {
    if (!Double.isFinite(price)) throw new IllegalArgumentException("a price must be a finite number, was " + price);
    return BigDecimal.valueOf(price);
  }

  private static BigDecimal canonical(BigDecimal price) {
    if (price == null) return null;
    BigDecimal p = price.stripTrailingZeros();
    // 1E+1 becomes 10; an absurd exponent is left alone for the validation to refuse, not expanded
    return p.scale() < 0 && p.precision() - p.scale() <= 30 ? p.setScale(0) : p;
  }
}
