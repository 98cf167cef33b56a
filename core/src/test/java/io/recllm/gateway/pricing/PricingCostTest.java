package io.recllm.gateway.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.recllm.gateway.core.TokenUsage;
import org.junit.jupiter.api.Test;

/** Costs of real models, each worked out by hand from the published per-1M rates. */
class PricingCostTest {

  private static final double EPS = 1e-12;
  private final Pricing pricing = Pricing.builtIn();

  private static TokenUsage usage(long prompt, long completion, long cached, long cacheWrite, long reasoning) {
    return new TokenUsage(prompt, completion, prompt + completion, cached, cacheWrite, reasoning, false);
  }

  @Test
  void gpt4oWithCachedPrompt() {
    // 6,000 uncached x 2.50 + 4,000 cached x 1.25 + 2,000 out x 10 = 15,000 + 5,000 + 20,000 per 1M
    Cost cost = pricing.cost("openai", "gpt-4o", usage(10_000, 2_000, 4_000, 0, 0));
    assertThat(cost.usd()).isCloseTo(0.04, within(EPS));
    assertThat(cost.priceVersion()).isEqualTo("builtin:gpt-4o@2024-08-06");
  }

  @Test
  void gpt4oMiniWithoutCache() {
    // 1,200 x 0.15 + 300 x 0.60 = 180 + 180 per 1M
    Cost cost = pricing.cost("openai", "gpt-4o-mini", usage(1_200, 300, 0, 0, 0));
    assertThat(cost.usd()).isCloseTo(0.00036, within(EPS));
  }

  @Test
  void reasoningTokensAreInsideCompletionAndBilledOnce() {
    // o3: 1,000 x 2 + 5,000 x 8 (4,000 of them reasoning) = 2,000 + 40,000 per 1M
    Cost cost = pricing.cost("openai", "o3", usage(1_000, 5_000, 0, 0, 4_000));
    assertThat(cost.usd()).isCloseTo(0.042, within(EPS));
    assertThat(cost.priceVersion()).isEqualTo("builtin:o3@2025-06-10");
  }

  @Test
  void claudeSonnet45WithCacheReadsAndWrites() {
    // prompt 50,000 = 10,000 uncached + 30,000 read + 10,000 written
    // 10,000 x 3 + 30,000 x 0.30 + 10,000 x 3.75 + 1,000 x 15 = 30,000 + 9,000 + 37,500 + 15,000
    Cost cost = pricing.cost("anthropic", "claude-sonnet-4-5-20250929", usage(50_000, 1_000, 30_000, 10_000, 0));
    assertThat(cost.usd()).isCloseTo(0.0915, within(EPS));
    assertThat(cost.priceVersion()).isEqualTo("builtin:claude-sonnet-4-5-20250929@2025-09-29");
  }

  @Test
  void claude35HaikuKeptAtItsLastPrice() {
    // 2,000 x 0.80 + 6,000 x 0.08 + 2,000 x 1.00 + 500 x 4 = 1,600 + 480 + 2,000 + 2,000
    Cost cost = pricing.cost("anthropic", "claude-3-5-haiku-20241022", usage(10_000, 500, 6_000, 2_000, 0));
    assertThat(cost.usd()).isCloseTo(0.00608, within(EPS));
  }

  @Test
  void claudeOpus41CacheWriteOnly() {
    // 1,000 x 15 + 20,000 x 18.75 + 100 x 75 = 15,000 + 375,000 + 7,500
    Cost cost = pricing.cost("anthropic", "claude-opus-4-1", usage(21_000, 100, 0, 20_000, 0));
    assertThat(cost.usd()).isCloseTo(0.3975, within(EPS));
  }

  @Test
  void modelWithoutCachedRateBillsCachedTokensAtInput() {
    // gpt-4: no cached rate, so all 1,000 prompt tokens at 30; 100 out x 60
    Cost cost = pricing.cost("openai", "gpt-4", usage(1_000, 100, 400, 0, 0));
    assertThat(cost.usd()).isCloseTo((1_000 * 30.0 + 100 * 60.0) / 1e6, within(EPS));
  }

  @Test
  void longPromptSwitchesTheWholeCallToLongContextRates() {
    // gpt-5.4 above 272k: 200,000 x 5 + 100,000 x 0.50 + 10,000 x 22.5 = 1,000,000 + 50,000 + 225,000
    Cost cost = pricing.cost("openai", "gpt-5.4", usage(300_000, 10_000, 100_000, 0, 0));
    assertThat(cost.usd()).isCloseTo(1.275, within(EPS));
    assertThat(cost.priceVersion()).isEqualTo("builtin:gpt-5.4@2026-03-05/long-context");
  }

  @Test
  void promptAtTheThresholdStaysStandard() {
    // 272,000 x 2.50 + 1,000 x 15 = 680,000 + 15,000
    Cost cost = pricing.cost("openai", "gpt-5.4", usage(272_000, 1_000, 0, 0, 0));
    assertThat(cost.usd()).isCloseTo(0.695, within(EPS));
    assertThat(cost.priceVersion()).isEqualTo("builtin:gpt-5.4@2026-03-05");
  }

  @Test
  void anthropicLongContextCountsCacheTokensInThePrompt() {
    // Sonnet 4.5, prompt 250,000 (> 200k) incl. 200,000 read + 40,000 written:
    // 10,000 x 6 + 200,000 x 0.60 + 40,000 x 7.50 + 2,000 x 22.50 = 60,000 + 120,000 + 300,000 + 45,000
    Cost cost = pricing.cost("anthropic", "claude-sonnet-4-5", usage(250_000, 2_000, 200_000, 40_000, 0));
    assertThat(cost.usd()).isCloseTo(0.525, within(EPS));
    assertThat(cost.priceVersion()).endsWith("/long-context");
  }

  @Test
  void haiku55PromptsOver100kBillAtFiveTimes() {
    // 150,000 x 0.50 + 1,000 x 2.50 = 75,000 + 2,500
    Cost cost = pricing.cost("anthropic", "claude-haiku-5-5", usage(150_000, 1_000, 0, 0, 0));
    assertThat(cost.usd()).isCloseTo(0.0775, within(EPS));
  }

  @Test
  void priorityTierUsesPriorityRates() {
    // gpt-5.5 priority: 9,000 x 12.50 + 1,000 x 1.25 + 1,000 x 75 = 112,500 + 1,250 + 75,000
    Cost cost = pricing.cost("openai", "gpt-5.5", usage(10_000, 1_000, 1_000, 0, 0), "priority");
    assertThat(cost.usd()).isCloseTo(0.18875, within(EPS));
    assertThat(cost.priceVersion()).isEqualTo("builtin:gpt-5.5@2026-04-23/priority");
  }

  @Test
  void otherServiceTiersAndModelsWithoutPriorityRatesBillStandard() {
    Cost flex = pricing.cost("openai", "gpt-5.5", usage(1_000, 0, 0, 0, 0), "flex");
    assertThat(flex.usd()).isCloseTo(0.005, within(EPS));
    Cost noPriorityRow = pricing.cost("openai", "o1", usage(1_000, 0, 0, 0, 0), "priority");
    assertThat(noPriorityRow.usd()).isCloseTo(0.015, within(EPS));
    assertThat(noPriorityRow.priceVersion()).isEqualTo("builtin:o1@2024-12-17");
  }

  @Test
  void inconsistentUsageNeverGoesNegative() {
    // cached + written exceed prompt: no uncached tokens, the cache tokens still bill
    Cost cost = pricing.cost("anthropic", "claude-haiku-4-5", usage(100, 0, 80, 80, 0));
    assertThat(cost.usd()).isCloseTo((80 * 0.1 + 80 * 1.25) / 1e6, within(EPS));
    assertThat(pricing.cost("openai", "gpt-4o", usage(-5, -5, 0, 0, 0)).usd()).isZero();
  }

  @Test
  void missingUsageCostsZeroButIsPriced() {
    Cost cost = pricing.cost("openai", "gpt-4o", null);
    assertThat(cost.usd()).isZero();
    assertThat(cost.priced()).isTrue();
  }
}
