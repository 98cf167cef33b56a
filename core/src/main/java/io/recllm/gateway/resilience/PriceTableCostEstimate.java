package io.recllm.gateway.resilience;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.call.Call;
import io.recllm.gateway.pricing.Cost;
import io.recllm.gateway.pricing.Pricing;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.core.ModelRef;

/**
 * Prices a call from the price table before it is made: the prompt at roughly four characters a
 * token, plus the output the client allowed ({@code max_completion_tokens} or {@code max_tokens}, else
 * {@value #ASSUMED_OUTPUT_TOKENS}). The prompt is the same for every target, so a rough count ranks
 * targets as well as a tokenizer would, without tokenizing a large prompt on the event loop; it is
 * counted once per call. A target without a price is ranked last.
 */
public final class PriceTableCostEstimate implements CostEstimate {

  /** Output priced when the request sets no limit. */
  public static final int ASSUMED_OUTPUT_TOKENS = 1000;

  private static final Call.Key<Long> PROMPT_TOKENS = new Call.Key<>("estimated-prompt-tokens");

  private final Pricing pricing;

  public PriceTableCostEstimate(Pricing pricing) {
    this.pricing = pricing;
  }

  @Override
  public double usd(ModelRef target, Call call) {
    Long prompt = call.get(PROMPT_TOKENS);
    if (prompt == null) {
      prompt = promptTokens(call.body().path("messages"));
      call.put(PROMPT_TOKENS, prompt);
    }
    Cost cost = pricing.cost(target.provider(), target.model(), TokenUsage.of(prompt, outputTokens(call.body())));
    return cost.priced() ? cost.usd() : Double.POSITIVE_INFINITY;
  }

  static long outputTokens(JsonNode body) {
    JsonNode limit = body.hasNonNull("max_completion_tokens") ? body.get("max_completion_tokens") : body.get("max_tokens");
    return limit != null && limit.canConvertToLong() && limit.asLong() > 0 ? limit.asLong() : ASSUMED_OUTPUT_TOKENS;
  }

  static long promptTokens(JsonNode messages) {
    if (!messages.isArray()) return 0;
    long chars = 0;
    long tokens = 0;
    for (JsonNode m : messages) {
      tokens += 4; // role and framing
      JsonNode content = m.path("content");
      if (content.isTextual()) {
        chars += content.asText().length();
      } else if (content.isArray()) {
        for (JsonNode part : content) chars += part.path("text").asText("").length();
      }
      for (JsonNode call : m.path("tool_calls")) chars += call.path("function").path("arguments").asText("").length();
    }
    return tokens + (chars + 3) / 4;
  }
}
