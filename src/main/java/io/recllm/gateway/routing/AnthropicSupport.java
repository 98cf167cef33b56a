package io.recllm.gateway.routing;

import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.provider.ProviderClient;
import io.vertx.core.Vertx;
import java.util.Map;

/** Placeholder until the Anthropic adapter lands: creating one fails at start with a clear message. */
final class AnthropicSupport {
  private AnthropicSupport() {}

  static ProviderClient create(Vertx vertx, ProviderConfig p, Map<String, String> env) {
    return new io.recllm.gateway.provider.UnavailableProvider(p,
        "Provider type \"anthropic\" is not available in this build yet");
  }
}
