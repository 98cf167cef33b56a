package io.recllm.gateway.core;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Token counts of one call, in OpenAI's terms: {@code promptTokens} includes cached and cache-write
 * tokens; {@code cachedTokens} and {@code cacheWriteTokens} say how many of them were billed at the
 * cached-read or cache-write price. {@code estimated} is true when the upstream sent no usage and the
 * gateway counted with a tokenizer.
 */
public record TokenUsage(long promptTokens, long completionTokens, long totalTokens,
                         long cachedTokens, long cacheWriteTokens, long reasoningTokens,
                         boolean estimated) {

  public static final TokenUsage NONE = new TokenUsage(0, 0, 0, 0, 0, 0, false);

  public static TokenUsage of(long prompt, long completion) {
    return new TokenUsage(prompt, completion, prompt + completion, 0, 0, 0, false);
  }

  /** Reads an OpenAI {@code usage} object; a missing or null node gives {@link #NONE}. */
  public static TokenUsage fromOpenAi(JsonNode usage) {
    if (usage == null || !usage.isObject()) return NONE;
    long prompt = usage.path("prompt_tokens").asLong(0);
    long completion = usage.path("completion_tokens").asLong(0);
    long total = usage.has("total_tokens") ? usage.path("total_tokens").asLong(0) : prompt + completion;
    long cached = usage.path("prompt_tokens_details").path("cached_tokens").asLong(0);
    long reasoning = usage.path("completion_tokens_details").path("reasoning_tokens").asLong(0);
    return new TokenUsage(prompt, completion, total, cached, 0, reasoning, false);
  }
}
