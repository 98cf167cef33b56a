package io.recllm.gateway.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.core.TokenUsage;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rows by provider: one id at several providers' prices, a preset's rows, Azure on OpenAI's rows. */
class PricingProvidersTest {

  private final Pricing pricing = Pricing.builtIn()
      .withProviderTypes(Map.of("fast", "cerebras", "azure", "azure", "groq", "groq", "cerebras", "cerebras"));

  private String input(String provider, String model) {
    return pricing.find(provider, model).orElseThrow().input().toPlainString();
  }

  @Test
  void theSameModelIdIsPricedByTheProviderThatServesIt() {
    assertThat(input("cerebras", "gpt-oss-120b")).isEqualTo("0.35");
    assertThat(input("fireworks", "gpt-oss-120b")).isEqualTo("0.15");
    assertThat(input("groq", "openai/gpt-oss-120b")).isEqualTo("0.15");
    assertThat(input("openrouter", "openai/gpt-oss-120b")).isEqualTo("0.18");
  }

  @Test
  void aPresetsModelsArePricedAndListed() {
    Cost cost = pricing.cost("groq", "llama-3.3-70b-versatile", TokenUsage.of(1_000_000, 1_000_000));
    assertThat(cost.priced()).isTrue();
    assertThat(cost.usd()).isEqualTo(0.59 + 0.79);
    assertThat(cost.priceVersion()).isEqualTo("builtin:llama-3.3-70b-versatile@2026-07-24");
    assertThat(pricing.knownModels("groq")).contains("llama-3.3-70b-versatile").doesNotContain("gpt-4o");
    assertThat(pricing.knownModels("ollama")).isEmpty();
  }

  @Test
  void aProviderNamedOtherwiseThanItsPresetUsesThePresetsRows() {
    // by id alone, Fireworks' row (listed before Cerebras') would answer 0.15
    assertThat(input("fast", "gpt-oss-120b")).isEqualTo("0.35");
    assertThat(pricing.find("fast", "openai/gpt-oss-120b")).isEmpty(); // Cerebras does not list it
  }

  @Test
  void azureIsPricedByOpenAisRowOfTheSameModel() {
    assertThat(pricing.cost("azure", "gpt-4o", TokenUsage.of(1, 1)).priceVersion()).isEqualTo("builtin:gpt-4o@2024-08-06");
    assertThat(pricing.cost("azure", "gpt-4o-2024-11-20", TokenUsage.of(1, 1)).priceVersion())
        .isEqualTo("builtin:gpt-4o-2024-11-20@2024-11-20");
    assertThat(input("azure", "gpt-4o-mini")).isEqualTo(input("openai", "gpt-4o-mini"));
  }
}
