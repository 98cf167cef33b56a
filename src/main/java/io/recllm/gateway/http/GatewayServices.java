package io.recllm.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.pricing.Cost;
import io.recllm.gateway.pricing.Pricing;
import io.recllm.gateway.provider.LlmClient;
import io.recllm.gateway.provider.TokenUsage;
import io.recllm.gateway.provider.mock.MockProviderType;
import io.recllm.gateway.routing.ModelParser;
import io.recllm.gateway.routing.ModelRef;
import io.recllm.gateway.telemetry.Telemetry;
import io.recllm.gateway.usage.Usage;
import io.recllm.gateway.usage.UsageRecord;
import io.recllm.gateway.usage.UsageSink;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the HTTP handlers share: config, the provider SPI, routing, pricing, where finished calls go,
 * the usage totals and telemetry (both also among the sinks), and the calls a graceful stop waits for.
 */
public record GatewayServices(GatewayConfig config, LlmClient llm, ModelParser modelParser, Pricing pricing,
                              List<UsageSink> sinks, Usage usage, Telemetry telemetry, Drain drain) {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayServices.class);
  private static final Cost MOCK_COST = new Cost(0, "mock");

  /** Prices the dated model the upstream reports when it has a price, else the requested one. */
  Cost cost(ModelRef ref, String responseModel, TokenUsage usage, String serviceTier) {
    var provider = config.providers().get(ref.provider());
    if (provider != null && MockProviderType.NAME.equals(provider.type()) && !config.pricing().containsKey(ref.model())) {
      return MOCK_COST; // offline calls are free, unless the config prices the model (demos, tests)
    }
    if (responseModel != null && !responseModel.equals(ref.model())) {
      Cost c = pricing.cost(ref.provider(), responseModel, usage, serviceTier);
      if (c.priced()) return c;
    }
    return pricing.cost(ref.provider(), ref.model(), usage, serviceTier);
  }

  void recordSuccess(String requestId, ModelRef ref, String responseModel, boolean stream, TokenUsage usage, Cost cost,
                     long latencyMs, long ttftMs, String finishReason, ObjectNode request, CharSequence responseText) {
    publish(new UsageRecord(requestId, System.currentTimeMillis(), ref.provider(), ref.model(), responseModel, 200, stream,
        usage, cost.nanoUsd(), cost.priceVersion(), latencyMs, ttftMs, finishReason, null, null), request, responseText);
  }

  void recordFailure(String requestId, ModelRef ref, boolean stream, GatewayException e, long startNanos, long ttftMs,
                     ObjectNode request) {
    publish(new UsageRecord(requestId, System.currentTimeMillis(), ref.provider(), ref.model(), null, e.status(), stream,
        TokenUsage.NONE, 0, null, (System.nanoTime() - startNanos) / 1_000_000, ttftMs, null, e.type(), e.getMessage()),
        request, null);
  }

  /** Whether calls are recorded with their messages and answer ({@code usage.log_content}). */
  boolean logContent() {
    return config.usage().logContent();
  }

  /** Publishes with the request's messages and the answer's text attached, when content logging is on. */
  void publish(UsageRecord record, ObjectNode request, CharSequence responseText) {
    if (logContent()) {
      JsonNode messages = request == null ? null : request.get("messages");
      record = record.withContent(messages == null ? null : messages.toString(),
          responseText == null ? null : responseText.toString());
    }
    publish(record);
  }

  /** The assistant's text in a non-streaming answer (the first choice), or null. */
  static String responseText(ObjectNode body) {
    JsonNode content = body.path("choices").path(0).path("message").path("content");
    return content.isTextual() ? content.asText() : null;
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
