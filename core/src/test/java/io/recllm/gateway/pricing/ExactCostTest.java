package io.recllm.gateway.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recllm.gateway.core.TokenUsage;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A call's cost is worked out exactly from the decimal prices and rounded once, half to even, to a nano-USD. */
class ExactCostTest {

  private final Pricing pricing = Pricing.builtIn();

  @Test
  void seventeenTokensOfGpt4oMiniCostExactly0_00000255Usd() {
    // 17 x 0.15 / 1e6 in doubles is 0.0000025499999999999997
    Cost cost = pricing.cost("openai", "gpt-4o-mini", TokenUsage.of(17, 0));
    assertThat(cost.nanoUsd()).isEqualTo(2_550);
    assertThat(cost.usdExact()).isEqualTo(new BigDecimal("0.00000255"));
    assertThat(BigDecimal.valueOf(cost.usd()).toPlainString()).as("the double view is the nearest double")
        .isEqualTo("0.00000255");
  }

  @Test
  void everyRateAndTierIsExact() {
    // claude-3-5-haiku: 0.8 in, 0.08 cached read, 1.0 cache write, 4 out per 1M
    TokenUsage u = new TokenUsage(1_003, 7, 1_010, 301, 101, 0, false);
    Cost cost = pricing.cost("anthropic", "claude-3-5-haiku-20241022", u);
    // 601 x 0.8 + 301 x 0.08 + 101 x 1.0 + 7 x 4 = 480.8 + 24.08 + 101 + 28 = 633.88 per 1M
    assertThat(cost.usdExact()).isEqualTo(new BigDecimal("0.00063388"));
  }

  @Test
  void aHalfNanoUsdRoundsToEven() {
    // 0.0005 USD per 1M tokens is half a nano-USD per token
    Pricing p = pricing.withOverrides(Map.of("half", price("0.0005", "0.0005")));
    assertThat(p.cost(null, "half", TokenUsage.of(1, 0)).nanoUsd()).as("0.5").isZero();
    assertThat(p.cost(null, "half", TokenUsage.of(3, 0)).nanoUsd()).as("1.5").isEqualTo(2);
    assertThat(p.cost(null, "half", TokenUsage.of(5, 0)).nanoUsd()).as("2.5").isEqualTo(2);
    assertThat(p.cost(null, "half", TokenUsage.of(7, 0)).nanoUsd()).as("3.5").isEqualTo(4);
    // 0.0004 per 1M: 0.4 nano-USD a token; 0.0006: 0.6
    Pricing q = pricing.withOverrides(Map.of("m", price("0.0004", "0.0006")));
    assertThat(q.cost(null, "m", TokenUsage.of(1, 0)).nanoUsd()).isZero();
    assertThat(q.cost(null, "m", TokenUsage.of(0, 1)).nanoUsd()).isEqualTo(1);
  }

  @Test
  void theLongPathAndTheExactPathAgree() {
    Random random = new Random(7);
    String[] rates = {"0", "0.0005", "0.15", "2.5", "0.075", "1.25", "3.75", "0.000000001", "0.0000000015",
        "12345.678901234567", "999999.999999999", "1000000", "0.123456789012345", "75"};
    for (int i = 0; i < 20_000; i++) {
      ModelPrice p = new ModelPrice(rate(random, rates), random.nextBoolean() ? null : rate(random, rates),
          random.nextBoolean() ? null : rate(random, rates), rate(random, rates), null, null);
      long prompt = tokens(random);
      TokenUsage u = new TokenUsage(prompt, tokens(random), 0, random.nextInt(3) == 0 ? prompt / 3 : 0,
          random.nextInt(3) == 0 ? prompt / 5 : 0, 0, false);
      long fast = new Rates(p).nanoUsd(u);
      long exact = Pricing.nanoUsd(p, u);
      if (fast != exact) assertThat(fast).as("%s %s", p, u).isEqualTo(exact);
    }
  }

  @Test
  void aCostBeyondALongIsHeldAtItsEnd() {
    Pricing p = pricing.withOverrides(Map.of("dear", price("1000000", "1000000")));
    assertThat(p.cost(null, "dear", TokenUsage.of(Long.MAX_VALUE / 2, Long.MAX_VALUE / 2)).nanoUsd())
        .isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void theTableIsReadAsTheDecimalsWritten() throws Exception {
    String header = "provider,model,effective_date,input,cached_input,cache_write,cache_write_1h,output,"
        + "max_output_tokens,long_context_above,long_input,long_cached_input,long_cache_write,long_output,"
        + "priority_input,priority_cached_input,priority_cache_write,priority_output,note\n";
    PriceTable table = PriceTable.parse(new StringReader(header
        + "openai,m,2025-01-01,123456.789012345678,,,,0.30,1000,,,,,,,,,,\n"), "test.csv");
    ModelPrice p = table.exact("m", null).standard();
    assertThat(p.input()).isEqualTo(new BigDecimal("123456.789012345678"));
    assertThat(BigDecimal.valueOf(Double.parseDouble("123456.789012345678")))
        .as("what a double would have kept").isNotEqualByComparingTo(p.input());
    assertThat(p.output()).as("held without trailing zeros").isEqualTo(new BigDecimal("0.3"));

    assertThatThrownBy(() -> PriceTable.parse(new StringReader(header + "openai,m,2025-01-01,1e999999999,,,,1,1000,,,,,,,,,,\n"),
        "test.csv")).hasMessageContaining("test.csv:2").hasMessageContaining("input").hasMessageContaining("at most");
    assertThatThrownBy(() -> PriceTable.parse(new StringReader(header + "openai,m,2025-01-01,1,,,,1e-99999999,1000,,,,,,,,,,\n"),
        "test.csv")).hasMessageContaining("output").hasMessageContaining("decimal places");
    assertThatThrownBy(() -> PriceTable.parse(new StringReader(header + "openai,m,2025-01-01,NaN,,,,1,1000,,,,,,,,,,\n"),
        "test.csv")).hasMessageContaining("is not a number");
  }

  @Test
  void overridesWithUnusableRatesAreRefused() {
    assertThatThrownBy(() -> pricing.withOverrides(Map.of("m", price("1e99999999", "1"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pricing.m.input");
    assertThatThrownBy(() -> pricing.withOverrides(Map.of("m", price("1", "0.0000000000000001"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pricing.m.output")
        .hasMessageContaining("decimal places");
  }

  @Test
  void pricesGivenAsDoublesAreTheDecimalsTheyPrintAs() {
    assertThat(new ModelPrice(0.15, 0.075, null, 0.6, null, null))
        .isEqualTo(new ModelPrice(new BigDecimal("0.150"), new BigDecimal("0.075"), null, new BigDecimal("0.60"), null,
            null));
    assertThat(new ModelPrice(30, null, null, 60, null, null).input()).isEqualTo(new BigDecimal("30"));
  }

  @Test
  void amountsPrintAsPlainDecimals() {
    assertThat(NanoUsd.format(0)).isEqualTo("0");
    assertThat(NanoUsd.format(1)).isEqualTo("0.000000001");
    assertThat(NanoUsd.format(2_550)).isEqualTo("0.00000255");
    assertThat(NanoUsd.format(75_900)).isEqualTo("0.0000759");
    assertThat(NanoUsd.format(1_000_000_000_000L)).isEqualTo("1000");
    assertThat(NanoUsd.format(Long.MAX_VALUE)).isEqualTo("9223372036.854775807");
    assertThat(NanoUsd.toUsd(1_500_000_000L)).isEqualTo(new BigDecimal("1.5"));
    assertThat(NanoUsd.of(new BigDecimal("0.0000000025"))).isEqualTo(2);
    assertThat(NanoUsd.of(new BigDecimal("0.0000000035"))).isEqualTo(4);
    assertThat(NanoUsd.ofDouble(17 * 0.15 / 1_000_000)).isEqualTo(2_550);
    assertThatThrownBy(() -> NanoUsd.ofDouble(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }

  private static ModelPrice price(String input, String output) {
    return new ModelPrice(new BigDecimal(input), null, null, new BigDecimal(output), null, null);
  }

  private static BigDecimal rate(Random random, String[] rates) {
    return new BigDecimal(rates[random.nextInt(rates.length)]);
  }

  private static long tokens(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> random.nextInt(100);
      case 1 -> random.nextInt(2_000_000);
      case 2 -> random.nextLong(1L << 40);
      default -> random.nextLong(Long.MAX_VALUE / 4);
    };
  }
}
