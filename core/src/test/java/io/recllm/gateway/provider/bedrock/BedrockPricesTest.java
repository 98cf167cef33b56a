package io.recllm.gateway.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.pricing.Pricing;
import org.junit.jupiter.api.Test;

/** The built-in table prices Bedrock models, inference profiles included, with their cache rates. */
class BedrockPricesTest {

  private final Pricing pricing = Pricing.builtIn();

  @Test
  void everyFamilyTheTypeTargetsIsPriced() {
    assertThat(pricing.knownModels(BedrockProviderType.NAME))
        .anyMatch(m -> m.startsWith("anthropic.claude"))
        .anyMatch(m -> m.startsWith("amazon.nova"))
        .anyMatch(m -> m.startsWith("meta.llama"))
        .anyMatch(m -> m.startsWith("mistral."))
        .anyMatch(m -> m.startsWith("us.anthropic.claude"))
        .allMatch(m -> !m.contains("/"));
  }

  @Test
  void theRecordedCacheWriteCostsWhatTheRatesSay() throws Exception {
    TokenUsage usage = BedrockMapper.usageOf(Json.MAPPER.readTree(Fixtures.read("bedrock/converse_cache_write.json")).get("usage"));
    // Haiku 3.5 on Bedrock: 0.8 input, 1 cache write, 4 output per 1M tokens
    long nanoUsd = pricing.cost("bedrock", "us.anthropic.claude-3-5-haiku-20241022-v1:0", usage).nanoUsd();
    assertThat(nanoUsd).isEqualTo(2 * 800 + 1322 * 1000 + 5 * 4000);
    assertThat(pricing.cost("bedrock", "us.amazon.nova-micro-v1:0", TokenUsage.of(1_000_000, 1_000_000)).nanoUsd())
        .isEqualTo(35_000_000L + 140_000_000L);
  }
}
