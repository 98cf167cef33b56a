package io.recllm.gateway.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.telemetry.TelemetryEvent;
import io.recllm.gateway.usage.RequestLogEntry;
import io.recllm.gateway.usage.UsageRecord;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * An upstream that quotes a configured key in its error (in the message, in other fields, or in a
 * body that is not JSON at all) must not get that key anywhere: not to the client (JSON error or SSE
 * error event), not into the gateway's log, not into telemetry events, not into the request log
 * (its store and {@code GET /v1/usage/requests}).
 */
class SecretsInUpstreamErrorsTest {

  static final String OPENAI_KEY = "sk-proj-FAKEtestOnlyKEY0042";
  static final String ANTHROPIC_KEY = "sk-ant-FAKE-test-only-key-9931";
  static final String GATEWAY_KEY = "gw-Hk3pLocalGatewayKey-7777";
  static final List<String> KEYS = List.of(OPENAI_KEY, ANTHROPIC_KEY, GATEWAY_KEY);
  static final String[] AUTH = {"authorization", "Bearer " + GATEWAY_KEY};

  @TempDir
  static Path dir;
  static Vertx vertx;
  static FakeUpstream upstream;
  static GatewayHarness gw;
  static final List<TelemetryEvent> events = new CopyOnWriteArrayList<>();
  static final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  static final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  static final Logger gatewayLogger = (Logger) LoggerFactory.getLogger("io.recllm");
  static Level gatewayLevel;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = FakeUpstream.start(vertx);
    gw = GatewayHarness.start("""
        providers:
          openai:    { type: openai, base_url: "http://127.0.0.1:%d/v1", api_key: "${OPENAI_API_KEY}" }
          anthropic: { type: anthropic, base_url: "http://127.0.0.1:%d", api_key: "${ANTHROPIC_API_KEY}" }
        api_key: ${GATEWAY_KEY}
        timeouts: { first_byte_ms: 5000, idle_ms: 5000 }
        usage: { store: "sqlite:%s", flush_interval_ms: 50 }
        """.formatted(upstream.port(), upstream.port(), dir.resolve("usage.db")),
        Map.of("OPENAI_API_KEY", OPENAI_KEY, "ANTHROPIC_API_KEY", ANTHROPIC_KEY, "GATEWAY_KEY", GATEWAY_KEY));
    gw.gateway.telemetry().attach(events::add);
    gatewayLevel = gatewayLogger.getLevel();
    gatewayLogger.setLevel(Level.DEBUG); // 4xx are logged at debug: capture those too
    logs.start();
    root.addAppender(logs);
  }

  @AfterAll
  static void stop() throws Exception {
    root.detachAppender(logs);
    gatewayLogger.setLevel(gatewayLevel);
    gw.close();
    upstream.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void reset() {
    upstream.reset();
  }

  @Test
  void openAi401QuotingTheKeyInItsJsonFields() throws Exception {
    upstream.respondJson(401, """
        {"error":{"message":"Incorrect API key provided: %s. You can find your API key at https://platform.openai.com.",
         "type":"invalid_request_error","param":"%s","code":"invalid_api_key"}}""".formatted(OPENAI_KEY, OPENAI_KEY));
    HttpResponse<String> resp = gw.post("/v1/chat/completions", body("gpt-4o", false), AUTH);
    assertThat(resp.statusCode()).isEqualTo(401);
    JsonNode error = Json.MAPPER.readTree(resp.body()).get("error");
    assertThat(error.get("message").asText()).isEqualTo(
        "Incorrect API key provided: sk-...0042. You can find your API key at https://platform.openai.com.");
    assertThat(error.get("param").asText()).isEqualTo("sk-...0042");
    assertThat(error.get("code").asText()).isEqualTo("invalid_api_key");
    assertNoKeyLeftAfter(resp, "sk-...0042");
  }

  @Test
  void openAi401WhoseWholeBodyIsPlainTextQuotingTheKey() throws Exception {
    upstream.respond((req, b) -> req.response().setStatusCode(401).putHeader("content-type", "text/plain")
        .end("Unauthorized: the key " + OPENAI_KEY + " is not valid for this deployment"));
    HttpResponse<String> resp = gw.post("/v1/chat/completions", body("gpt-4o", false), AUTH);
    assertThat(resp.statusCode()).isEqualTo(401);
    assertThat(Json.MAPPER.readTree(resp.body()).at("/error/message").asText())
        .isEqualTo("Provider \"openai\" answered HTTP 401: Unauthorized: the key sk-...0042 is not valid for this deployment");
    assertNoKeyLeftAfter(resp, "sk-...0042");
  }

  @Test
  void aKeyCutInTwoByTheLengthLimitOfAQuotedBodyIsMaskedToo() throws Exception {
    // the adapter quotes the first 500 characters of a body that is not JSON: the key is cut after 11
    String text = "x".repeat(488) + " " + OPENAI_KEY + " trailing words";
    upstream.respond((req, b) -> req.response().setStatusCode(403).putHeader("content-type", "text/html").end(text));
    HttpResponse<String> resp = gw.post("/v1/chat/completions", body("gpt-4o", false), AUTH);
    assertThat(resp.statusCode()).isEqualTo(403);
    String message = Json.MAPPER.readTree(resp.body()).at("/error/message").asText();
    assertThat(message).endsWith("x sk-...0042...").doesNotContain(OPENAI_KEY.substring(0, 11));
    assertNoKeyLeftAfter(resp, "sk-...0042");
  }

  @Test
  void openAi5xxQuotingProviderAndGatewayKeysIsScrubbedInTheWarningToo() throws Exception {
    upstream.respondJson(503, "{\"error\":{\"message\":\"Backend rejected key " + OPENAI_KEY + " forwarded for "
        + GATEWAY_KEY + "\",\"type\":\"server_error\"}}");
    HttpResponse<String> resp = gw.post("/v1/chat/completions", body("gpt-4o", false), AUTH);
    assertThat(resp.statusCode()).isEqualTo(500);
    assertThat(Json.MAPPER.readTree(resp.body()).at("/error/message").asText())
        .isEqualTo("Backend rejected key sk-...0042 forwarded for gw-...7777");
    assertNoKeyLeftAfter(resp, "sk-...0042");
    assertThat(logText()).as("the 5xx is logged at WARN, scrubbed").contains("Backend rejected key sk-...0042");
  }

  @Test
  void streamRejectedBeforeItsFirstByte() throws Exception {
    upstream.respondJson(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + OPENAI_KEY
        + "\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}");
    HttpResponse<String> resp = gw.post("/v1/chat/completions", body("gpt-4o", true), AUTH);
    assertThat(resp.statusCode()).isEqualTo(401);
    assertThat(resp.body()).contains("Incorrect API key provided: sk-...0042");
    assertNoKeyLeftAfter(resp, "sk-...0042");
  }

  @Test
  void streamFailingMidwayWithAnErrorEventQuotingTheKey() throws Exception {
    String first = FakeUpstream.splitEvents(Fixtures.read("openai/stream_text_include_usage.sse")).get(1);
    upstream.respondSse(first + "data: {\"error\":{\"message\":\"Key " + OPENAI_KEY
        + " was revoked during the request\",\"type\":\"server_error\"}}\n\n", 0);
    HttpResponse<String> resp = gw.post("/v1/chat/completions", body("gpt-4o", true), AUTH);
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.body()).contains("\"content\":", "data: {\"error\":", "Key sk-...0042 was revoked during the request");
    assertNoKeyLeftAfter(resp, "sk-...0042");
  }

  @Test
  void anthropic401QuotingItsKey() throws Exception {
    upstream.respondJson(401, "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key: "
        + ANTHROPIC_KEY + "\"}}");
    HttpResponse<String> resp = gw.post("/v1/chat/completions", body("anthropic:claude-sonnet-4-5", false), AUTH);
    assertThat(resp.statusCode()).isEqualTo(401);
    assertThat(Json.MAPPER.readTree(resp.body()).at("/error/message").asText()).isEqualTo("invalid x-api-key: sk-...9931");
    assertNoKeyLeftAfter(resp, "sk-...9931");
  }

  @Test
  void anthropicStreamErrorEventQuotingItsKey() throws Exception {
    upstream.respondSse(Fixtures.read("anthropic/stream_error_overloaded.sse")
        .replace("\"message\": \"Overloaded\"", "\"message\": \"Overloaded for key " + ANTHROPIC_KEY + "\""), 0);
    HttpResponse<String> resp = gw.post("/v1/chat/completions", body("anthropic:claude-sonnet-4-5", true), AUTH);
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.body()).contains("Captain", "data: {\"error\":", "Overloaded for key sk-...9931");
    assertNoKeyLeftAfter(resp, "sk-...9931");
  }

  @Test
  void theStoreItselfHoldsNoKey() throws Exception {
    upstream.respondJson(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + OPENAI_KEY + "\"}}");
    HttpResponse<String> resp = gw.post("/v1/chat/completions", body("gpt-4o", false), AUTH);
    assertThat(resp.statusCode()).isEqualTo(401);
    String id = resp.headers().firstValue("x-request-id").orElseThrow();
    awaitLogged(id);
    List<RequestLogEntry> stored = gw.gateway.usage().recentRequests(1000);
    assertThat(stored).extracting(RequestLogEntry::errorMessage).contains("Incorrect API key provided: sk-...0042");
    for (RequestLogEntry e : stored) assertNoKey(String.valueOf(e), "stored entry " + e.requestId());
    StringBuilder everything = new StringBuilder();
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> all = files.toList();
      assertThat(all).isNotEmpty();
      for (Path f : all) {
        String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertNoKey(bytes, f.getFileName().toString());
        everything.append(bytes);
      }
    }
    assertThat(everything).as("the store's files hold the scrubbed message").contains("Incorrect API key provided: sk-...0042");
  }

  // ---- helpers

  static String body(String model, boolean stream) {
    return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
  }

  /** The key is nowhere the failure went; {@code mask} shows it was scrubbed rather than dropped. */
  static void assertNoKeyLeftAfter(HttpResponse<String> resp, String mask) throws Exception {
    assertNoKey(resp.body(), "the client's response");
    assertThat(resp.body()).contains(mask);
    String id = resp.headers().firstValue("x-request-id").orElseThrow();

    UsageRecord record = gw.recordFor(id);
    assertThat(record.errorMessage()).as("the usage record's error_message").contains(mask);
    assertNoKey(record.errorMessage(), "the usage record");

    JsonNode row = awaitLogged(id);
    assertThat(row.get("error_message").asText()).contains(mask);
    assertNoKey(row.toString(), "GET /v1/usage/requests");

    List<TelemetryEvent> mine = awaitEvents(id);
    assertThat(mine).extracting(TelemetryEvent::name).contains(TelemetryEvent.REQUEST_EXCEPTION);
    for (TelemetryEvent e : mine) assertNoKey(e.toString(), "telemetry event " + e.name());

    assertNoKey(logText(), "the gateway's log");
  }

  static JsonNode awaitLogged(String requestId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      gw.gateway.usage().flush(Duration.ofSeconds(5));
      HttpResponse<String> page = gw.get("/v1/usage/requests?limit=1000", AUTH);
      assertThat(page.statusCode()).isEqualTo(200);
      for (JsonNode row : Json.MAPPER.readTree(page.body()).get("data")) {
        if (requestId.equals(row.path("request_id").asText())) return row;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("request " + requestId + " never reached GET /v1/usage/requests");
  }

  static List<TelemetryEvent> awaitEvents(String requestId) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<TelemetryEvent> mine = List.of();
    while (System.nanoTime() < deadline) {
      mine = events.stream().filter(e -> requestId.equals(e.tag("request_id"))).toList();
      if (mine.stream().anyMatch(e -> e.is(TelemetryEvent.REQUEST_EXCEPTION))) return mine;
      Thread.sleep(10);
    }
    return mine;
  }

  static String logText() {
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : List.copyOf(logs.list)) {
      lines.add(e.getFormattedMessage());
      if (e.getThrowableProxy() != null) lines.add(ThrowableProxyUtil.asString(e.getThrowableProxy()));
    }
    return String.join("\n", lines);
  }

  static void assertNoKey(String text, String where) {
    for (String key : KEYS) {
      assertThat(text).as(where).doesNotContain(key).doesNotContain(key.substring(0, 11));
    }
  }
}
