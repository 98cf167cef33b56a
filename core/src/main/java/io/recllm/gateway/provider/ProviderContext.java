package io.recllm.gateway.provider;

import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.pricing.Pricing;
import io.vertx.core.Vertx;
import java.util.Map;

/**
 * What a {@link ProviderType} may use to build its client: the gateway's Vert.x instance, the
 * environment (proxy variables) and the price table (e.g. a model's output ceiling).
 */
public record ProviderContext(Vertx vertx, Map<String, String> env, Pricing pricing) {

  /** A pooled HTTP client towards the provider's {@code base_url}, with its TLS, proxy and timeouts. */
  public UpstreamHttp upstream(ProviderConfig config) {
    return new UpstreamHttp(vertx, config, env);
  }
}
