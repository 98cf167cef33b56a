package io.recllm.gateway.provider;

import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.error.GatewayException;

/** The one rule for provider keys, shared by every adapter. */
public final class ProviderKeys {

  public static final String USER_AGENT = "rec-llm-gateway/0.1";

  private ProviderKeys() {}

  public static void requireKey(ProviderConfig config) {
    if (config.requiresKey() && !config.hasKey()) {
      throw new GatewayException.ProviderFailure("missing_api_key",
          "Missing API key for provider \"" + config.name() + "\": set " + config.apiKeyEnv(), 0, false, null);
    }
  }
}
