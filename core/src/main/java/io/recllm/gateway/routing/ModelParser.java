package io.recllm.gateway.routing;

import io.recllm.gateway.core.ModelRef;
import io.recllm.gateway.error.GatewayException;
import java.util.List;
import java.util.Set;

/**
 * Splits a client's {@code model} into provider and model. Only a prefix that names a configured
 * provider is split off, so model names that contain colons reach the default provider intact.
 */
public final class ModelParser {

  private final Set<String> configured;
  private final String defaultProvider;
  private final List<String> presets;

  public ModelParser(Set<String> configuredProviders, String defaultProvider) {
    this(configuredProviders, defaultProvider, List.of());
  }

  /** @param presets provider types that need only {@code type:} and their key, named in the error for an unconfigured provider */
  public ModelParser(Set<String> configuredProviders, String defaultProvider, List<String> presets) {
    this.configured = Set.copyOf(configuredProviders);
    this.defaultProvider = defaultProvider;
    this.presets = List.copyOf(presets);
  }

  public ModelRef parse(String model) {
    int colon = model.indexOf(':');
    if (colon > 0) {
      String prefix = model.substring(0, colon);
      if (configured.contains(prefix)) {
        String rest = model.substring(colon + 1);
        if (rest.isBlank()) {
          throw new GatewayException.InvalidRequest("invalid_model", "model",
              "Model \"" + model + "\" names provider \"" + prefix + "\" but no model; use \"" + prefix + ":<model>\"");
        }
        return new ModelRef(prefix, rest);
      }
      if (KnownProviders.isKnown(prefix) || presets.contains(prefix)) {
        String example = presets.contains(prefix) ? prefix + ": { type: " + prefix + " }"
            : prefix + ": { type: openai, base_url: <its OpenAI-compatible URL>, api_key: \"${"
                + prefix.toUpperCase() + "_API_KEY}\" }";
        throw new GatewayException.InvalidRequest("provider_not_configured", "model",
            "Provider \"" + prefix + "\" is not configured on this gateway. Configured providers: "
                + String.join(", ", configured.stream().sorted().toList())
                + ". To add it, declare it under `providers:` in the gateway config, for example " + example
                + (presets.isEmpty() ? "" : ". Presets that need only their type and key variable: "
                    + String.join(", ", presets)));
      }
    }
    return new ModelRef(defaultProvider, model);
  }
}
