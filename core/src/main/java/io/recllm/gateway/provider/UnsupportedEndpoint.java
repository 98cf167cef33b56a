package io.recllm.gateway.provider;

import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.core.Endpoint;
import io.recllm.gateway.error.GatewayException;

/** The 400 for an endpoint a provider (or an application's own client) does not serve. */
public final class UnsupportedEndpoint {

  public static final String CODE = "unsupported_endpoint";

  private UnsupportedEndpoint() {}

  public static GatewayException of(Endpoint endpoint, ProviderConfig provider) {
    String who = provider == null ? "This provider" : "Provider \"" + provider.name() + "\" (type " + provider.type() + ")";
    return new GatewayException.InvalidRequest(CODE, "model", who + " does not serve " + path(endpoint)
        + "; choose a provider that does, e.g. an OpenAI-compatible one.");
  }

  public static GatewayException of(Endpoint endpoint) {
    return of(endpoint, null);
  }

  static String path(Endpoint endpoint) {
    return "/v1/" + switch (endpoint) {
      case CHAT -> "chat/completions";
      default -> endpoint.id();
    };
  }
}
