package io.recllm.gateway.pricing;

import io.recllm.gateway.provider.TokenUsage;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Placeholder until the built-in table lands: every model is unpriced. */
public final class Pricing {

  public static Pricing builtIn() {
    return new Pricing();
  }

  public Pricing withOverrides(Map<String, ModelPrice> overrides) {
    return this;
  }

  public Optional<ModelPrice> find(String provider, String model) {
    return Optional.empty();
  }

  public List<String> knownModels(String providerType) {
    return List.of();
  }

  public Cost cost(String provider, String model, TokenUsage usage) {
    return Cost.UNPRICED;
  }
}
