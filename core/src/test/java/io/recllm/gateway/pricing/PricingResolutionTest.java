package io.recllm.gateway.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.recllm.gateway.core.TokenUsage;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class PricingResolutionTest {

  private final Pricing pricing = Pricing.builtIn();

  private String version(String provider, String model) {
    return pricing.cost(provider, model, TokenUsage.of(1, 1)).priceVersion();
  }

  @Test
  void listedDatedIdUsesItsOwnRow() {
    assertThat(version("openai", "gpt-4o-2024-08-06")).isEqualTo("builtin:gpt-4o-2024-08-06@2024-08-06");
    assertThat(version("openai", "gpt-4o-2024-05-13")).isEqualTo("builtin:gpt-4o-2024-05-13@2024-05-13");
    assertThat(pricing.find("openai", "gpt-4o-2024-05-13").orElseThrow().input()).isEqualByComparingTo("5.0");
  }

  @Test
  void unlistedDatedIdFindsItsFamily() {
    assertThat(version("openai", "gpt-4o-2099-01-31")).isEqualTo("builtin:gpt-4o@2024-08-06");
    assertThat(version("openai", "gpt-4o-mini-2099-01-31")).isEqualTo("builtin:gpt-4o-mini@2024-07-18");
    assertThat(version("anthropic", "claude-sonnet-4-5-20991231")).isEqualTo("builtin:claude-sonnet-4-5@2025-09-29");
    assertThat(version("anthropic", "claude-sonnet-4-5-20250929"))
        .isEqualTo("builtin:claude-sonnet-4-5-20250929@2025-09-29");
  }

  @Test
  void familyWithoutItsOwnRowFindsTheNewestDatedRow() {
    assertThat(version("anthropic", "claude-3-5-sonnet-20241022"))
        .isEqualTo("builtin:claude-3-5-sonnet-20241022@2024-10-22");
    // The June 2024 snapshot has the same price as the October one.
    assertThat(version("anthropic", "claude-3-5-sonnet-20240620"))
        .isEqualTo("builtin:claude-3-5-sonnet-20241022@2024-10-22");
    assertThat(version("anthropic", "claude-3-5-sonnet-latest"))
        .isEqualTo("builtin:claude-3-5-sonnet-20241022@2024-10-22");
    assertThat(version("anthropic", "claude-3-7-sonnet-latest"))
        .isEqualTo("builtin:claude-3-7-sonnet-20250219@2025-02-19");
    assertThat(version("anthropic", "claude-3-opus-latest")).isEqualTo("builtin:claude-3-opus-20240229@2024-02-29");
    assertThat(version("anthropic", "claude-3-haiku")).isEqualTo("builtin:claude-3-haiku-20240307@2024-03-07");
  }

  @Test
  void listedLatestAliasesMatchExactly() {
    assertThat(version("openai", "chatgpt-4o-latest")).startsWith("builtin:chatgpt-4o-latest@");
    assertThat(version("openai", "gpt-5-chat-latest")).startsWith("builtin:gpt-5-chat-latest@");
  }

  @Test
  void shorterUnrelatedPrefixesNeverMatch() {
    assertThat(pricing.find("openai", "gpt-4o-mini").orElseThrow().input()).isEqualByComparingTo("0.15");
    assertThat(pricing.find("openai", "gpt-4").orElseThrow().input()).isEqualByComparingTo("30.0");
    assertThat(pricing.find("openai", "gpt-4.1-mini").orElseThrow().input()).isEqualByComparingTo("0.4");
    assertThat(pricing.find("openai", "o3-mini").orElseThrow().input()).isEqualByComparingTo("1.1");
    // Not in the table: must stay unpriced rather than borrow o1's or gpt-4o's price.
    assertThat(pricing.find("openai", "o1-mini")).isEmpty();
    assertThat(pricing.find("openai", "o1-mini-2024-09-12")).isEmpty();
    assertThat(pricing.find("openai", "gpt-4o-nano")).isEmpty();
    assertThat(pricing.find("openai", "gpt-4o-realtime-preview")).isEmpty();
    assertThat(pricing.find("anthropic", "claude-opus-4-5-fast")).isEmpty();
    assertThat(pricing.find("openai", "gpt-4-12345678")).isEmpty();
  }

  @Test
  void fineTuneUsesTheTablesFineTuningPrice() {
    Cost cost = pricing.cost("openai", "ft:gpt-4o-mini-2024-07-18:acme::AbC123", TokenUsage.of(1_000_000, 0));
    assertThat(cost.usd()).isCloseTo(0.30, within(1e-12));
    assertThat(cost.priceVersion()).isEqualTo("builtin:ft:gpt-4o-mini-2024-07-18@2024-07-18");
    assertThat(version("openai", "ft:gpt-3.5-turbo-0125:acme:support:9xyz"))
        .isEqualTo("builtin:ft:gpt-3.5-turbo-0125@2024-01-25");
    // Undated fine-tune base: the newest fine-tuning row of the family.
    assertThat(version("openai", "ft:gpt-4.1-mini:acme::id1")).isEqualTo("builtin:ft:gpt-4.1-mini-2025-04-14@2025-04-14");
  }

  @Test
  void fineTuneWithoutFineTuningPriceFallsBackToTheBaseModel() {
    assertThat(version("openai", "ft:gpt-5-mini-2025-08-07:acme::id9")).isEqualTo("builtin:gpt-5-mini-2025-08-07@2025-08-07");
    assertThat(pricing.find("openai", "ft:no-such-model:acme::x")).isEmpty();
  }

  @Test
  void knownProviderOnlyMatchesItsOwnRows() {
    assertThat(pricing.find("anthropic", "gpt-4o")).isEmpty();
    assertThat(pricing.find("openai", "claude-sonnet-4-5")).isEmpty();
  }

  @Test
  void otherProviderNamesMatchById() {
    assertThat(version("azure-openai", "gpt-4o")).isEqualTo("builtin:gpt-4o@2024-08-06");
    assertThat(version(null, "claude-haiku-4-5")).isEqualTo("builtin:claude-haiku-4-5@2025-10-01");
  }

  @Test
  void overrideWinsOverBuiltInAndIsNamedInTheVersion() {
    Pricing p = pricing.withOverrides(Map.of("gpt-4o", new ModelPrice(1, null, null, 2, null, null)));
    Cost cost = p.cost("openai", "gpt-4o", TokenUsage.of(1_000_000, 1_000_000));
    assertThat(cost.usd()).isCloseTo(3.0, within(1e-12));
    assertThat(cost.priceVersion()).isEqualTo("config:gpt-4o");
    // An unlisted dated id reaches the override through its family...
    assertThat(p.cost("openai", "gpt-4o-2099-01-01", TokenUsage.of(1, 1)).priceVersion()).isEqualTo("config:gpt-4o");
    // ...but an id the table lists exactly keeps its built-in row (exact beats family).
    assertThat(p.cost("openai", "gpt-4o-2024-08-06", TokenUsage.of(1, 1)).priceVersion())
        .isEqualTo("builtin:gpt-4o-2024-08-06@2024-08-06");
    // The original instance is unchanged.
    assertThat(version("openai", "gpt-4o")).isEqualTo("builtin:gpt-4o@2024-08-06");
  }

  @Test
  void overrideOfADatedRowAppliesToAliasesResolvingToIt() {
    Pricing p = pricing.withOverrides(Map.of("claude-3-5-sonnet-20241022", new ModelPrice(1, null, null, 1, null, null)));
    assertThat(p.cost("anthropic", "claude-3-5-sonnet-latest", TokenUsage.of(1, 1)).priceVersion())
        .isEqualTo("config:claude-3-5-sonnet-20241022");
  }

  @Test
  void overridePricesCustomModelsForAnyProvider() {
    Pricing p = pricing.withOverrides(Map.of("my-model", new ModelPrice(0.5, 0.1, null, 1.5, 4096, "2026-01-01")));
    TokenUsage u = new TokenUsage(2_000, 1_000, 3_000, 1_000, 0, 0, false);
    Cost cost = p.cost("ollama", "my-model", u);
    assertThat(cost.usd()).isCloseTo((1_000 * 0.5 + 1_000 * 0.1 + 1_000 * 1.5) / 1e6, within(1e-12));
    assertThat(cost.priceVersion()).isEqualTo("config:my-model");
    assertThat(p.maxOutputTokens("ollama", "my-model")).isEqualTo(OptionalInt.of(4096));
  }

  @Test
  void zeroPriceOverrideMarksAModelFree() {
    Pricing p = pricing.withOverrides(Map.of("llama3", new ModelPrice(0, null, null, 0, null, null)));
    Cost cost = p.cost("ollama", "llama3", TokenUsage.of(100, 100));
    assertThat(cost.priced()).isTrue();
    assertThat(cost.usd()).isZero();
  }

  @Test
  void laterOverridesWinOverEarlierOnes() {
    Pricing p = pricing
        .withOverrides(Map.of("m", new ModelPrice(1, null, null, 1, null, null)))
        .withOverrides(Map.of("m", new ModelPrice(2, null, null, 2, null, null)));
    assertThat(p.find(null, "m").orElseThrow().input()).isEqualByComparingTo("2.0");
  }

  @Test
  void badOverridesAreRejectedWithTheirKey() {
    assertThatThrownBy(() -> pricing.withOverrides(Map.of("m", new ModelPrice(-1, null, null, 1, null, null))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pricing.m.input");
    assertThatThrownBy(() -> pricing.withOverrides(Map.of("m", new ModelPrice(1, -0.5, null, 1, null, null))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pricing.m.cached_input");
    assertThatThrownBy(() -> new ModelPrice(1, Double.NaN, null, 1, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    assertThatThrownBy(() -> pricing.withOverrides(Map.of("m", new ModelPrice(1, null, null, 1, 0, null))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pricing.m.max_output_tokens");
  }

  @Test
  void maxOutputTokensPerModel() {
    assertThat(pricing.maxOutputTokens("anthropic", "claude-sonnet-4-5-20250929")).isEqualTo(OptionalInt.of(64000));
    assertThat(pricing.maxOutputTokens("anthropic", "claude-3-5-haiku-latest")).isEqualTo(OptionalInt.of(8192));
    assertThat(pricing.maxOutputTokens("anthropic", "claude-3-haiku-20240307")).isEqualTo(OptionalInt.of(4096));
    assertThat(pricing.maxOutputTokens("anthropic", "claude-opus-5")).isEqualTo(OptionalInt.of(128000));
    assertThat(pricing.maxOutputTokens("anthropic", "claude-unknown")).isEmpty();
  }

  @Test
  void overrideWithoutMaxOutputKeepsTheBuiltInCeiling() {
    Pricing p = pricing.withOverrides(Map.of("claude-sonnet-4-5", new ModelPrice(1, null, null, 1, null, null)));
    assertThat(p.maxOutputTokens("anthropic", "claude-sonnet-4-5")).isEqualTo(OptionalInt.of(64000));
    assertThat(p.find("anthropic", "claude-sonnet-4-5").orElseThrow().maxOutputTokens()).isNull();
  }

  @Test
  void repeatedLookupsReturnTheSameAnswer() {
    for (int i = 0; i < 3; i++) {
      assertThat(version("openai", "gpt-4o-2099-01-31")).isEqualTo("builtin:gpt-4o@2024-08-06");
      assertThat(pricing.find("openai", "o1-mini")).isEmpty();
    }
  }

  @Test
  void emptyOrNullModelIsUnpriced() {
    assertThat(pricing.cost("openai", null, TokenUsage.of(1, 1))).isEqualTo(Cost.UNPRICED);
    assertThat(pricing.cost("openai", "", TokenUsage.of(1, 1))).isEqualTo(Cost.UNPRICED);
  }
}
