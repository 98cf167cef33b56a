package io.recllm.gateway.pricing;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Money as the gateway keeps it: a whole number of nano-USD (1e-9 USD) in a {@code long}. A call's
 * cost is worked out exactly from the decimal prices and rounded once, half to even, to a whole
 * nano-USD; totals are sums of those longs, so they are exact and the same in whatever order calls
 * are added. Binary floating point never holds an amount the gateway computes, adds or prints: a
 * double such as 2.55e-6 is 0.0000025499999999999997, and 7.59e-5 is how Java prints it.
 */
public final class NanoUsd {

  /** Decimal places of a nano-USD amount in USD. */
  public static final int SCALE = 9;

  private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);
  private static final BigInteger MIN = BigInteger.valueOf(Long.MIN_VALUE);

  private NanoUsd() {}

  /**
   * {@code usd} rounded half to even to a whole nano-USD; beyond the range of a long (over 9.2 billion
   * USD) it is held at the nearest end rather than wrapping.
   */
  public static long of(BigDecimal usd) {
    BigInteger nanos = usd.movePointRight(SCALE).setScale(0, RoundingMode.HALF_EVEN).toBigInteger();
    if (nanos.compareTo(MAX) > 0) return Long.MAX_VALUE;
    if (nanos.compareTo(MIN) < 0) return Long.MIN_VALUE;
    return nanos.longValue();
  }

  /**
   * For callers that hold an amount as a double: the shortest decimal that reads back as that double
   * (what {@link Double#toString} shows, so {@code 0.00014} is 0.00014), rounded as {@link #of}.
   *
   * @throws IllegalArgumentException for NaN and infinities, which are no amount
   */
  public static long ofDouble(double usd) {
    if (!Double.isFinite(usd)) throw new IllegalArgumentException("not an amount of USD: " + usd);
    return of(BigDecimal.valueOf(usd));
  }

  /** The exact amount in USD, without trailing zeros ({@code 0} for zero, {@code 0.00000255}, {@code 12.5}). */
  public static BigDecimal toUsd(long nanos) {
    BigDecimal usd = BigDecimal.valueOf(nanos, SCALE).stripTrailingZeros();
    return usd.scale() < 0 ? usd.setScale(0) : usd;
  }

  /** The amount as a plain decimal, never in exponent notation: {@code 0}, {@code 0.0000759}, {@code 1000}. */
  public static String format(long nanos) {
    return toUsd(nanos).toPlainString();
  }

  /**
   * The nearest double, for consumers that are floating point by nature (metrics, span attributes);
   * never for adding amounts up or printing them.
   */
  public static double toDouble(long nanos) {
    return nanos / 1e9;
  }
}
