package io.recllm.gateway.provider.anthropic;

import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.provider.ProviderClient;
import io.recllm.gateway.provider.ProviderContext;
import io.recllm.gateway.provider.ProviderType;

/** {@code type: anthropic}: the Messages API; no settings beyond the common ones. */
public final class AnthropicProviderType implements ProviderType<Void> {

  public static final String NAME = "anthropic";

  /** Anthropic requires max_tokens; without one from the client or the price table's model row, this. */
  static final int FALLBACK_MAX_TOKENS = 4096;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ProviderClient create(ProviderConfig config, Void settings, ProviderContext context) {
    return new AnthropicClient(context.upstream(config),
        model -> context.pricing().maxOutputTokens(NAME, model).orElse(FALLBACK_MAX_TOKENS));
  }
}
