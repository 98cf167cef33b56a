package io.recllm.gateway.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.error.GatewayException;
import io.vertx.core.Future;

/** A configured provider the gateway cannot call; every call explains why. */
public final class UnavailableProvider implements ProviderClient {
  private final ProviderConfig config;
  private final String reason;

  public UnavailableProvider(ProviderConfig config, String reason) {
    this.config = config;
    this.reason = reason;
  }

  @Override
  public ProviderConfig config() {
    return config;
  }

  @Override
  public Future<ChatResult> chat(String model, ObjectNode request) {
    return Future.failedFuture(new GatewayException.ProviderFailure("provider_unavailable", reason, 0, false, null));
  }

  @Override
  public Future<ChatStream> stream(String model, ObjectNode request) {
    return Future.failedFuture(new GatewayException.ProviderFailure("provider_unavailable", reason, 0, false, null));
  }
}
