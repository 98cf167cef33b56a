package io.recllm.gateway.provider.openai;

import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.provider.ProviderClient;
import io.recllm.gateway.provider.ProviderContext;
import io.recllm.gateway.provider.ProviderType;
import java.util.List;

/**
 * {@code type: openai}: OpenAI and every OpenAI-compatible server; no settings beyond the common ones.
 * {@code /v1/responses} passes through to the server's own Responses API. It brings the presets ({@code groq}, {@code ollama}, ...) of {@link OpenAiPreset#ALL}.
 */
public final class OpenAiProviderType implements ProviderType<Void> {

  public static final String NAME = "openai";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<OpenAiPreset> presets() {
    return OpenAiPreset.ALL;
  }

  @Override
  public ProviderClient create(ProviderConfig config, Void settings, ProviderContext context) {
    return new OpenAiClient(context.upstream(config), true);
  }
}
