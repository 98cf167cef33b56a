package io.recllm.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.call.Call;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.pricing.ModelPrice;
import io.recllm.gateway.pricing.Pricing;
import io.recllm.gateway.core.ModelRef;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PriceTableCostEstimateTest {

  private static final ModelRef CHEAP_OUTPUT = new ModelRef("local", "cheap-output");
  private static final ModelRef CHEAP_INPUT = new ModelRef("local", "cheap-input");

  private final PriceTableCostEstimate estimate = new PriceTableCostEstimate(Pricing.builtIn().withOverrides(Map.of(
      "cheap-input", new ModelPrice(1, null, null, 10, null, null),
      "cheap-output", new ModelPrice(5, null, null, 2, null, null))));

  private static Call call(int promptChars, Integer maxTokens) {
    ObjectNode body = Json.object().put("model", "thrifty");
    body.putArray("messages").addObject().put("role", "user").put("content", "x".repeat(promptChars));
    if (maxTokens != null) body.put("max_tokens", maxTokens);
    return Call.builder("r", new ModelRef("openai", "thrifty"), body).build();
  }

  @Test
  void pricesThePromptEstimateAndTheAllowedOutput() {
    // 4000 characters: 1000 tokens, plus 4 for the message
    double usd = estimate.usd(new ModelRef("openai", "gpt-4o-mini"), call(4000, 100));
    assertThat(usd).isCloseTo((1004 * 0.15 + 100 * 0.6) / 1_000_000, within(1e-12));
    assertThat(estimate.usd(new ModelRef("openai", "gpt-4o"), call(4000, 100))).isGreaterThan(usd);
  }

  @Test
  void theCheaperTargetDependsOnHowMuchIsReadAndHowMuchMayBeWritten() {
    Call shortPromptLongAnswer = call(40, 4000);
    Call longPromptShortAnswer = call(40_000, 10);

    assertThat(estimate.usd(CHEAP_OUTPUT, shortPromptLongAnswer)).isLessThan(estimate.usd(CHEAP_INPUT, shortPromptLongAnswer));
    assertThat(estimate.usd(CHEAP_INPUT, longPromptShortAnswer)).isLessThan(estimate.usd(CHEAP_OUTPUT, longPromptShortAnswer));
  }

  @Test
  void withoutALimitAThousandOutputTokensArePriced() {
    double usd = estimate.usd(CHEAP_INPUT, call(0, null));
    assertThat(usd).isCloseTo((4 * 1 + 1000 * 10) / 1_000_000.0, within(1e-12));
    ObjectNode body = call(0, null).body().put("max_completion_tokens", 20);
    assertThat(PriceTableCostEstimate.outputTokens(body)).isEqualTo(20);
  }

  @Test
  void partsAndToolArgumentsCountTowardsThePrompt() {
    ObjectNode body = Json.object();
    var messages = body.putArray("messages");
    var parts = messages.addObject().put("role", "user").putArray("content");
    parts.addObject().put("type", "text").put("text", "y".repeat(400));
    parts.addObject().put("type", "image_url").putObject("image_url").put("url", "https://example.com/a.png");
    messages.addObject().put("role", "assistant").putArray("tool_calls").addObject()
        .putObject("function").put("name", "f").put("arguments", "z".repeat(400));
    assertThat(PriceTableCostEstimate.promptTokens(body.path("messages"))).isEqualTo(8 + 200);
  }

  @Test
  void anUnpricedTargetCostsInfinitelyMuchSoItIsRankedLast() {
    assertThat(estimate.usd(new ModelRef("ollama", "llama-nobody-priced"), call(100, 10))).isInfinite();
  }
}
