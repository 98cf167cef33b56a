package io.recllm.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.config.TelemetrySettings;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.usage.UsageRecord;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** One access log line per call, text or JSON, with the numbers that matter and none of the secrets. */
class AccessLogTest {

  static final String SECRET_CONTENT = "my bank PIN is 9137";
  static final String UPSTREAM_KEY = "sk-upstream-very-secret";
  static final String GATEWAY_KEY = "gw-very-secret";

  static FakeUpstream upstream;
  final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  final Logger logger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);

  @BeforeAll
  static void startUpstream() throws Exception {
    upstream = FakeUpstream.start();
    upstream.respondJson(200, Fixtures.read("openai/chat_completion_text.json"));
  }

  @AfterAll
  static void stopUpstream() throws Exception {
    upstream.close();
  }

  Appender<ILoggingEvent> console;

  @BeforeEach
  void capture() {
    appender.start();
    logger.addAppender(appender);
    console = logger.getAppender("ACCESS");
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
    if (console != null && logger.getAppender("ACCESS") == null) logger.addAppender(console);
  }

  /** For tests that log thousands of lines: only to the list. */
  void quiet() {
    if (console != null) logger.detachAppender(console);
  }

  TelemetryGateway gateway(String format) {
    return TelemetryGateway.start("""
        api_key: %s
        providers:
          openai: { type: openai, base_url: "http://127.0.0.1:%d/v1", api_key: "${OPENAI_API_KEY}" }
        usage: { store: memory }
        telemetry: { access_log: %s }
        """.formatted(GATEWAY_KEY, upstream.port(), format), Map.of("OPENAI_API_KEY", UPSTREAM_KEY), b -> { });
  }

  String call(TelemetryGateway gw, String model, String requestId) throws Exception {
    String body = "{\"model\":" + Json.MAPPER.writeValueAsString(model)
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + SECRET_CONTENT + "\"}]}";
    assertThat(gw.chat(body, "authorization", "Bearer " + GATEWAY_KEY, "x-request-id", requestId).statusCode()).isEqualTo(200);
    TelemetryGateway.await(() -> lines().stream().anyMatch(l -> l.contains(requestId)), "the access log line");
    return lines().stream().filter(l -> l.contains(requestId)).findFirst().orElseThrow();
  }

  List<String> lines() {
    synchronized (appender) { // lines arrive from the access log's own thread
      return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  @Test
  void textLinesCarryIdsRouteStatusTimingsTokensAndCost() throws Exception {
    try (TelemetryGateway gw = gateway("text")) {
      String line = call(gw, "gpt-4o", "log-text-1");
      assertThat(line).startsWith("request_id=log-text-1 provider=openai model=gpt-4o endpoint=chat response_model=gpt-4o-2024-08-06 "
          + "status=200 stream=false latency_ms=");
      assertThat(line).contains(" upstream_ms=", " prompt_tokens=24 completion_tokens=8 total_tokens=32 ",
          " cost_usd=0.00014", " finish_reason=stop");
      assertThat(line).doesNotContain(SECRET_CONTENT, UPSTREAM_KEY, GATEWAY_KEY, "Paris");
    }
  }

  @Test
  void jsonLinesAreOneObjectEach() throws Exception {
    try (TelemetryGateway gw = gateway("json")) {
      String line = call(gw, "gpt-4o", "log-json-1");
      JsonNode json = Json.MAPPER.readTree(line);
      assertThat(json.get("request_id").asText()).isEqualTo("log-json-1");
      assertThat(json.get("provider").asText()).isEqualTo("openai");
      assertThat(json.get("model").asText()).isEqualTo("gpt-4o");
      assertThat(json.get("status").asInt()).isEqualTo(200);
      assertThat(json.get("stream").asBoolean()).isFalse();
      assertThat(json.get("latency_ms").isIntegralNumber()).isTrue();
      assertThat(json.get("prompt_tokens").asLong()).isEqualTo(24);
      assertThat(json.get("completion_tokens").asLong()).isEqualTo(8);
      assertThat(json.get("total_tokens").asLong()).isEqualTo(32);
      assertThat(json.get("cost_usd").asDouble()).isEqualTo(1.4e-4);
      assertThat(json.get("finish_reason").asText()).isEqualTo("stop");
      assertThat(line).doesNotContain(SECRET_CONTENT, UPSTREAM_KEY, GATEWAY_KEY, "Paris").doesNotContain("\n");
    }
  }

  /** 17 tokens at 0.15 per 1M: 0.0000025499999999999997 as a double, 2.5499999999999997E-6 from Jackson. */
  @Test
  void costsAreExactPlainDecimalsInBothFormats() throws Exception {
    UsageRecord small = new UsageRecord("c1", 0, "openai", "gpt-4o-mini", null, 200, false, TokenUsage.of(17, 0),
        17 * 0.15 / 1_000_000, null, 3, -1, "stop", null, null);
    assertThat(AccessLog.text(small, 3_000_000, -1, null)).contains(" cost_usd=0.00000255 ");
    String json = AccessLog.json(small, 3_000_000, -1, null);
    assertThat(json).contains("\"cost_usd\":0.00000255,");
    assertThat(Json.MAPPER.readTree(json).get("cost_usd").decimalValue()).isEqualTo(new BigDecimal("0.00000255"));

    UsageRecord total = new UsageRecord("c2", 0, "openai", "gpt-4o-mini", null, 200, false, TokenUsage.of(106, 100),
        0.0000759, null, 3, -1, "stop", null, null);
    assertThat(AccessLog.text(total, 3_000_000, -1, null)).contains(" cost_usd=0.0000759 ");
    assertThat(AccessLog.json(total, 3_000_000, -1, null)).contains("\"cost_usd\":0.0000759,");
  }

  @Test
  void offMeansNoLines() throws Exception {
    try (TelemetryGateway gw = gateway("off")) {
      assertThat(gw.chat(TelemetryGateway.body("gpt-4o", false), "authorization", "Bearer " + GATEWAY_KEY).statusCode())
          .isEqualTo(200);
      TelemetryGateway.await(() -> gw.records.size() == 1, "the record");
    } // closing writes whatever the access log had queued
    assertThat(lines()).isEmpty();
  }

  static UsageRecord record(String id) {
    return new UsageRecord(id, 0, "openai", "gpt-4o", null, 200, false, TokenUsage.of(3, 4), 0.0001, null, 3, -1, "stop",
        null, null);
  }

  @Test
  void closingWritesEveryQueuedLine() {
    quiet();
    AccessLog log = new AccessLog(TelemetrySettings.AccessLog.TEXT);
    for (int i = 0; i < 5000; i++) log.log(record("q" + i), 1_000_000, -1, null);
    log.close();
    assertThat(lines()).hasSize(5000);
    assertThat(lines().get(4999)).startsWith("request_id=q4999 ");
  }

  @Test
  void aStuckLogOutputNeverHoldsUpCallsAndSaysHowManyLinesItDropped() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AppenderBase<ILoggingEvent> stuck = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent e) {
        try {
          release.await();
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
        }
      }
    };
    stuck.start();
    quiet();
    logger.detachAppender(appender);
    logger.addAppender(stuck); // first: every line waits here until released
    logger.addAppender(appender);
    AccessLog log = new AccessLog(TelemetrySettings.AccessLog.TEXT);
    int calls = AccessLog.MAX_QUEUED + 500;
    try {
      for (int i = 0; i < calls; i++) log.log(record("s" + i), 1_000_000, -1, null); // returns although nothing is written
      assertThat(lines()).isEmpty();
    } finally {
      release.countDown();
      log.close();
      logger.detachAppender(stuck);
    }
    List<String> written = lines().stream().filter(l -> l.startsWith("request_id=s")).toList();
    String warning = lines().stream().filter(l -> l.contains("dropped")).findFirst().orElseThrow();
    long dropped = Long.parseLong(warning.substring(0, warning.indexOf(' ')));
    assertThat(dropped).isBetween(499L, 500L); // the writer may have taken the first line before the queue filled
    assertThat(written.size() + dropped).isEqualTo(calls);
  }

  @Test
  void aClientChosenModelNameCannotForgeLinesOrFields() throws Exception {
    try (TelemetryGateway gw = gateway("text")) {
      String line = call(gw, "gpt-4o\nINFO status=200 forged=\"yes\"", "log-forge-1");
      assertThat(line).doesNotContain("\n");
      assertThat(line).contains(" model=\"gpt-4o\\nINFO status=200 forged=\\\"yes\\\"\" ");
    }
  }

  @Test
  void failuresNameTheErrorTypeButNotTheMessage() {
    UsageRecord r = new UsageRecord("r1", 0, "openai", "gpt-4o", null, 400, false, TokenUsage.NONE, 0, null, 3, -1, null,
        "invalid_request_error", "Invalid 'messages[0].content': '" + SECRET_CONTENT + "'");
    String text = AccessLog.text(r, 3_500_000, -1, "0af7651916cd43dd8448eb211c80319c");
    assertThat(text).isEqualTo("request_id=r1 provider=openai model=gpt-4o endpoint=chat status=400 stream=false latency_ms=3 "
        + "prompt_tokens=0 completion_tokens=0 total_tokens=0 cost_usd=0 error_type=invalid_request_error "
        + "trace_id=0af7651916cd43dd8448eb211c80319c");
    assertThat(AccessLog.json(r, 3_500_000, -1, null)).doesNotContain(SECRET_CONTENT).contains("\"error_type\":\"invalid_request_error\"");
  }

  @Test
  void theEndpointIsInBothFormats() {
    UsageRecord r = new UsageRecord("r2", 0, "openai", "text-embedding-3-small", null, 200, false, TokenUsage.of(5, 0),
        0, null, 3, -1, null, null, null).withEndpoint("embeddings");
    assertThat(AccessLog.text(r, 3_000_000, -1, null)).contains(" model=text-embedding-3-small endpoint=embeddings ");
    assertThat(AccessLog.json(r, 3_000_000, -1, null)).contains("\"endpoint\":\"embeddings\"");
  }
}
