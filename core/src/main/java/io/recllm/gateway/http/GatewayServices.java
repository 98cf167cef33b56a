package io.recllm.gateway.http;

import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallChain;
import io.recllm.gateway.call.CallOutcome;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.keys.KeyServices;
import io.recllm.gateway.pricing.Pricing;
import io.recllm.gateway.resilience.Resilience;
import io.recllm.gateway.resilience.ResilienceSettings;
import io.recllm.gateway.resilience.RoutingStep;
import io.recllm.gateway.resilience.TimeSource;
import io.recllm.gateway.routing.ModelParser;
import io.recllm.gateway.telemetry.Telemetry;
import io.recllm.gateway.usage.Usage;

/**
 * What the HTTP handlers share: config, the call chain every call goes through, routing, pricing, the
 * call outcome (cost, {@code x_rec_llm}, the usage record for every sink), the usage totals, telemetry,
 * the calls a graceful stop waits for, and
 * the virtual keys ({@code keys}: null when none are in use).
 */
public record GatewayServices(GatewayConfig config, CallChain chain, ModelParser modelParser, Pricing pricing,
                              CallOutcome outcome, Usage usage, Telemetry telemetry, Drain drain,
                              Resilience resilience, CallChain withFallbacks, KeyServices keys) {

  /**
   * {@code resilience}: routes, retries, breakers and provider health; {@code withFallbacks}: the chain
   * for a call that carries its own {@code fallbacks}, which is {@code chain} unless that has no routing
   * step (nothing configured); {@code keys}: the virtual keys, null when none are in use.
   */
  public GatewayServices {
    if (withFallbacks == null) withFallbacks = chain;
  }

  /** Without routes, retries, breakers or virtual keys. */
  public GatewayServices(GatewayConfig config, CallChain chain, ModelParser modelParser, Pricing pricing,
                         CallOutcome outcome, Usage usage, Telemetry telemetry, Drain drain) {
    this(config, chain, modelParser, pricing, outcome, usage, telemetry, drain,
        new Resilience(ResilienceSettings.NONE, config.providers().keySet(), null, TimeSource.SYSTEM, null), null, null);
  }

  /** The chain for this call. */
  CallChain chain(Call call) {
    return call.get(RoutingStep.FALLBACKS) != null ? withFallbacks : chain;
  }
}
