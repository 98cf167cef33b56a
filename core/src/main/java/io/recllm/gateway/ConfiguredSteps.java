package io.recllm.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.recllm.gateway.cache.CacheSection;
import io.recllm.gateway.cache.CacheSettings;
import io.recllm.gateway.cache.CacheStep;
import io.recllm.gateway.call.CallStep;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.pii.PiiSection;
import io.recllm.gateway.pii.PiiSettings;
import io.recllm.gateway.pii.PiiStep;
import io.recllm.gateway.pricing.Pricing;
import io.recllm.gateway.transform.TransformRule;
import io.recllm.gateway.transform.TransformStep;
import io.recllm.gateway.transform.TransformsSection;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's own steps, each only when its config section asks for it: a gateway without these
 * sections runs the same chain as before, at the same cost. Within a stage, the order here is the
 * order they run in.
 */
final class ConfiguredSteps {

  private ConfiguredSteps() {}

  static List<CallStep> of(GatewayConfig config, Vertx vertx, Pricing prices, MeterRegistry meters) {
    List<CallStep> steps = new ArrayList<>(3);
    CacheSettings cache = config.section(CacheSection.SECTION);
    if (cache.enabled()) steps.add(CacheStep.create(cache, vertx, prices, meters));
    // the rules first, so that redaction also sees a system message a rule adds
    List<TransformRule> rules = config.section(TransformsSection.SECTION);
    if (!rules.isEmpty()) steps.add(new TransformStep(rules));
    PiiSettings pii = config.section(PiiSection.SECTION);
    if (pii.enabled()) steps.add(new PiiStep(pii, meters));
    return steps;
  }
}
