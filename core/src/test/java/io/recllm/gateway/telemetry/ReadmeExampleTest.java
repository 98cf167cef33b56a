package io.recllm.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README's "seed metrics in Micrometer" listener, verbatim, against a real gateway. */
class ReadmeExampleTest {

  @Test
  void theSeedsMetricsBuiltFromStopEvents() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    try (TelemetryGateway gw = TelemetryGateway.start("usage: { store: memory }\ntelemetry: { access_log: off }\n",
        Map.of(), b -> b.meterRegistry(new SimpleMeterRegistry()))) {
      var gateway = gw.gateway;
      // ---- as in README.md
      gateway.telemetry().attach(event -> {
        if (!event.is(TelemetryEvent.REQUEST_STOP)) return;
        Tags tags = Tags.of("provider", event.tag("provider"), "model", event.tag("model"));
        registry.counter("rec_llm_gateway.request.stop", tags).increment();
        registry.summary("rec_llm_gateway.request.stop.total_tokens", tags).record(event.measurement("total_tokens"));
        Timer.builder("rec_llm_gateway.request.stop.duration").tags(tags)
            .serviceLevelObjectives(Stream.of(100, 250, 500, 1000, 2500, 5000).map(Duration::ofMillis).toArray(Duration[]::new))
            .register(registry)
            .record(event.measurement("duration"), TimeUnit.NANOSECONDS);
      });
      // ----
      long tokens = 0;
      for (int i = 0; i < 3; i++) {
        var resp = gw.chat(TelemetryGateway.body("mock:echo", false));
        tokens += io.recllm.gateway.json.Json.MAPPER.readTree(resp.body()).at("/usage/total_tokens").asLong();
      }
      TelemetryGateway.await(() -> registry.find("rec_llm_gateway.request.stop").counter() != null
          && registry.find("rec_llm_gateway.request.stop").counter().count() == 3, "3 stops");
      Tags tags = Tags.of("provider", "mock", "model", "echo");
      assertThat(registry.get("rec_llm_gateway.request.stop.total_tokens").tags(tags).summary().totalAmount()).isEqualTo(tokens);
      Timer timer = registry.get("rec_llm_gateway.request.stop.duration").tags(tags).timer();
      assertThat(timer.count()).isEqualTo(3);
      assertThat(timer.takeSnapshot().histogramCounts()).extracting(CountAtBucket::bucket)
          .containsExactly(1e8, 2.5e8, 5e8, 1e9, 2.5e9, 5e9); // the seed's buckets, in ns
    }
  }
}
