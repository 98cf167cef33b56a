package io.recllm.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallStep;
import io.recllm.gateway.call.Stage;
import io.recllm.gateway.config.TelemetrySettings;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.LlmClient;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.core.ModelRef;
import io.recllm.gateway.usage.UsageRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Telemetry's provider-stage step: around every try, outside every other provider step. */
class ObservationStepTest {

  static final String CLIENT_TRACE = "0af7651916cd43dd8448eb211c80319c";
  static final String CLIENT_TRACEPARENT = "00-" + CLIENT_TRACE + "-b7ad6b7169203331-01";
  static final long TRY_MS = 80;
  static final long MS = 1_000_000;

  /** Tries the same target once more after a failure, like a retry step would. */
  static final class RetryOnce implements CallStep {
    @Override
    public Stage stage() {
      return Stage.RETRY;
    }

    @Override
    public Future<ChatResult> complete(Call call, Next next) {
      return next.complete(call).recover(e -> next.complete(call));
    }
  }

  /** An application's own provider step, noting the span current while it runs. */
  static final class SeesSpan implements CallStep {
    final List<String> spanIds = new CopyOnWriteArrayList<>();

    @Override
    public Stage stage() {
      return Stage.PROVIDER;
    }

    @Override
    public Future<ChatResult> complete(Call call, Next next) {
      spanIds.add(Span.current().getSpanContext().getSpanId());
      return next.complete(call);
    }
  }

  @Test
  void aRetriedCallIsTracedOnEveryTryAndItsUpstreamTimeRunsFromTheFirstTryToTheLast() throws Exception {
    ObjectNode answer = (ObjectNode) Json.MAPPER.readTree(Fixtures.read("openai/chat_completion_text.json"));
    AtomicInteger tries = new AtomicInteger();
    List<String> seenByClient = new CopyOnWriteArrayList<>();
    LlmClient app = (provider, model, request) -> {
      seenByClient.add(Span.current().getSpanContext().getSpanId());
      boolean first = tries.incrementAndGet() == 1;
      Promise<ChatResult> p = Promise.promise();
      Vertx.currentContext().owner().setTimer(TRY_MS, t -> {
        if (first) {
          p.fail(new GatewayException.ProviderFailure("upstream_error", "upstream said 503", 503, true, null));
        } else {
          p.complete(new ChatResult(answer.deepCopy(), TokenUsage.of(24, 8), null));
        }
      });
      return p.future();
    };
    SeesSpan appStep = new SeesSpan();
    List<TelemetryEvent> events = new CopyOnWriteArrayList<>();
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
         TelemetryGateway gw = TelemetryGateway.start("usage: { store: memory }\ntelemetry: { access_log: off }\n",
             Map.of(), b -> b.llmClient(app).openTelemetry(otel).step(appStep).step(new RetryOnce())
                 .telemetryListener(events::add))) {
      assertThat(gw.chat(TelemetryGateway.body("gpt-4o", false), "traceparent", CLIENT_TRACEPARENT).statusCode())
          .isEqualTo(200);

      TelemetryGateway.await(() -> spans.getFinishedSpanItems().size() == 1, "the span");
      SpanData span = spans.getFinishedSpanItems().get(0);
      assertThat(span.getTraceId()).isEqualTo(CLIENT_TRACE);
      // the application's provider step runs inside telemetry's, on every try
      assertThat(appStep.spanIds).containsExactly(span.getSpanId(), span.getSpanId());
      assertThat(seenByClient).containsExactly(span.getSpanId(), span.getSpanId());

      TelemetryGateway.await(() -> events.stream().anyMatch(e -> e.name().equals(TelemetryEvent.REQUEST_STOP)), "stop");
      TelemetryEvent stop = events.stream().filter(e -> e.name().equals(TelemetryEvent.REQUEST_STOP)).findFirst().orElseThrow();
      assertThat(stop.measurement("upstream_duration")).isBetween(2 * TRY_MS * MS, stop.measurement("duration"));
      assertThat(gw.gateway.llmClient()).isSameAs(app);
    }
  }

  @Test
  void aCallFinishedTwiceIsCountedOnceAndItsStreamTooWhileARecordWithNoCallLeavesTheGaugesAlone() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Telemetry telemetry = Telemetry.create(TelemetrySettings.DEFAULT, registry, null)) {
      Call call = Call.builder("twice", new ModelRef("openai", "gpt-4o"), Json.object().put("model", "gpt-4o"))
          .stream(true).build();
      telemetry.start(call);
      assertThat(registry.get(GatewayMeters.ACTIVE_REQUESTS).gauge().value()).isEqualTo(1);
      assertThat(registry.get(GatewayMeters.ACTIVE_STREAMS).gauge().value()).isEqualTo(1);

      UsageRecord r = new UsageRecord("twice", System.currentTimeMillis(), "openai", "gpt-4o", null, 499, true,
          TokenUsage.NONE, 0, null, 5, -1, "client_disconnected", null, null);
      telemetry.finished(call, r);
      telemetry.finished(call, r); // e.g. a stop's grace period ending it as the answer arrives
      telemetry.record(r);

      assertThat(registry.get(GatewayMeters.ACTIVE_REQUESTS).gauge().value()).isZero();
      assertThat(registry.get(GatewayMeters.ACTIVE_STREAMS).gauge().value()).isZero();
    }
  }
}
