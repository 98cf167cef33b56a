package io.recllm.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.RecLlmGateway;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.config.UsageSettings;
import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.call.Attempt;
import io.recllm.gateway.pricing.NanoUsd;
import io.recllm.gateway.telemetry.TelemetryEvent;
import io.recllm.gateway.usage.UsageRecord;
import io.recllm.gateway.usage.UsageStats;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Routes, retries, fallbacks, circuit breakers and keys through the HTTP gateway, against two fake
 * OpenAI-compatible upstreams that inject faults (statuses, retry-after, resets, stalls, refused
 * connections), with a manual clock for breakers and backoff waits. Answers are the recorded
 * {@code openai/chat_completion_text.json} with each upstream's model name put in, as an upstream
 * answers with the model it ran.
 */
class ResilienceEndToEndTest {

  private static final String ANSWER = Fixtures.read("openai/chat_completion_text.json");
  private static final String STREAM = Fixtures.read("openai/stream_text_include_usage.sse");
  private static final String RATE_LIMITED = Fixtures.read("openai/error_429_rate_limit_exceeded.json");
  private static final String UNAUTHORIZED = Fixtures.read("openai/error_401_invalid_api_key.json");
  private static final String SERVER_ERROR = "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\",\"param\":null,\"code\":null}}";
  private static final String SMART = "routes: { smart: { targets: [ \"a:alpha-model\", \"b:beta-model\" ] } }\n";
  private static final String BODY = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Capital of France?\"}]%s}";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<UsageRecord> records = new CopyOnWriteArrayList<>();
  private final List<TelemetryEvent> events = new CopyOnWriteArrayList<>();
  private final ManualTime time = new ManualTime();
  private FakeUpstream a;
  private FakeUpstream b;
  private RecLlmGateway gateway;

  @BeforeEach
  void upstreams() throws Exception {
    a = FakeUpstream.start();
    b = FakeUpstream.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) gateway.close();
    a.close();
    b.close();
  }

  /** Providers {@code a} and {@code b} on the fakes, priced models alpha (dear) and beta (cheap), and {@code extra}. */
  private void start(String extra, TimeSource clock) {
    String yaml = """
        providers:
          a: { type: openai, base_url: "http://127.0.0.1:%d/v1", api_key: sk-test-fake-a, timeouts: { first_byte_ms: 1000, idle_ms: 500 } }
          b: { type: openai, base_url: "http://127.0.0.1:%d/v1", api_key: sk-test-fake-b }
        pricing:
          alpha-model: { input: 10.0, output: 30.0 }
          beta-model: { input: 0.5, output: 1.5 }
        """.formatted(a.port(), b.port()) + extra;
    startConfig(yaml, clock);
  }

  /** A whole config file, usage in memory. */
  private void startConfig(String yaml, TimeSource clock) {
    GatewayConfig config = ConfigLoader.load(yaml, Map.of());
    config = config.withUsage(config.usage().withStore(UsageSettings.MEMORY)).withPort(0).withHost("127.0.0.1");
    gateway = RecLlmGateway.builder(config).usageSink(records::add).telemetryListener(events::add)
        .resilienceTime(clock, time).start();
  }

  private void start(String extra) {
    start(extra, time);
  }

  private static String answer(String model) {
    return ANSWER.replace("gpt-4o-2024-08-06", model);
  }

  private HttpResponse<String> chat(String model) throws Exception {
    return chat(model, "");
  }

  private HttpResponse<String> chat(String model, String more) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(20)).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(BODY.formatted(model, more))).build();
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return Json.MAPPER.readTree(r.body());
  }

  /** The records of one request, waiting until {@code n} arrived. */
  private List<UsageRecord> recordsOf(HttpResponse<?> r, int n) throws InterruptedException {
    String id = r.headers().firstValue("x-request-id").orElseThrow();
    long deadline = System.currentTimeMillis() + 10_000;
    List<UsageRecord> mine = List.of();
    while (System.currentTimeMillis() < deadline) {
      mine = records.stream().filter(x -> x.requestId().equals(id)).toList();
      if (mine.size() >= n) break;
      Thread.sleep(5);
    }
    return mine;
  }

  // ---- fallback route: failover, attempts, cost and usage of the answering model

  @Test
  void fallbackRouteFailsOverAndAccountsTheAnswerToTheModelThatGaveIt() throws Exception {
    a.respondJson(503, SERVER_ERROR);
    b.respondJson(200, answer("beta-model"));
    start("""
        routes:
          smart: { strategy: fallback, targets: [ "a:alpha-model", "b:beta-model" ] }
        """);

    HttpResponse<String> r = chat("smart");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-rec-llm-provider")).hasValue("b");
    JsonNode ext = json(r).get("x_rec_llm");
    assertThat(ext.get("route").asText()).isEqualTo("smart");
    assertThat(ext.get("provider").asText()).isEqualTo("b");
    assertThat(ext.get("model").asText()).isEqualTo("beta-model");
    JsonNode attempts = ext.get("attempts");
    assertThat(attempts).hasSize(2);
    assertThat(attempts.get(0).get("provider").asText()).isEqualTo("a");
    assertThat(attempts.get(0).get("model").asText()).isEqualTo("alpha-model");
    assertThat(attempts.get(0).get("status").asInt()).isEqualTo(503);
    assertThat(attempts.get(0).get("error_type").asText()).isEqualTo("api_error");
    assertThat(attempts.get(0).has("latency_ms")).isTrue();
    assertThat(attempts.get(1).get("provider").asText()).isEqualTo("b");
    assertThat(attempts.get(1).get("status").asInt()).isEqualTo(200);
    assertThat(attempts.get(1).get("error_type").isNull()).isTrue();
    assertThat(a.lastRequest().body()).contains("\"alpha-model\"");
    assertThat(b.lastRequest().body()).contains("\"beta-model\"").doesNotContain("smart");

    // 24 prompt and 8 completion tokens at beta's price, not alpha's
    BigDecimal beta = new BigDecimal("0.5").multiply(BigDecimal.valueOf(24)).add(new BigDecimal("1.5").multiply(BigDecimal.valueOf(8)))
        .divide(BigDecimal.valueOf(1_000_000));
    assertThat(ext.get("cost_usd").decimalValue()).isEqualByComparingTo(beta);

    List<UsageRecord> rows = recordsOf(r, 2);
    assertThat(rows).hasSize(2);
    UsageRecord failedTry = rows.stream().filter(x -> x.provider().equals("a")).findFirst().orElseThrow();
    UsageRecord answered = rows.stream().filter(x -> x.provider().equals("b")).findFirst().orElseThrow();
    assertThat(failedTry.attempt()).isEqualTo(1);
    assertThat(failedTry.status()).isEqualTo(503);
    assertThat(failedTry.errorType()).isEqualTo("api_error");
    assertThat(failedTry.costNanoUsd()).isZero();
    assertThat(answered.attempt()).isEqualTo(2);
    assertThat(answered.model()).isEqualTo("beta-model");
    assertThat(answered.errorType()).isNull();
    assertThat(NanoUsd.toUsd(answered.costNanoUsd())).isEqualByComparingTo(beta);

    gateway.usage().flush(Duration.ofSeconds(5));
    List<UsageStats> stats = gateway.usage().getAll();
    UsageStats ofA = stats.stream().filter(s -> s.provider().equals("a")).findFirst().orElseThrow();
    UsageStats ofB = stats.stream().filter(s -> s.provider().equals("b")).findFirst().orElseThrow();
    assertThat(ofA.errors()).as("the failed try is an error of its own provider").isEqualTo(1);
    assertThat(ofA.costNanoUsd()).isZero();
    assertThat(ofB.calls()).isEqualTo(1);
    assertThat(ofB.errors()).isZero();
    assertThat(NanoUsd.toUsd(ofB.costNanoUsd())).isEqualByComparingTo(beta);

    awaitTrue(() -> events.stream().anyMatch(e -> e.is(TelemetryEvent.REQUEST_STOP)));
    TelemetryEvent stop = events.stream().filter(e -> e.is(TelemetryEvent.REQUEST_STOP)).findFirst().orElseThrow();
    assertThat(stop.tag("route")).isEqualTo("smart");
    assertThat((List<?>) stop.metadata().get("attempts")).extracting(x -> ((Attempt) x).provider()).containsExactly("a", "b");

    JsonNode log = json(get("/v1/usage/requests?limit=10")).get("data");
    assertThat(log).hasSize(2);
    assertThat(log.findValuesAsText("attempt")).containsExactlyInAnyOrder("1", "2");
    assertThat(log.findValuesAsText("request_id")).containsOnly(r.headers().firstValue("x-request-id").orElseThrow());
  }

  @Test
  void aRefusedRequestIsTheAnswerNotAReasonToFallOver() throws Exception {
    a.respondJson(400, Fixtures.read("openai/error_400_unsupported_value.json"));
    b.respondJson(200, answer("beta-model"));
    start("""
        routes:
          smart: { targets: [ "a:alpha-model", "b:beta-model" ] }
        retries: { max_attempts: 3 }
        """);
    HttpResponse<String> r = chat("smart");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(a.requests()).hasSize(1);
    assertThat(b.requests()).isEmpty();
  }

  // ---- the other strategies

  @Test
  void weightedRouteSharesCallsByWeight() throws Exception {
    a.respondJson(200, answer("alpha-model"));
    b.respondJson(200, answer("beta-model"));
    start("""
        routes:
          cheap:
            strategy: weighted
            targets: [ { model: "a:alpha-model", weight: 3 }, { model: "b:beta-model", weight: 1 } ]
        """);
    List<String> answeredBy = new ArrayList<>();
    for (int i = 0; i < 8; i++) answeredBy.add(chat("cheap").headers().firstValue("x-rec-llm-provider").orElseThrow());
    assertThat(answeredBy).filteredOn("a"::equals).hasSize(6);
    assertThat(answeredBy).filteredOn("b"::equals).hasSize(2);
    assertThat(a.requests()).hasSize(6);
  }

  @Test
  void leastLatencyRouteGoesToTheFasterTargetOnceBothAreMeasured() throws Exception {
    // a answers after 150 ms, b at once
    a.respondJsonAfter(150, 200, answer("alpha-model"));
    b.respondJson(200, answer("beta-model"));
    start("""
        routes:
          fast: { strategy: least_latency, targets: [ "a:alpha-model", "b:beta-model" ] }
        """, TimeSource.SYSTEM);
    List<String> answeredBy = new ArrayList<>();
    for (int i = 0; i < 6; i++) answeredBy.add(chat("fast").headers().firstValue("x-rec-llm-provider").orElseThrow());
    assertThat(answeredBy.subList(0, 2)).as("each target is measured once").containsExactlyInAnyOrder("a", "b");
    assertThat(answeredBy.subList(2, 6)).containsOnly("b");
  }

  @Test
  void lowestCostRouteGoesToTheCheaperTarget() throws Exception {
    a.respondJson(200, answer("alpha-model"));
    b.respondJson(200, answer("beta-model"));
    start("""
        routes:
          thrifty: { strategy: lowest_cost, targets: [ "a:alpha-model", "b:beta-model" ] }
        """);
    for (int i = 0; i < 3; i++) assertThat(chat("thrifty").headers().firstValue("x-rec-llm-provider")).hasValue("b");
    assertThat(a.requests()).isEmpty();
  }

  @Test
  void leastBusyRouteSendsTheNextCallToTheIdleTarget() throws Exception {
    a.respondJsonAfter(700, 200, answer("alpha-model"));
    b.respondJsonAfter(700, 200, answer("beta-model"));
    start("""
        routes:
          spread: { strategy: least_busy, targets: [ "a:alpha-model", "b:beta-model" ] }
        """, TimeSource.SYSTEM);
    CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> call("spread"));
    awaitTrue(() -> a.requests().size() + b.requests().size() == 1);
    String busy = a.requests().size() == 1 ? "a" : "b";
    HttpResponse<String> second = call("spread");
    assertThat(second.headers().firstValue("x-rec-llm-provider")).isPresent().get().isNotEqualTo(busy);
    assertThat(first.get().headers().firstValue("x-rec-llm-provider")).hasValue(busy);
  }

  private HttpResponse<String> call(String model) {
    try {
      return chat(model);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!condition.getAsBoolean() && System.currentTimeMillis() < deadline) Thread.sleep(5);
    assertThat(condition.getAsBoolean()).isTrue();
  }

  // ---- retries

  /** Answers the calls one after another with {@code script}'s n-th behaviour (the last repeats). */
  private static void script(FakeUpstream up, Object... script) {
    AtomicInteger n = new AtomicInteger();
    up.respond((req, body) -> {
      int i = Math.min(n.getAndIncrement(), script.length - 1);
      Object[] step = (Object[]) script[i];
      var resp = req.response().setStatusCode((Integer) step[0]).putHeader("content-type", "application/json");
      for (int k = 2; k + 1 < step.length; k += 2) resp.putHeader((String) step[k], (String) step[k + 1]);
      resp.end((String) step[1]);
    });
  }

  private static Object[] reply(int status, String body, String... headers) {
    Object[] out = new Object[2 + headers.length];
    out[0] = status;
    out[1] = body;
    System.arraycopy(headers, 0, out, 2, headers.length);
    return out;
  }

  @Test
  void retryWaitsWhatRetryAfterMsSays() throws Exception {
    script(a, reply(429, RATE_LIMITED, "retry-after-ms", "1500", "retry-after", "2"), reply(200, answer("alpha-model")));
    start("retries: { max_attempts: 3, initial_backoff_ms: 10, max_backoff_ms: 5000 }\n");
    HttpResponse<String> r = chat("a:alpha-model");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(time.waitsMillis()).containsExactly(1500L);
    assertThat(a.requests()).hasSize(2);
    assertThat(get("/metrics").body()).contains("rec_llm_gateway_retries_total{provider=\"a\"} 1.0");
    assertThat(json(r).at("/x_rec_llm/attempts")).hasSize(2);
    assertThat(json(r).at("/x_rec_llm/attempts/0/status").asInt()).isEqualTo(429);
  }

  @Test
  void retryAfterIsCappedByMaxBackoff() throws Exception {
    script(a, reply(503, SERVER_ERROR, "retry-after", "60"), reply(200, answer("alpha-model")));
    start("retries: { max_attempts: 2, initial_backoff_ms: 10, max_backoff_ms: 2000 }\n");
    assertThat(chat("a:alpha-model").statusCode()).isEqualTo(200);
    assertThat(time.waitsMillis()).containsExactly(2000L);
  }

  @Test
  void aRetryThatWouldOutlastTheCallsDeadlineIsNotMade() throws Exception {
    script(a, reply(429, RATE_LIMITED, "retry-after", "30"), reply(200, answer("alpha-model")));
    start("""
        timeouts: { total_ms: 5000 }
        retries: { max_attempts: 3, max_backoff_ms: 60000 }
        """);
    HttpResponse<String> r = chat("a:alpha-model");
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("retry-after")).hasValue("30");
    assertThat(a.requests()).hasSize(1);
  }

  @Test
  void connectionRefusedIsRetriedThenFailedOver() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    b.respondJson(200, answer("beta-model"));
    String yaml = """
        providers:
          down: { type: openai, base_url: "http://127.0.0.1:%d/v1", api_key: sk-test-fake-down }
          b: { type: openai, base_url: "http://127.0.0.1:%d/v1", api_key: sk-test-fake-b }
        retries: { max_attempts: 2, initial_backoff_ms: 1, max_backoff_ms: 1 }
        routes:
          smart: { targets: [ "down:alpha-model", "b:beta-model" ] }
        """.formatted(closedPort, b.port());
    startConfig(yaml, time);
    HttpResponse<String> r = chat("smart");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode attempts = json(r).at("/x_rec_llm/attempts");
    assertThat(attempts.findValuesAsText("provider")).containsExactly("down", "down", "b");
  }

  @Test
  void aStalledTargetTimesOutAndTheRouteFallsOver() throws Exception {
    a.stall();
    b.respondJson(200, answer("beta-model"));
    start(SMART);
    HttpResponse<String> r = chat("smart");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode attempts = json(r).at("/x_rec_llm/attempts");
    assertThat(attempts.findValuesAsText("provider")).containsExactly("a", "b");
    assertThat(attempts.get(0).get("error_type").asText()).isNotEmpty();
  }

  // ---- streams: failover before the first byte, never after

  @Test
  void aStreamFailsOverWhileNothingReachedTheClient() throws Exception {
    a.respondJson(503, SERVER_ERROR);
    b.respondSse(STREAM, 0);
    start(SMART);
    HttpResponse<String> r = chat("smart", ",\"stream\":true");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-rec-llm-provider")).hasValue("b");
    assertThat(r.body()).contains("data: [DONE]");
    assertThat(a.requests()).hasSize(1);
    assertThat(b.requests()).hasSize(1);
  }

  @Test
  void aStreamAcceptedButSilentFailsOverBeforeItsFirstByte() throws Exception {
    // headers at once, then nothing: the upstream accepted the call, yet the client has seen no byte
    a.respond((req, body) -> req.response().setStatusCode(200).setChunked(true)
        .putHeader("content-type", "text/event-stream").writeHead());
    b.respondSse(STREAM, 0);
    start(SMART);
    HttpResponse<String> r = chat("smart", ",\"stream\":true,\"stream_options\":{\"include_usage\":true}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-rec-llm-provider")).hasValue("b");
    assertThat(r.body()).contains("data: [DONE]").doesNotContain("\"error\"");
    JsonNode usageChunk = Json.MAPPER.readTree(r.body().lines().filter(l -> l.contains("x_rec_llm")).findFirst()
        .orElseThrow().substring("data: ".length()));
    JsonNode attempts = usageChunk.at("/x_rec_llm/attempts");
    assertThat(attempts.findValuesAsText("provider")).containsExactly("a", "b");
    assertThat(attempts.get(0).get("error_type").isNull()).as("the silent try failed").isFalse();
    assertThat(usageChunk.at("/x_rec_llm/provider").asText()).isEqualTo("b");
  }

  @Test
  void aStreamThatBrokeAfterItsFirstByteIsNeitherRetriedNorFailedOver() throws Exception {
    a.respondSseThenReset(STREAM, 2);
    b.respondSse(STREAM, 0);
    start("""
        retries: { max_attempts: 3, initial_backoff_ms: 1, max_backoff_ms: 1 }
        routes:
          smart: { targets: [ "a:alpha-model", "b:beta-model" ] }
        """);
    HttpResponse<String> r = chat("smart", ",\"stream\":true");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"error\"").doesNotContain("[DONE]");
    assertThat(a.requests()).as("no second try of the same stream").hasSize(1);
    assertThat(b.requests()).as("no failover once text reached the client").isEmpty();
  }

  // ---- circuit breaker

  @Test
  void circuitOpensFailsFastHalfOpensAndClosesAgain() throws Exception {
    AtomicInteger status = new AtomicInteger(500);
    a.respond((req, body) -> req.response().setStatusCode(status.get()).putHeader("content-type", "application/json")
        .end(status.get() == 200 ? answer("alpha-model") : SERVER_ERROR));
    start("circuit_breaker: { failure_threshold: 2, window_ms: 10000, open_ms: 5000, half_open_calls: 1 }\n");

    assertThat(chat("a:alpha-model").statusCode()).isEqualTo(500);
    assertThat(chat("a:alpha-model").statusCode()).isEqualTo(500);
    HttpResponse<String> open = chat("a:alpha-model");
    assertThat(open.statusCode()).isEqualTo(503);
    assertThat(json(open).at("/error/code").asText()).isEqualTo("provider_unavailable");
    assertThat(open.headers().firstValue("retry-after")).hasValue("5");
    assertThat(a.requests()).as("an open circuit does not call the provider").hasSize(2);
    assertThat(json(get("/v1/usage/providers")).at("/data/0/circuit_state").asText()).isEqualTo("open");

    time.advanceMillis(5000); // half-open: one probe
    status.set(200);
    assertThat(json(get("/v1/usage/providers")).at("/data/0/circuit_state").asText()).isEqualTo("half_open");
    assertThat(chat("a:alpha-model").statusCode()).isEqualTo(200);
    assertThat(json(get("/v1/usage/providers")).at("/data/0/circuit_state").asText()).isEqualTo("closed");
    assertThat(chat("a:alpha-model").statusCode()).isEqualTo(200);
    assertThat(a.requests()).hasSize(4);

    String metrics = get("/metrics").body();
    assertThat(metrics).contains("rec_llm_gateway_circuit_state{provider=\"a\"} 0.0");
  }

  @Test
  void anOpenCircuitSendsRouteCallsToTheNextTargetAtOnce() throws Exception {
    a.respondJson(500, SERVER_ERROR);
    b.respondJson(200, answer("beta-model"));
    start("""
        circuit_breaker: { failure_threshold: 1, open_ms: 60000 }
        routes:
          smart: { targets: [ "a:alpha-model", "b:beta-model" ] }
        """);
    assertThat(chat("smart").statusCode()).isEqualTo(200); // a fails, its circuit opens, b answers
    HttpResponse<String> r = chat("smart");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).at("/x_rec_llm/attempts").findValuesAsText("provider")).containsExactly("b");
    assertThat(a.requests()).hasSize(1);
    JsonNode health = json(get("/v1/usage/providers"));
    assertThat(health.at("/data/0/fallbacks").asLong()).isEqualTo(1);
    assertThat(health.at("/route_fallbacks/smart").asLong()).isEqualTo(1);
    assertThat(get("/metrics").body()).contains("rec_llm_gateway_fallbacks_total{provider=\"a\"} 1.0");
  }

  // ---- keys

  @Test
  void keysRotateARefusedKeyIsDroppedAndARateLimitedOneRests() throws Exception {
    List<String> used = new CopyOnWriteArrayList<>();
    AtomicInteger limited = new AtomicInteger();
    a.respond((req, body) -> {
      String key = req.getHeader("authorization").substring("Bearer ".length());
      used.add(key);
      var resp = req.response().putHeader("content-type", "application/json");
      if (key.equals("sk-test-fake-2")) {
        resp.setStatusCode(401).end(UNAUTHORIZED);
      } else if (key.equals("sk-test-fake-3") && limited.getAndIncrement() == 0) {
        resp.setStatusCode(429).putHeader("retry-after", "600").end(RATE_LIMITED);
      } else {
        resp.setStatusCode(200).end(answer("alpha-model"));
      }
    });
    String yaml = """
        providers:
          a: { type: openai, base_url: "http://127.0.0.1:%d/v1", api_keys: [ sk-test-fake-1, sk-test-fake-2, sk-test-fake-3 ] }
        """.formatted(a.port());
    startConfig(yaml, time);

    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 6; i++) statuses.add(chat("a:alpha-model").statusCode());
    assertThat(statuses).containsExactly(200, 401, 429, 200, 200, 200);
    assertThat(used).containsExactly("sk-test-fake-1", "sk-test-fake-2", "sk-test-fake-3",
        "sk-test-fake-1", "sk-test-fake-1", "sk-test-fake-1"); // 2 refused, 3 resting for 600 s
  }

  // ---- the request's own fallbacks, without any config

  @Test
  void requestFallbacksAreTriedInOrderAndNeverSentUpstream() throws Exception {
    a.respondJson(503, SERVER_ERROR);
    b.respondJson(200, answer("beta-model"));
    start("");
    HttpResponse<String> r = chat("a:alpha-model", ",\"fallbacks\":[\"b:beta-model\"]");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-rec-llm-provider")).hasValue("b");
    assertThat(a.lastRequest().body()).doesNotContain("fallbacks");
    assertThat(b.lastRequest().body()).doesNotContain("fallbacks").contains("\"beta-model\"");
    assertThat(json(r).at("/x_rec_llm/attempts").findValuesAsText("provider")).containsExactly("a", "b");
    assertThat(json(r).at("/x_rec_llm").has("route")).isFalse();
  }

  @Test
  void fallbacksThatAreNotAListAreAClearError() throws Exception {
    start("");
    HttpResponse<String> r = chat("a:alpha-model", ",\"fallbacks\":\"b:beta-model\"");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).at("/error/param").asText()).isEqualTo("fallbacks");
    assertThat(a.requests()).isEmpty();
  }

  @Test
  void aCallTriedOnceSaysWhoAnsweredAndNoMore() throws Exception {
    a.respondJson(200, answer("alpha-model"));
    start("");
    HttpResponse<String> r = chat("a:alpha-model");
    assertThat(r.headers().firstValue("x-rec-llm-provider")).hasValue("a");
    JsonNode ext = json(r).get("x_rec_llm");
    assertThat(ext.get("model").asText()).isEqualTo("alpha-model");
    assertThat(ext.has("attempts")).isFalse();
    assertThat(ext.has("route")).isFalse();
    assertThat(recordsOf(r, 1)).singleElement().satisfies(x -> assertThat(x.attempt()).isZero());
  }

  @Test
  void routesAreListedAsModels() throws Exception {
    start(SMART);
    JsonNode models = json(get("/v1/models")).get("data");
    assertThat(models.findValuesAsText("id")).contains("smart");
  }
}
