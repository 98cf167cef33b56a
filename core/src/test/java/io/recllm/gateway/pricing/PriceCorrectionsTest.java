package io.recllm.gateway.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/**
 * Places where the table deliberately differs from the price data it was built from, after checking
 * the providers' pricing pages. A regenerated or hand-edited table must keep them.
 */
class PriceCorrectionsTest {

  private final Pricing pricing = Pricing.builtIn();

  private PriceRow row(String model) {
    return pricing.builtInRow(model).orElseThrow(() -> new AssertionError(model + " is missing"));
  }

  private static ModelPrice price(double input, Double cached, Double write, double output, int maxOut, String date) {
    return new ModelPrice(input, cached, write, output, maxOut, date);
  }

  /** Prices are held without trailing zeros: 30, not 30.0. */
  private static BigDecimal dec(String price) {
    return new BigDecimal(price);
  }

  @Test
  void gpt55PriorityTierIsTwoAndAHalfTimesStandard() {
    for (String id : new String[] {"gpt-5.5", "gpt-5.5-2026-04-23"}) {
      ModelPrice priority = row(id).priority();
      assertThat(priority.input()).as(id).isEqualByComparingTo("12.5");
      assertThat(priority.cachedInput()).as(id).isEqualByComparingTo("1.25");
      assertThat(priority.output()).as(id).isEqualByComparingTo("75");
    }
  }

  @Test
  void otherPriorityRatesMatchTheProviderPage() {
    assertThat(row("gpt-5.4").priority()).extracting(ModelPrice::input, ModelPrice::cachedInput, ModelPrice::output)
        .containsExactly(dec("5"), dec("0.5"), dec("30"));
    assertThat(row("gpt-4.1").priority()).extracting(ModelPrice::input, ModelPrice::cachedInput, ModelPrice::output)
        .containsExactly(dec("3.5"), dec("0.875"), dec("14"));
  }

  @Test
  void legacyClaudeOneHourCacheWritesAreTwiceInput() {
    assertThat(row("claude-3-haiku-20240307").cacheWrite1h()).isEqualByComparingTo("0.5");
    assertThat(row("claude-3-opus-20240229").cacheWrite1h()).isEqualByComparingTo("30");
  }

  @Test
  void gpt56LunaAndTerraCarryThePriceCutOfJuly30() {
    assertThat(row("gpt-5.6-luna").standard()).isEqualTo(price(0.2, 0.02, 0.25, 1.2, 128000, "2026-07-30"));
    assertThat(row("gpt-5.6-terra").standard()).isEqualTo(price(2, 0.2, 2.5, 12, 128000, "2026-07-30"));
    // Priority rates published before the cut would now be 10x standard; better none than wrong.
    assertThat(row("gpt-5.6-luna").priority()).isNull();
    assertThat(row("gpt-5.6-terra").priority()).isNull();
    // Sol, and the alias that points at it, are unchanged.
    assertThat(row("gpt-5.6-sol").standard()).isEqualTo(price(5, 0.5, 6.25, 30, 128000, "2026-07-09"));
    assertThat(row("gpt-5.6").standard()).isEqualTo(row("gpt-5.6-sol").standard());
  }

  @Test
  void olderModelsClientsStillNameKeepTheirLastPrices() {
    assertThat(row("claude-3-5-sonnet-20241022").standard()).isEqualTo(price(3, 0.3, 3.75, 15, 8192, "2024-10-22"));
    assertThat(row("claude-3-5-haiku-20241022").standard()).isEqualTo(price(0.8, 0.08, 1.0, 4, 8192, "2024-10-22"));
  }

  @Test
  void modelsNewerThanTheSourceDataAreListed() {
    assertThat(row("claude-fable-5-1").standard()).isEqualTo(price(10, 0.25, 12.5, 50, 128000, "2026-09-01"));
    assertThat(row("claude-mythos-5-1").standard()).isEqualTo(price(10, 0.25, 12.5, 50, 128000, "2026-09-01"));
    assertThat(row("claude-mythos-5").standard()).isEqualTo(row("claude-fable-5").standard());
    assertThat(row("claude-sonnet-5-5").standard()).isEqualTo(price(2, 0.1, 2.5, 10, 128000, "2026-10-07"));
    assertThat(row("claude-opus-5-5").standard()).isEqualTo(price(4, 0.2, 5.0, 20, 128000, "2026-09-22"));
    assertThat(row("claude-haiku-5-5").standard()).isEqualTo(price(0.1, 0.01, 0.125, 0.5, 128000, "2026-10-07"));
    assertThat(row("claude-haiku-5-5").longContextAbove()).isEqualTo(100_000L);
    assertThat(row("gpt-6-astra").standard()).isEqualTo(price(10, 1.0, 12.5, 50, 128000, "2026-09-03"));
    assertThat(row("gpt-6-sol").standard()).isEqualTo(price(2, 0.2, 2.5, 10, 128000, "2026-09-22"));
    assertThat(row("gpt-6-luna").standard()).isEqualTo(price(0.1, 0.01, 0.125, 0.5, 128000, "2026-09-22"));
    assertThat(row("gpt-6.1-sol").standard()).isEqualTo(price(2, 0.1, 2.5, 10, 128000, "2026-09-29"));
    assertThat(row("gpt-6.1-terra").standard()).isEqualTo(price(1, 0.05, 1.25, 5, 128000, "2026-10-26"));
    for (String id : new String[] {"gpt-6-astra", "gpt-6-sol", "gpt-6-luna", "gpt-6.1-sol", "gpt-6.1-terra"}) {
      PriceRow r = row(id);
      assertThat(r.longContextAbove()).as(id).isEqualTo(272_000L);
      assertThat(r.longContext().input()).as(id).isEqualByComparingTo(r.standard().input().multiply(BigDecimal.valueOf(2)));
      assertThat(r.longContext().output()).as(id).isEqualByComparingTo(r.standard().output().multiply(new BigDecimal("1.5")));
    }
  }

  @Test
  void fineTunedGpt4oCachedRateIsACacheReadNotAWrite() {
    ModelPrice p = row("ft:gpt-4o-2024-11-20").standard();
    assertThat(p.cachedInput()).isEqualByComparingTo("1.875");
    assertThat(p.cacheWrite()).isNull();
  }

  @Test
  void entriesWithoutTokenPricesAreLeftOut() {
    assertThat(pricing.builtInRow("openai/container")).isEmpty();
  }

  @Test
  void spotChecksAgainstProviderPages() {
    assertThat(row("gpt-4").standard().input()).isEqualByComparingTo("30");
    assertThat(row("gpt-4").standard().output()).isEqualByComparingTo("60");
    assertThat(row("codex-mini-latest").standard()).extracting(ModelPrice::input, ModelPrice::cachedInput, ModelPrice::output)
        .containsExactly(dec("1.5"), dec("0.375"), dec("6"));
    assertThat(row("gpt-4.1-nano").standard()).extracting(ModelPrice::input, ModelPrice::cachedInput, ModelPrice::output)
        .containsExactly(dec("0.1"), dec("0.025"), dec("0.4"));
    assertThat(row("claude-sonnet-5").standard()).isEqualTo(price(2, 0.2, 2.5, 10, 128000, "2026-06-30"));
    assertThat(row("claude-sonnet-5").cacheWrite1h()).isEqualByComparingTo("4");
    assertThat(row("claude-opus-4-1").standard()).extracting(ModelPrice::input, ModelPrice::cachedInput, ModelPrice::cacheWrite, ModelPrice::output)
        .containsExactly(dec("15"), dec("1.5"), dec("18.75"), dec("75"));
  }
}
