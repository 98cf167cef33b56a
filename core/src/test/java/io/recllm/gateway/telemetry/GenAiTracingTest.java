package io.recllm.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.LlmClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Spans after the GenAI semantic conventions, captured with the SDK's in-memory exporter, and W3C trace
 * context from the client through the gateway's span to the (fake) upstream.
 */
class GenAiTracingTest {

  static final String CLIENT_TRACE = "0af7651916cd43dd8448eb211c80319c";
  static final String CLIENT_SPAN = "b7ad6b7169203331";
  static final String CLIENT_TRACEPARENT = "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01";

  static Vertx vertx;
  static FakeUpstream openai;
  static FakeUpstream anthropic;
  static InMemorySpanExporter spans = InMemorySpanExporter.create();
  static InMemoryMetricReader metrics = InMemoryMetricReader.create();
  static OpenTelemetrySdk sdk;
  static TelemetryGateway gw;
  static final AtomicInteger ids = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    openai = FakeUpstream.start(vertx);
    anthropic = FakeUpstream.start(vertx);
    sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
        .build();
    gw = TelemetryGateway.start("""
        providers:
          openai:    { type: openai,    base_url: "http://127.0.0.1:%d/v1", api_key: "sk-upstream" }
          anthropic: { type: anthropic, base_url: "http://127.0.0.1:%d", api_key: "sk-ant-upstream" }
        timeouts: { first_byte_ms: 5000, idle_ms: 2000 }
        usage: { store: memory }
        telemetry: { access_log: off }
        """.formatted(openai.port(), anthropic.port()), Map.of(), b -> b.openTelemetry(sdk));
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
    openai.close();
    anthropic.close();
    sdk.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void clear() {
    openai.reset();
    anthropic.reset();
  }

  static String newId() {
    return "trace-" + ids.incrementAndGet();
  }

  static SpanData spanOf(String requestId) throws InterruptedException {
    AttributeKey<String> key = AttributeKey.stringKey("rec_llm_gateway.request_id");
    TelemetryGateway.await(() -> spans.getFinishedSpanItems().stream().anyMatch(s -> requestId.equals(s.getAttributes().get(key))),
        "the span of " + requestId);
    return spans.getFinishedSpanItems().stream().filter(s -> requestId.equals(s.getAttributes().get(key))).findFirst().orElseThrow();
  }

  static <T> T attr(SpanData span, AttributeKey<T> key) {
    return span.getAttributes().get(key);
  }

  @Test
  void aChatSpanCarriesTheGenAiAttributesUnderTheClientsTraceparent() throws Exception {
    openai.respondJson(200, Fixtures.read("openai/chat_completion_text.json"));
    String id = newId();
    HttpResponse<String> resp = gw.chat("{\"model\":\"gpt-4o\",\"max_tokens\":50,\"temperature\":0.3,\"top_p\":0.9,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of France?\"}]}",
        "x-request-id", id, "traceparent", CLIENT_TRACEPARENT);
    assertThat(resp.statusCode()).isEqualTo(200);

    SpanData span = spanOf(id);
    assertThat(span.getName()).isEqualTo("chat gpt-4o");
    assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(span.getTraceId()).isEqualTo(CLIENT_TRACE);
    assertThat(span.getParentSpanId()).isEqualTo(CLIENT_SPAN);
    assertThat(span.getParentSpanContext().isRemote()).isTrue();
    assertThat(attr(span, GenAiTracing.OPERATION)).isEqualTo("chat");
    assertThat(attr(span, GenAiTracing.PROVIDER)).isEqualTo("openai");
    assertThat(attr(span, GenAiTracing.REQUEST_MODEL)).isEqualTo("gpt-4o");
    assertThat(attr(span, GenAiTracing.RESPONSE_MODEL)).isEqualTo("gpt-4o-2024-08-06");
    assertThat(attr(span, GenAiTracing.INPUT_TOKENS)).isEqualTo(24L);
    assertThat(attr(span, GenAiTracing.OUTPUT_TOKENS)).isEqualTo(8L);
    assertThat(attr(span, GenAiTracing.FINISH_REASONS)).containsExactly("stop");
    assertThat(attr(span, GenAiTracing.MAX_TOKENS)).isEqualTo(50L);
    assertThat(attr(span, GenAiTracing.TEMPERATURE)).isEqualTo(0.3);
    assertThat(attr(span, GenAiTracing.TOP_P)).isEqualTo(0.9);
    assertThat(attr(span, GenAiTracing.HTTP_STATUS)).isEqualTo(200L);
    assertThat(attr(span, GenAiTracing.COST)).isEqualTo(Json.MAPPER.readTree(resp.body()).at("/x_rec_llm/cost_usd").asDouble());
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.hasEnded()).isTrue();

    // the upstream was called as a child of the gateway's span, in the client's trace
    assertThat(openai.lastRequest().headers().get("traceparent"))
        .isEqualTo("00-" + CLIENT_TRACE + "-" + span.getSpanId() + "-01");
  }

  @Test
  void aResponsesSpanReadsMaxOutputTokens() throws Exception {
    openai.respondJson(200, Fixtures.read("openai-responses/response_text_instructions.json"));
    String id = newId();
    HttpResponse<String> resp = gw.post("/v1/responses", "{\"model\":\"gpt-4o\",\"max_output_tokens\":70,"
        + "\"temperature\":0.2,\"input\":\"What is the capital of France?\"}", "x-request-id", id);
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    SpanData span = spanOf(id);
    assertThat(attr(span, GenAiTracing.MAX_TOKENS)).isEqualTo(70L);
    assertThat(attr(span, GenAiTracing.TEMPERATURE)).isEqualTo(0.2);

    // max_tokens is not the Responses API's limit: it is not reported as one
    openai.respondJson(200, Fixtures.read("openai-responses/response_text_instructions.json"));
    String other = newId();
    gw.post("/v1/responses", "{\"model\":\"gpt-4o\",\"max_tokens\":70,\"input\":\"x\"}", "x-request-id", other);
    assertThat(attr(spanOf(other), GenAiTracing.MAX_TOKENS)).isNull();
  }

  @Test
  void aStreamingSpanEndsWithTheStreamsUsageAndFinishReason() throws Exception {
    openai.respondSse(Fixtures.read("openai/stream_text_include_usage.sse"), 0);
    String id = newId();
    HttpResponse<String> resp = gw.chat("{\"model\":\"gpt-4o\",\"stream\":true,\"max_completion_tokens\":64,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of Mexico?\"}]}",
        "x-request-id", id, "traceparent", CLIENT_TRACEPARENT);
    assertThat(resp.statusCode()).isEqualTo(200);

    SpanData span = spanOf(id);
    assertThat(span.getTraceId()).isEqualTo(CLIENT_TRACE);
    assertThat(span.getParentSpanId()).isEqualTo(CLIENT_SPAN);
    assertThat(attr(span, GenAiTracing.INPUT_TOKENS)).isEqualTo(14L);
    assertThat(attr(span, GenAiTracing.OUTPUT_TOKENS)).isEqualTo(8L);
    assertThat(attr(span, GenAiTracing.FINISH_REASONS)).containsExactly("stop");
    assertThat(attr(span, GenAiTracing.RESPONSE_MODEL)).isEqualTo("gpt-4o-2024-08-06");
    assertThat(attr(span, GenAiTracing.MAX_TOKENS)).isEqualTo(64L);
    assertThat(attr(span, GenAiTracing.STREAM)).isTrue();
    assertThat(attr(span, GenAiTracing.TTFT_MS)).isNotNull();
    assertThat(openai.lastRequest().headers().get("traceparent"))
        .isEqualTo("00-" + CLIENT_TRACE + "-" + span.getSpanId() + "-01");
  }

  @Test
  void aFailedCallsSpanHasErrorStatusAndType() throws Exception {
    openai.respondJson(429, "{\"error\":{\"message\":\"Slow down\",\"type\":\"rate_limit_error\",\"code\":\"rate_limit_exceeded\"}}");
    String id = newId();
    assertThat(gw.chat(TelemetryGateway.body("gpt-4o", false), "x-request-id", id).statusCode()).isEqualTo(429);

    SpanData span = spanOf(id);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attr(span, GenAiTracing.ERROR_TYPE)).isEqualTo("rate_limit_error");
    assertThat(attr(span, GenAiTracing.HTTP_STATUS)).isEqualTo(429L);
    assertThat(span.getParentSpanContext().isValid()).isFalse(); // no traceparent from the client: a root span
    // a root span's flags may also carry the W3C "random trace id" bit: only the sampled bit is ours
    assertThat(openai.lastRequest().headers().get("traceparent"))
        .matches("00-" + span.getTraceId() + "-" + span.getSpanId() + "-0[13]");
  }

  @Test
  void theAnthropicAdapterSendsTheTraceparentToo() throws Exception {
    anthropic.respondJson(200, Fixtures.read("anthropic/message_text_system_string.json"));
    String id = newId();
    HttpResponse<String> resp = gw.chat(TelemetryGateway.body("anthropic:claude-sonnet-4-5", false),
        "x-request-id", id, "traceparent", CLIENT_TRACEPARENT);
    assertThat(resp.statusCode()).isEqualTo(200);
    SpanData span = spanOf(id);
    assertThat(attr(span, GenAiTracing.PROVIDER)).isEqualTo("anthropic");
    assertThat(attr(span, GenAiTracing.REQUEST_MODEL)).isEqualTo("claude-sonnet-4-5");
    assertThat(attr(span, GenAiTracing.INPUT_TOKENS)).isPositive();
    assertThat(anthropic.lastRequest().headers().get("traceparent"))
        .isEqualTo("00-" + CLIENT_TRACE + "-" + span.getSpanId() + "-01");
  }

  @Test
  void theGenAiClientMetricsAreRecorded() throws Exception {
    openai.respondJson(200, Fixtures.read("openai/chat_completion_text.json").replace("gpt-4o-2024-08-06", "gpt-4o-mini-2024-07-18"));
    for (int i = 0; i < 2; i++) {
      String id = newId();
      assertThat(gw.chat(TelemetryGateway.body("gpt-4o-mini", false), "x-request-id", id).statusCode()).isEqualTo(200);
      spanOf(id); // the span ends in the same step as the metrics are recorded
    }
    AttributeKey<String> requestModel = GenAiTracing.REQUEST_MODEL;
    List<MetricData> collected = List.copyOf(metrics.collectAllMetrics());

    MetricData tokens = collected.stream().filter(m -> m.getName().equals("gen_ai.client.token.usage")).findFirst().orElseThrow();
    assertThat(tokens.getUnit()).isEqualTo("{token}");
    for (String type : List.of("input", "output")) {
      HistogramPointData p = tokens.getHistogramData().getPoints().stream()
          .filter(x -> "gpt-4o-mini".equals(x.getAttributes().get(requestModel))
              && type.equals(x.getAttributes().get(GenAiTracing.TOKEN_TYPE)))
          .findFirst().orElseThrow();
      assertThat(p.getCount()).isEqualTo(2);
      assertThat(p.getSum()).isEqualTo(type.equals("input") ? 48 : 16);
      assertThat(p.getAttributes().get(GenAiTracing.OPERATION)).isEqualTo("chat");
      assertThat(p.getAttributes().get(GenAiTracing.PROVIDER)).isEqualTo("openai");
      assertThat(p.getAttributes().get(GenAiTracing.RESPONSE_MODEL)).isEqualTo("gpt-4o-mini-2024-07-18");
      assertThat(p.getBoundaries()).containsExactlyElementsOf(GenAiTracing.TOKEN_BUCKETS.stream().map(Long::doubleValue).toList());
    }

    MetricData duration = collected.stream().filter(m -> m.getName().equals("gen_ai.client.operation.duration")).findFirst().orElseThrow();
    assertThat(duration.getUnit()).isEqualTo("s");
    HistogramPointData d = duration.getHistogramData().getPoints().stream()
        .filter(x -> "gpt-4o-mini".equals(x.getAttributes().get(requestModel))).findFirst().orElseThrow();
    assertThat(d.getCount()).isEqualTo(2);
    assertThat(d.getSum()).isPositive();
    assertThat(d.getBoundaries()).containsExactlyElementsOf(GenAiTracing.DURATION_BUCKETS);
  }

  @Test
  void anApplicationsOwnLlmClientRunsInsideTheGatewaySpan() throws Exception {
    List<SpanContext> seen = new CopyOnWriteArrayList<>();
    ObjectNode answer = (ObjectNode) Json.MAPPER.readTree(Fixtures.read("openai/chat_completion_text.json"));
    LlmClient app = (provider, model, request) -> {
      seen.add(Span.current().getSpanContext()); // e.g. an instrumented HTTP client would continue from here
      return Future.succeededFuture(new ChatResult(answer.deepCopy(), TokenUsage.of(24, 8), null));
    };
    InMemorySpanExporter own = InMemorySpanExporter.create();
    try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(own)).build()).build();
         TelemetryGateway embedded = TelemetryGateway.start("usage: { store: memory }\ntelemetry: { access_log: off }\n",
             Map.of(), b -> b.llmClient(app).openTelemetry(otel))) {
      assertThat(embedded.chat(TelemetryGateway.body("gpt-4o", false), "traceparent", CLIENT_TRACEPARENT).statusCode())
          .isEqualTo(200);
      TelemetryGateway.await(() -> own.getFinishedSpanItems().size() == 1, "the span");
      SpanData span = own.getFinishedSpanItems().get(0);
      assertThat(seen).hasSize(1);
      assertThat(seen.get(0).getTraceId()).isEqualTo(CLIENT_TRACE);
      assertThat(seen.get(0).getSpanId()).isEqualTo(span.getSpanId());
      assertThat(embedded.gateway.llmClient()).isSameAs(app);
    }
  }

  @Test
  void withTracingOffTheClientsTraceparentIsPassedThroughAndNothingIsCreated() throws Exception {
    try (TelemetryGateway off = TelemetryGateway.start("""
        providers:
          openai: { type: openai, base_url: "http://127.0.0.1:%d/v1", api_key: "sk-upstream" }
        usage: { store: memory }
        telemetry: { access_log: off }
        """.formatted(openai.port()))) {
      assertThat(off.gateway.telemetry().openTelemetry()).isSameAs(OpenTelemetry.noop());
      openai.respondJson(200, Fixtures.read("openai/chat_completion_text.json"));
      int before = spans.getFinishedSpanItems().size();

      assertThat(off.chat(TelemetryGateway.body("gpt-4o", false), "traceparent", CLIENT_TRACEPARENT).statusCode()).isEqualTo(200);
      assertThat(openai.lastRequest().headers().get("traceparent")).isEqualTo(CLIENT_TRACEPARENT);

      assertThat(off.chat(TelemetryGateway.body("gpt-4o", false)).statusCode()).isEqualTo(200);
      assertThat(openai.lastRequest().headers().get("traceparent")).isNull();

      assertThat(off.chat(TelemetryGateway.body("gpt-4o", false), "traceparent", "00-garbage").statusCode()).isEqualTo(200);
      assertThat(openai.lastRequest().headers().get("traceparent")).isNull();
      assertThat(spans.getFinishedSpanItems()).hasSize(before);
    }
  }

  @Test
  void attributesMatchTheSemanticConventionNames() {
    Attributes a = Attributes.of(GenAiTracing.OPERATION, "chat", GenAiTracing.PROVIDER, "openai");
    assertThat(a.asMap().keySet()).extracting(AttributeKey::getKey)
        .containsExactlyInAnyOrder("gen_ai.operation.name", "gen_ai.provider.name");
    assertThat(List.of(GenAiTracing.REQUEST_MODEL, GenAiTracing.RESPONSE_MODEL, GenAiTracing.INPUT_TOKENS,
        GenAiTracing.OUTPUT_TOKENS, GenAiTracing.FINISH_REASONS, GenAiTracing.MAX_TOKENS, GenAiTracing.TEMPERATURE))
        .extracting(AttributeKey::getKey)
        .containsExactly("gen_ai.request.model", "gen_ai.response.model", "gen_ai.usage.input_tokens",
            "gen_ai.usage.output_tokens", "gen_ai.response.finish_reasons", "gen_ai.request.max_tokens",
            "gen_ai.request.temperature");
  }
}
