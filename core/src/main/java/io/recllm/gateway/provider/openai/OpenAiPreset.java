package io.recllm.gateway.provider.openai;

import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.provider.ProviderClient;
import io.recllm.gateway.provider.ProviderContext;
import io.recllm.gateway.provider.ProviderType;
import java.util.List;

/**
 * An OpenAI-compatible service known by name: {@code groq: { type: groq }} plus {@code GROQ_API_KEY} is
 * a whole provider. {@code base_url} and {@code api_key} in the config override the preset's; a local
 * server's preset needs no key. Its models and prices are the price table's rows under its name.
 * Adding a preset is one line in {@link #ALL} and its price rows.
 *
 * @param keyEnv the variable holding the key; null for a local server that takes none
 */
public record OpenAiPreset(String name, String defaultBaseUrl, String keyEnv) implements ProviderType<Void> {

  /** The presets the {@code openai} type brings (see {@link OpenAiProviderType#presets()}). */
  public static final List<OpenAiPreset> ALL = List.of(
      new OpenAiPreset("mistral", "https://api.mistral.ai/v1", "MISTRAL_API_KEY"),
      new OpenAiPreset("groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY"),
      new OpenAiPreset("together", "https://api.together.xyz/v1", "TOGETHER_API_KEY"),
      new OpenAiPreset("deepseek", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY"),
      new OpenAiPreset("openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"),
      new OpenAiPreset("xai", "https://api.x.ai/v1", "XAI_API_KEY"),
      new OpenAiPreset("fireworks", "https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY"),
      new OpenAiPreset("cerebras", "https://api.cerebras.ai/v1", "CEREBRAS_API_KEY"),
      new OpenAiPreset("perplexity", "https://api.perplexity.ai", "PERPLEXITY_API_KEY"),
      new OpenAiPreset("ollama", "http://localhost:11434/v1", null),
      new OpenAiPreset("vllm", "http://localhost:8000/v1", null),
      new OpenAiPreset("lmstudio", "http://localhost:1234/v1", null));

  @Override
  public String defaultApiKeyEnv() {
    return keyEnv;
  }

  @Override
  public ProviderClient create(ProviderConfig config, Void settings, ProviderContext context) {
    return new OpenAiClient(context.upstream(config));
  }
}
