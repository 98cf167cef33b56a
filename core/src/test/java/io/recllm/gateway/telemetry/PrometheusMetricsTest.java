package io.recllm.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.json.Json;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} after known traffic, read with a strict text-format parser: every counter and
 * histogram bucket moves by exactly what the calls imply.
 */
class PrometheusMetricsTest {

  static FakeUpstream upstream;
  static TelemetryGateway gw;

  /** The slow mock answers after this long: past the 1 s bucket, well inside the 2.5 s one. */
  static final long SLOW_MS = 1100;

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeUpstream.start();
    gw = TelemetryGateway.start("""
        providers:
          openai: { type: openai, base_url: "http://127.0.0.1:%d/v1", api_key: "sk-upstream" }
          mock:   { type: mock }
          slow:   { type: mock, delay_ms: %d }
          drip:   { type: mock, stream_delay_ms: 300 }
        usage: { store: memory }
        telemetry: { access_log: off }
        api_key: gateway-key
        """.formatted(upstream.port(), SLOW_MS));
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
    upstream.close();
  }

  static PrometheusText scrape() throws Exception {
    HttpResponse<String> resp = gw.get("/metrics"); // no key: scrapers usually cannot send one
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    return PrometheusText.parse(resp.body());
  }

  static HttpResponse<String> chat(String model, boolean stream) throws Exception {
    return gw.chat(TelemetryGateway.body(model, stream), "authorization", "Bearer gateway-key");
  }

  static final String[] MOCK = {"provider", "mock", "model", "echo", "endpoint", "chat"};
  static final String[] SLOW = {"provider", "slow", "model", "echo", "endpoint", "chat"};
  static final String[] OPENAI = {"provider", "openai", "model", "gpt-4o", "endpoint", "chat"};

  static String[] with(String[] tags, String... more) {
    String[] out = new String[tags.length + more.length];
    System.arraycopy(tags, 0, out, 0, tags.length);
    System.arraycopy(more, 0, out, tags.length, more.length);
    return out;
  }

  @Test
  void countersAndHistogramsMoveByExactlyTheTrafficSent() throws Exception {
    chat("mock:echo", false); // warm up: the first call may wait for the tokenizer
    TelemetryGateway.await(() -> gw.records.size() >= 1, "warm-up record");
    int recordsBefore = gw.records.size();
    PrometheusText before = scrape();

    long prompt = 0;
    long completion = 0;
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = chat("mock:echo", false);
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode usage = Json.MAPPER.readTree(r.body()).get("usage");
      prompt += usage.get("prompt_tokens").asLong();
      completion += usage.get("completion_tokens").asLong();
    }
    HttpResponse<String> streamed = gw.chat("{\"model\":\"mock:echo\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of France?\"}]}", "authorization", "Bearer gateway-key");
    assertThat(streamed.statusCode()).isEqualTo(200);
    List<String> data = Fixtures.sseData(streamed.body());
    JsonNode streamUsage = Json.MAPPER.readTree(data.get(data.size() - 2)).get("usage");
    prompt += streamUsage.get("prompt_tokens").asLong();
    completion += streamUsage.get("completion_tokens").asLong();
    assertThat(chat("mock:error-429", false).statusCode()).isEqualTo(429);

    // two slow calls at once: each lands between the 1 s and 2.5 s buckets
    List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      slow.add(CompletableFuture.supplyAsync(() -> {
        try {
          return chat("slow:echo", false);
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      }));
    }
    for (var f : slow) assertThat(f.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

    upstream.respondJson(200, Fixtures.read("openai/chat_completion_text.json"));
    double cost = 0;
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> r = chat("gpt-4o", false);
      assertThat(r.statusCode()).isEqualTo(200);
      cost += Json.MAPPER.readTree(r.body()).at("/x_rec_llm/cost_usd").asDouble();
    }
    TelemetryGateway.await(() -> gw.records.size() == recordsBefore + 9, "9 usage records");
    PrometheusText after = scrape();

    // requests by provider, model and status
    assertThat(delta(before, after, "rec_llm_gateway_requests_total", with(MOCK, "status", "200"))).isEqualTo(4);
    assertThat(delta(before, after, "rec_llm_gateway_requests_total",
        "provider", "mock", "model", "error-429", "endpoint", "chat", "status", "429")).isEqualTo(1);
    assertThat(delta(before, after, "rec_llm_gateway_requests_total", with(SLOW, "status", "200"))).isEqualTo(2);
    assertThat(delta(before, after, "rec_llm_gateway_requests_total", with(OPENAI, "status", "200"))).isEqualTo(2);
    assertThat(delta(before, after, "rec_llm_gateway_errors_total",
        "provider", "mock", "model", "error-429", "endpoint", "chat", "type", "mock_error")).isEqualTo(1);

    // tokens by type, exactly what the responses reported
    assertThat(delta(before, after, "rec_llm_gateway_tokens_total", with(MOCK, "type", "prompt"))).isEqualTo(prompt);
    assertThat(delta(before, after, "rec_llm_gateway_tokens_total", with(MOCK, "type", "completion"))).isEqualTo(completion);
    assertThat(delta(before, after, "rec_llm_gateway_tokens_total", with(OPENAI, "type", "prompt"))).isEqualTo(48);
    assertThat(delta(before, after, "rec_llm_gateway_tokens_total", with(OPENAI, "type", "completion"))).isEqualTo(16);
    assertThat(delta(before, after, "rec_llm_gateway_tokens_total", with(OPENAI, "type", "cached"))).isZero();

    // cost in USD: the sum of what the responses said
    assertThat(delta(before, after, "rec_llm_gateway_cost_usd_total", OPENAI)).isCloseTo(cost, offset(1e-12));
    assertThat(cost).isCloseTo(2 * (24 * 2.5e-6 + 8 * 10e-6), offset(1e-12));
    assertThat(delta(before, after, "rec_llm_gateway_cost_usd_total", MOCK)).isZero(); // mock calls are free

    // the seed's duration buckets, per bucket
    String bucket = "rec_llm_gateway_request_duration_seconds_bucket";
    for (String le : List.of("0.1", "0.25", "0.5", "1.0")) {
      assertThat(delta(before, after, bucket, with(SLOW, "le", le))).as("slow calls at le=" + le).isZero();
    }
    for (String le : List.of("2.5", "5.0", "+Inf")) {
      assertThat(delta(before, after, bucket, with(SLOW, "le", le))).as("slow calls at le=" + le).isEqualTo(2);
    }
    assertThat(delta(before, after, "rec_llm_gateway_request_duration_seconds_count", SLOW)).isEqualTo(2);
    assertThat(delta(before, after, "rec_llm_gateway_request_duration_seconds_sum", SLOW)).isBetween(2 * SLOW_MS / 1000.0, 5.0);
    assertThat(delta(before, after, "rec_llm_gateway_request_duration_seconds_count", MOCK)).isEqualTo(4);

    // upstream time vs what the gateway added: one observation per call on each side
    assertThat(delta(before, after, "rec_llm_gateway_upstream_duration_seconds_count", SLOW)).isEqualTo(2);
    assertThat(delta(before, after, "rec_llm_gateway_upstream_duration_seconds_bucket", with(SLOW, "le", "1.0"))).isZero();
    assertThat(delta(before, after, "rec_llm_gateway_overhead_seconds_count", SLOW)).isEqualTo(2);
    assertThat(delta(before, after, "rec_llm_gateway_overhead_seconds_count", OPENAI)).isEqualTo(2);

    // time to first token: streams only
    assertThat(delta(before, after, "rec_llm_gateway_time_to_first_token_seconds_count", MOCK)).isEqualTo(1);
    assertThat(delta(before, after, "rec_llm_gateway_time_to_first_token_seconds_count", OPENAI)).isZero();

    // nothing in flight any more
    assertThat(after.value("rec_llm_gateway_requests_active")).isZero();
    assertThat(after.value("rec_llm_gateway_streams_active")).isZero();
    assertThat(after.family("rec_llm_gateway_requests_active").type()).isEqualTo("gauge");
    assertThat(after.family("rec_llm_gateway_request_duration_seconds").type()).isEqualTo("histogram");
    assertThat(after.family("rec_llm_gateway_requests_total").type()).isEqualTo("counter");
    assertThat(after.family("jvm_memory_used_bytes").type()).isEqualTo("gauge"); // standalone: the JVM too
  }

  @Test
  void gaugesCountCallsAndStreamsInFlight() throws Exception {
    // the drip mock writes a stream chunk every 300 ms: the stream is open while we scrape
    CompletableFuture<HttpResponse<String>> stream = CompletableFuture.supplyAsync(() -> {
      try {
        return chat("drip:echo", true);
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    TelemetryGateway.await(() -> {
      try {
        return scrape().value("rec_llm_gateway_streams_active") == 1;
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    }, "an open stream");
    PrometheusText during = scrape();
    assertThat(during.value("rec_llm_gateway_requests_active")).isEqualTo(1);
    assertThat(stream.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    TelemetryGateway.await(() -> {
      try {
        return scrape().value("rec_llm_gateway_streams_active") == 0;
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    }, "the stream to close");
    assertThat(scrape().value("rec_llm_gateway_requests_active")).isZero();
  }

  @Test
  void openMetricsIsServedWhenAsked() throws Exception {
    HttpResponse<String> resp = gw.get("/metrics", "accept", "application/openmetrics-text; version=1.0.0");
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("content-type").orElseThrow()).startsWith("application/openmetrics-text");
    assertThat(resp.body()).endsWith("# EOF\n");
  }

  @Test
  void metricsAuthPutsTheEndpointBehindTheGatewayKey() throws Exception {
    try (TelemetryGateway locked = TelemetryGateway.start("""
        api_key: gateway-key
        usage: { store: memory }
        telemetry: { metrics_auth: true, access_log: off }
        """)) {
      assertThat(locked.get("/metrics").statusCode()).isEqualTo(401);
      HttpResponse<String> ok = locked.get("/metrics", "authorization", "Bearer gateway-key");
      assertThat(ok.statusCode()).isEqualTo(200);
      PrometheusText.parse(ok.body()).family("rec_llm_gateway_requests_active");
      assertThat(locked.get("/health").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void anApplicationRegistryGetsTheMetersAndNoEndpointIsServed() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (TelemetryGateway embedded = TelemetryGateway.start("usage: { store: memory }\ntelemetry: { access_log: off }\n",
        Map.of(), b -> b.meterRegistry(registry))) {
      assertThat(embedded.gateway.telemetry().meterRegistry()).isSameAs(registry);
      assertThat(embedded.chat(TelemetryGateway.body("mock:echo", false)).statusCode()).isEqualTo(200);
      TelemetryGateway.await(() -> registry.find("rec_llm_gateway.requests").counter() != null, "the counter");
      assertThat(registry.get("rec_llm_gateway.requests").tags("provider", "mock", "model", "echo", "status", "200")
          .counter().count()).isEqualTo(1);
      assertThat(registry.get("rec_llm_gateway.request.duration").tags("provider", "mock", "model", "echo").timer().count())
          .isEqualTo(1);
      assertThat(embedded.get("/metrics").statusCode()).isEqualTo(404);
    }
    assertThat(registry.find("rec_llm_gateway.requests.active").gauge()).isNull(); // removed on close
    assertThat(registry.find("rec_llm_gateway.requests").counter()).isNotNull(); // totals stay
  }

  @Test
  void metricsOffMeansNoRegistryAndNoEndpoint() throws Exception {
    try (TelemetryGateway off = TelemetryGateway.start("usage: { store: memory }\ntelemetry: { metrics: false, access_log: off }\n")) {
      assertThat(off.gateway.telemetry().meterRegistry()).isNull();
      assertThat(off.chat(TelemetryGateway.body("mock:echo", false)).statusCode()).isEqualTo(200);
      assertThat(off.get("/metrics").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void theParserIsStrict() {
    assertThatThrownBy(() -> PrometheusText.parse("a_total 1")).hasMessageContaining("line feed");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE a counter\na_total{x=\"1\"} 1\na_total{x=\"1\"} 2\n"))
        .hasMessageContaining("duplicate series");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE a counter\na_total{x=1} 1\n")).hasMessageContaining("quoted");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE a counter\na_total 1\n# TYPE b gauge\nb 1\na_total{x=\"y\"} 2\n"))
        .hasMessageContaining("not together");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
        + "h_count 1\nh_sum 1\n")).hasMessageContaining("cumulative");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1\nh_sum 1\n"))
        .hasMessageContaining("+Inf");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE g gauge\ng one\n")).hasMessageContaining("bad value");
    PrometheusText ok = PrometheusText.parse("# HELP a_total x\n# TYPE a counter\na_total{l=\"q\\\"\\\\\\n\"} 3 1700000000000\n");
    assertThat(ok.value("a_total", "l", "q\"\\\n")).isEqualTo(3);
  }

  static double delta(PrometheusText before, PrometheusText after, String sample, String... labels) {
    return after.value(sample, labels) - before.value(sample, labels);
  }
}
