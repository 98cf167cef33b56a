package io.recllm.gateway.http;

import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.pricing.Cost;
import io.recllm.gateway.pricing.Pricing;
import io.recllm.gateway.provider.LlmClient;
import io.recllm.gateway.provider.TokenUsage;
import io.recllm.gateway.routing.ModelParser;
import io.recllm.gateway.routing.ModelRef;
import io.recllm.gateway.telemetry.Telemetry;
import io.recllm.gateway.usage.UsageRecord;
import io.recllm.gateway.usage.UsageSink;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the HTTP handlers share: config, the provider SPI, routing, pricing, where finished calls go, and
 * telemetry (which is also one of the sinks).
 */
public record GatewayServices(GatewayConfig config, LlmClient llm, ModelParser modelParser, Pricing pricing,
                              List<UsageSink> sinks, Telemetry telemetry) {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayServices.class);
  private static final Cost MOCK_COST = new Cost(0, "mock");

  /** Prices the dated model the upstream reports when it has a price, else the requested one. */
  Cost cost(ModelRef ref, String responseModel, TokenUsage usage, String serviceTier) {
    var provider = config.providers().get(ref.provider());
    if (provider != null && ProviderConfig.MOCK.equals(provider.type())) return MOCK_COST; // offline calls are free
    if (responseModel != null && !responseModel.equals(ref.model())) {
      Cost c = pricing.cost(ref.provider(), responseModel, usage, serviceTier);
      if (c.priced()) return c;
    }
    return pricing.cost(ref.provider(), ref.model(), usage, serviceTier);
  }

  void recordSuccess(String requestId, ModelRef ref, String responseModel, boolean stream, TokenUsage usage, Cost cost,
                     long latencyMs, long ttftMs, String finishReason) {
    publish(new UsageRecord(requestId, System.currentTimeMillis(), ref.provider(), ref.model(), responseModel, 200, stream,
        usage, cost.usd(), cost.priceVersion(), latencyMs, ttftMs, finishReason, null, null));
  }

  void recordFailure(String requestId, ModelRef ref, boolean stream, GatewayException e, long startNanos, long ttftMs) {
    publish(new UsageRecord(requestId, System.currentTimeMillis(), ref.provider(), ref.model(), null, e.status(), stream,
        TokenUsage.NONE, 0, null, (System.nanoTime() - startNanos) / 1_000_000, ttftMs, null, e.type(), e.getMessage()));
  }

  void publish(UsageRecord record) {
    for (UsageSink sink : sinks) {
      try {
        sink.record(record);
      } catch (RuntimeException e) {
        LOG.warn("Usage sink {} failed; the call itself was not affected", sink.getClass().getName(), e);
      }
    }
  }
}
