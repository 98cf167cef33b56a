package io.recllm.gateway.routing;

import java.util.Set;

/**
 * Names of well-known LLM providers. A model prefix from this list that is not configured here is a
 * configuration mistake worth a clear error; any other prefix is simply part of a model name
 * ({@code llama3:8b}, {@code ft:gpt-4o-mini:acme::id}).
 */
public final class KnownProviders {

  public static final Set<String> NAMES = Set.of(
      "openai", "anthropic", "azure", "azure_openai", "bedrock", "vertex_ai", "vertex", "gemini", "google",
      "groq", "mistral", "cohere", "together", "together_ai", "deepseek", "openrouter", "fireworks",
      "fireworks_ai", "perplexity", "xai", "ollama", "vllm", "lmstudio", "huggingface", "replicate",
      "cerebras", "sambanova", "ai21", "watsonx", "sagemaker", "databricks", "nvidia_nim", "deepinfra",
      "anyscale", "cloudflare", "voyage", "moonshot", "dashscope", "qwen", "zhipu", "novita", "hyperbolic",
      "llamacpp", "llama_cpp");

  private KnownProviders() {}

  public static boolean isKnown(String name) {
    return NAMES.contains(name);
  }
}
