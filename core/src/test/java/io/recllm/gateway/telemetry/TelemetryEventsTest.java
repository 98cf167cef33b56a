package io.recllm.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.RecLlmGateway;
import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.fakes.RawSse;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.usage.UsageRecord;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The in-process events API: what listeners receive for each kind of call, and what a bad listener cannot break. */
class TelemetryEventsTest {

  static Vertx vertx;
  static FakeUpstream upstream;
  static TelemetryGateway gw;
  static final List<TelemetryEvent> events = new CopyOnWriteArrayList<>();
  static final TelemetryListener collector = events::add;
  static final AtomicInteger ids = new AtomicInteger();

  static final String COMPLETION = Fixtures.read("openai/chat_completion_text.json");
  static final String STREAM = Fixtures.read("openai/stream_text_include_usage.sse");
  static final long MS = 1_000_000;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = FakeUpstream.start(vertx);
    gw = TelemetryGateway.start("""
        providers:
          openai: { type: openai, base_url: "http://127.0.0.1:%d/v1", api_key: "${OPENAI_API_KEY}" }
        timeouts: { first_byte_ms: 5000, idle_ms: 2000 }
        usage: { store: memory }
        telemetry: { access_log: off }
        """.formatted(upstream.port()), Map.of("OPENAI_API_KEY", "sk-upstream"), b -> { });
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
    upstream.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void attach() {
    gw.gateway.telemetry().detach(collector);
    gw.gateway.telemetry().attach(collector);
  }

  static String newId() {
    return "evt-" + ids.incrementAndGet();
  }

  static List<TelemetryEvent> eventsFor(String requestId, int expected) throws InterruptedException {
    TelemetryGateway.await(() -> events.stream().filter(e -> requestId.equals(e.tag("request_id"))).count() >= expected,
        expected + " events of " + requestId);
    return events.stream().filter(e -> requestId.equals(e.tag("request_id"))).toList();
  }

  @Test
  void nonStreamingSuccessGivesStartThenStopWithDurationTokensAndCost() throws Exception {
    upstream.respond((req, b) -> vertx.setTimer(120, t -> req.response().putHeader("content-type", "application/json")
        .end(COMPLETION)));
    String id = newId();
    long before = System.currentTimeMillis();
    HttpResponse<String> resp = gw.chat(TelemetryGateway.body("gpt-4o", false), "x-request-id", id);
    assertThat(resp.statusCode()).isEqualTo(200);

    List<TelemetryEvent> got = eventsFor(id, 2);
    assertThat(got).extracting(TelemetryEvent::name)
        .containsExactly(TelemetryEvent.REQUEST_START, TelemetryEvent.REQUEST_STOP);
    TelemetryEvent start = got.get(0);
    assertThat(start.measurement("system_time") / MS).isBetween(before - 1000, System.currentTimeMillis() + 1000);
    assertThat(start.metadata()).containsEntry("provider", "openai").containsEntry("model", "gpt-4o")
        .containsEntry("stream", false);

    TelemetryEvent stop = got.get(1);
    assertThat(stop.measurement("duration")).isGreaterThanOrEqualTo(120 * MS);
    assertThat(stop.measurement("upstream_duration")).isBetween(120 * MS, stop.measurement("duration"));
    assertThat(stop.measurement("prompt_tokens")).isEqualTo(24);
    assertThat(stop.measurement("completion_tokens")).isEqualTo(8);
    assertThat(stop.measurement("total_tokens")).isEqualTo(32);
    assertThat(stop.metadata()).containsEntry("provider", "openai").containsEntry("model", "gpt-4o")
        .containsEntry("response_model", "gpt-4o-2024-08-06").containsEntry("finish_reason", "stop")
        .containsEntry("status", 200).containsEntry("stream", false).doesNotContainKey("time_to_first_token");
    BigDecimal cost = Json.MAPPER.readTree(resp.body()).at("/x_rec_llm/cost_usd").decimalValue();
    assertThat(cost).isPositive();
    assertThat(stop.metadata().get("cost_usd")).isEqualTo(cost); // 0.00014: exact, the same decimal as the client's
    assertThat(stop.tag("cost_usd")).isEqualTo("0.00014");
    // the test's sink runs just after the telemetry one, so its record may land a moment after the event
    TelemetryGateway.await(() -> gw.records.stream().anyMatch(x -> x.requestId().equals(id)), "the usage record");
    UsageRecord r = gw.records.stream().filter(x -> x.requestId().equals(id)).findFirst().orElseThrow();
    assertThat(stop.measurement("duration") / MS).isGreaterThanOrEqualTo(r.latencyMs());
  }

  @Test
  void streamingSuccessCarriesTimeToFirstTokenAndTheUpstreamUsage() throws Exception {
    upstream.respondSse(STREAM, 15);
    String id = newId();
    HttpResponse<String> resp = gw.chat(TelemetryGateway.body("gpt-4o", true), "x-request-id", id);
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.body()).endsWith("data: [DONE]\n\n");

    List<TelemetryEvent> got = eventsFor(id, 2);
    assertThat(got).extracting(TelemetryEvent::name)
        .containsExactly(TelemetryEvent.REQUEST_START, TelemetryEvent.REQUEST_STOP);
    assertThat(got.get(0).metadata()).containsEntry("stream", true);
    TelemetryEvent stop = got.get(1);
    assertThat(stop.measurement("prompt_tokens")).isEqualTo(14);
    assertThat(stop.measurement("completion_tokens")).isEqualTo(8);
    assertThat(stop.measurement("total_tokens")).isEqualTo(22);
    assertThat(stop.metadata()).containsEntry("stream", true).containsEntry("finish_reason", "stop")
        .containsEntry("status", 200).containsEntry("estimated_usage", false);
    Duration ttft = (Duration) stop.metadata().get("time_to_first_token");
    assertThat(ttft).isNotNull();
    assertThat(ttft.toNanos()).isBetween(15 * MS, stop.measurement("duration"));
    // the upstream wrote an event every 15 ms: its part lasted at least that long per event
    long gaps = Fixtures.sseData(STREAM).size() - 1;
    assertThat(stop.measurement("upstream_duration")).isBetween(gaps * 15 * MS, stop.measurement("duration"));
  }

  @Test
  void upstreamRejectionGivesAnExceptionEventAndNoStop() throws Exception {
    upstream.respondJson(429, "{\"error\":{\"message\":\"Slow down\",\"type\":\"rate_limit_error\",\"code\":\"rate_limit_exceeded\"}}",
        "retry-after", "2");
    String id = newId();
    HttpResponse<String> resp = gw.chat(TelemetryGateway.body("gpt-4o", false), "x-request-id", id);
    assertThat(resp.statusCode()).isEqualTo(429);

    List<TelemetryEvent> got = eventsFor(id, 2);
    assertThat(got).extracting(TelemetryEvent::name)
        .containsExactly(TelemetryEvent.REQUEST_START, TelemetryEvent.REQUEST_EXCEPTION);
    TelemetryEvent ex = got.get(1);
    assertThat(ex.metadata()).containsEntry("provider", "openai").containsEntry("model", "gpt-4o")
        .containsEntry("error_type", "rate_limit_error").containsEntry("status", 429).containsEntry("stream", false);
    assertThat(ex.tag("error_message")).contains("Slow down");
    assertThat(ex.measurement("duration")).isPositive();
    assertThat(ex.measurement("total_tokens")).isZero();
  }

  @Test
  void streamThatFailsBeforeItsFirstEventGivesAnException() throws Exception {
    upstream.respondJson(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}");
    String id = newId();
    HttpResponse<String> resp = gw.chat(TelemetryGateway.body("gpt-4o", true), "x-request-id", id);
    assertThat(resp.statusCode()).isEqualTo(500);

    List<TelemetryEvent> got = eventsFor(id, 2);
    assertThat(got).extracting(TelemetryEvent::name)
        .containsExactly(TelemetryEvent.REQUEST_START, TelemetryEvent.REQUEST_EXCEPTION);
    assertThat(got.get(1).metadata()).containsEntry("error_type", "api_error").containsEntry("status", 500)
        .containsEntry("stream", true);
    assertThat(got.get(1).tag("error_message")).contains("overloaded");
  }

  @Test
  void streamThatBreaksMidwayGivesAnExceptionWithTheBilledPartialUsage() throws Exception {
    upstream.respondSseThenReset(STREAM, 4);
    String id = newId();
    HttpResponse<String> resp = gw.chat(TelemetryGateway.body("gpt-4o", true), "x-request-id", id);
    assertThat(resp.statusCode()).isEqualTo(200); // headers were out before the upstream broke
    assertThat(resp.body()).contains("\"error\"");

    List<TelemetryEvent> got = eventsFor(id, 2);
    assertThat(got).extracting(TelemetryEvent::name)
        .containsExactly(TelemetryEvent.REQUEST_START, TelemetryEvent.REQUEST_EXCEPTION);
    TelemetryEvent ex = got.get(1);
    assertThat(ex.metadata()).containsEntry("error_type", "api_error").containsEntry("stream", true);
    assertThat(ex.measurement("prompt_tokens")).isPositive();
    assertThat(ex.measurement("completion_tokens")).isPositive();
    assertThat(ex.measurement("upstream_duration")).isBetween(0L, ex.measurement("duration"));
  }

  @Test
  void aThrowingListenerIsDetachedAndNeverBreaksACall() throws Exception {
    upstream.respondJson(200, COMPLETION);
    AtomicInteger thrown = new AtomicInteger();
    TelemetryListener bad = e -> {
      thrown.incrementAndGet();
      throw new IllegalStateException("listener bug");
    };
    GatewayTelemetry telemetry = gw.gateway.telemetry();
    telemetry.detach(collector);
    telemetry.attach(bad);
    telemetry.attach(collector); // after the bad one: it must still get every event
    try {
      String first = newId();
      String second = newId();
      HttpResponse<String> a = gw.chat(TelemetryGateway.body("gpt-4o", false), "x-request-id", first);
      HttpResponse<String> b = gw.chat(TelemetryGateway.body("gpt-4o", true), "x-request-id", second);
      upstream.respondSse(STREAM, 0);
      HttpResponse<String> c = gw.chat(TelemetryGateway.body("gpt-4o", true), "x-request-id", newId());

      assertThat(a.statusCode()).isEqualTo(200);
      assertThat(Json.MAPPER.readTree(a.body()).at("/choices/0/message/content").asText())
          .isEqualTo("The capital of France is Paris.");
      assertThat(b.statusCode()).isEqualTo(500); // the upstream answered JSON to a stream: a normal error
      assertThat(c.statusCode()).isEqualTo(200);
      assertThat(c.body()).endsWith("data: [DONE]\n\n");
      assertThat(eventsFor(first, 2)).hasSize(2);
      assertThat(eventsFor(second, 2)).hasSize(2);
      assertThat(thrown).hasValue(1); // detached after its first failure
      assertThat(telemetry.detach(bad)).isFalse();
    } finally {
      telemetry.detach(bad);
    }
  }

  @Test
  void blockingListenersRunOffTheEventLoopAndInlineOnesOnIt() throws Exception {
    upstream.respondJson(200, COMPLETION);
    List<String> inlineThreads = new CopyOnWriteArrayList<>();
    List<String> blockingThreads = new CopyOnWriteArrayList<>();
    TelemetryListener inline = e -> inlineThreads.add(Thread.currentThread().getName());
    TelemetryListener blocking = e -> {
      blockingThreads.add(Thread.currentThread().getName());
      try {
        Thread.sleep(20); // what a listener writing to a database might do
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    };
    GatewayTelemetry telemetry = gw.gateway.telemetry();
    telemetry.attach(inline);
    telemetry.attachBlocking(blocking);
    try {
      HttpResponse<String> resp = gw.chat(TelemetryGateway.body("gpt-4o", false), "x-request-id", newId());
      assertThat(resp.statusCode()).isEqualTo(200);
      TelemetryGateway.await(() -> blockingThreads.size() == 2 && inlineThreads.size() == 2, "both listeners");
      assertThat(inlineThreads).allSatisfy(t -> assertThat(t).startsWith("vert.x-eventloop-thread"));
      assertThat(blockingThreads).allSatisfy(t -> assertThat(t).startsWith("rec-llm-gateway-telemetry-"));
    } finally {
      telemetry.detach(inline);
      telemetry.detach(blocking);
    }
  }

  @Test
  void listenersGivenToTheBuilderSeeTheFirstCall() throws Exception {
    List<TelemetryEvent> inline = new CopyOnWriteArrayList<>();
    List<TelemetryEvent> blocking = new CopyOnWriteArrayList<>();
    try (TelemetryGateway mock = TelemetryGateway.start("telemetry: { access_log: off }\nusage: { store: memory }\n",
        Map.of(), b -> b.telemetryListener(inline::add).blockingTelemetryListener(blocking::add))) {
      HttpResponse<String> resp = mock.chat(TelemetryGateway.body("mock:echo", false));
      assertThat(resp.statusCode()).isEqualTo(200);
      JsonNode usage = Json.MAPPER.readTree(resp.body()).get("usage");
      TelemetryGateway.await(() -> inline.size() == 2 && blocking.size() == 2, "builder listeners");
      for (List<TelemetryEvent> got : List.of(inline, blocking)) {
        assertThat(got).extracting(TelemetryEvent::name)
            .containsExactly(TelemetryEvent.REQUEST_START, TelemetryEvent.REQUEST_STOP);
        assertThat(got.get(1).metadata()).containsEntry("provider", "mock").containsEntry("model", "echo")
            .containsEntry("cost_usd", BigDecimal.ZERO);
        assertThat(got.get(1).measurement("prompt_tokens")).isEqualTo(usage.get("prompt_tokens").asLong());
        assertThat(got.get(1).measurement("completion_tokens")).isEqualTo(usage.get("completion_tokens").asLong());
      }
    }
  }

  @Test
  void mockErrorModelsGiveExceptionEventsForBothCallKinds() throws Exception {
    List<TelemetryEvent> got = new CopyOnWriteArrayList<>();
    try (TelemetryGateway mock = TelemetryGateway.start("telemetry: { access_log: off }\nusage: { store: memory }\n",
        Map.of(), b -> b.telemetryListener(got::add))) {
      assertThat(mock.chat(TelemetryGateway.body("mock:error-429", false)).statusCode()).isEqualTo(429);
      assertThat(mock.chat(TelemetryGateway.body("mock:error-429", true)).statusCode()).isEqualTo(429);
      TelemetryGateway.await(() -> got.size() == 4, "4 events");
      assertThat(got).extracting(TelemetryEvent::name).containsExactly(TelemetryEvent.REQUEST_START,
          TelemetryEvent.REQUEST_EXCEPTION, TelemetryEvent.REQUEST_START, TelemetryEvent.REQUEST_EXCEPTION);
      assertThat(got.get(1).metadata()).containsEntry("status", 429).containsEntry("stream", false)
          .containsEntry("error_type", "mock_error").containsEntry("model", "error-429");
      assertThat(got.get(3).metadata()).containsEntry("status", 429).containsEntry("stream", true);
    }
  }

  @Test
  void callsSharingAClientRequestIdAreEachClosedWithTheirOwnTimings() throws Exception {
    List<TelemetryEvent> got = new CopyOnWriteArrayList<>();
    try (TelemetryGateway mock = TelemetryGateway.start("""
        providers:
          slow: { type: mock, delay_ms: 300 }
        usage: { store: memory }
        telemetry: { access_log: off }
        """, Map.of(), b -> b.telemetryListener(got::add))) {
      var slow = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return mock.chat(TelemetryGateway.body("slow:echo", false), "x-request-id", "same-id");
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      TelemetryGateway.await(() -> got.size() == 1, "the slow call to start");
      assertThat(mock.chat(TelemetryGateway.body("mock:echo", false), "x-request-id", "same-id").statusCode()).isEqualTo(200);
      assertThat(slow.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      TelemetryGateway.await(() -> got.size() == 4, "4 events");

      TelemetryEvent fastStop = got.stream().filter(e -> e.is(TelemetryEvent.REQUEST_STOP) && "mock".equals(e.tag("provider")))
          .findFirst().orElseThrow();
      TelemetryEvent slowStop = got.stream().filter(e -> e.is(TelemetryEvent.REQUEST_STOP) && "slow".equals(e.tag("provider")))
          .findFirst().orElseThrow();
      // paired the wrong way round, the fast call would have no upstream time yet and the slow one a short one
      assertThat(fastStop.measurements()).containsKey("upstream_duration");
      assertThat(slowStop.measurement("upstream_duration")).isGreaterThanOrEqualTo(300 * MS);
      assertThat(slowStop.measurement("duration")).isGreaterThan(fastStop.measurement("duration"));
    }
  }

  @Test
  void aClientLeavingMidStreamIsAStopWithStatus499() throws Exception {
    List<String> parts = FakeUpstream.splitEvents(STREAM);
    StringBuilder longStream = new StringBuilder(parts.get(0));
    for (int i = 0; i < 200; i++) longStream.append(parts.get(1));
    upstream.respondSse(longStream.toString(), 20);
    String id = newId();
    try (RawSse client = new RawSse(gw.gateway.port(), TelemetryGateway.body("gpt-4o", true), 0, id)) {
      client.readUntil("\"content\":\"The\"", 2);
    }
    List<TelemetryEvent> got = eventsFor(id, 2);
    assertThat(got).extracting(TelemetryEvent::name)
        .containsExactly(TelemetryEvent.REQUEST_START, TelemetryEvent.REQUEST_STOP);
    TelemetryEvent stop = got.get(1);
    assertThat(stop.metadata()).containsEntry("status", 499).containsEntry("finish_reason", "client_disconnected")
        .containsEntry("estimated_usage", true);
    assertThat(stop.measurement("completion_tokens")).isPositive();
    assertThat(stop.measurement("upstream_duration")).isBetween(0L, stop.measurement("duration")); // cancelled: ended
  }
}
