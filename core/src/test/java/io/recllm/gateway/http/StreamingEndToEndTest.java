package io.recllm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.fakes.RawSse;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.TokenCounter;
import io.recllm.gateway.usage.UsageRecord;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** stream=true through the real server: recorded transcripts replayed, usage, disconnects, backpressure, faults. */
class StreamingEndToEndTest {

  static FakeUpstream upstream;
  static GatewayHarness gw;

  static final String TEXT = Fixtures.read("openai/stream_text_include_usage.sse");
  static final String TOOLS = Fixtures.read("openai/stream_tool_call.sse");
  static final String PARALLEL = Fixtures.read("openai/stream_parallel_tool_calls.sse");

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeUpstream.start();
    gw = GatewayHarness.start("""
        providers:
          openai: { type: openai, base_url: "http://127.0.0.1:%d/v1", api_key: "${OPENAI_API_KEY}" }
          brief:  { type: openai, base_url: "http://127.0.0.1:%d/v1", timeouts: { first_byte_ms: 5000, idle_ms: 5000, total_ms: 500 } }
          roomy:  { type: openai, base_url: "http://127.0.0.1:%d/v1", timeouts: { first_byte_ms: 10000, idle_ms: 10000 } }
        timeouts: { first_byte_ms: 2000, idle_ms: 300 }
        usage: { store: memory }
        """.formatted(upstream.port(), upstream.port(), upstream.port()), Map.of("OPENAI_API_KEY", "sk-upstream"));
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
    upstream.close();
  }

  @BeforeEach
  void clear() {
    upstream.reset();
    gw.records.clear();
  }

  static String request(boolean includeUsage) {
    return "{\"model\":\"gpt-4o\",\"stream\":true," + (includeUsage ? "\"stream_options\":{\"include_usage\":true}," : "")
        + "\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of Mexico?\"}]}";
  }

  static List<String> data(HttpResponse<String> resp) {
    return Fixtures.sseData(resp.body());
  }

  @Test
  void recordedTextStreamIsReplayedEventForEventWithUsageWhenAsked() throws Exception {
    upstream.respondSse(TEXT, 0);
    HttpResponse<String> resp = gw.post("/v1/chat/completions", request(true));

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    List<String> expected = Fixtures.sseData(TEXT);
    List<String> got = data(resp);
    assertThat(got).hasSameSizeAs(expected);
    // every event but the usage chunk is forwarded byte for byte
    assertThat(got.subList(0, got.size() - 2)).isEqualTo(expected.subList(0, expected.size() - 2));
    assertThat(got.get(got.size() - 1)).isEqualTo("[DONE]");
    String expectedUsage = expected.get(expected.size() - 2).stripTrailing();
    assertThat(got.get(got.size() - 2)).as("the usage chunk keeps the upstream's text, x_rec_llm added at the end")
        .startsWith(expectedUsage.substring(0, expectedUsage.length() - 1) + ",\"x_rec_llm\":{");
    ObjectNode usageChunk = (ObjectNode) Json.MAPPER.readTree(got.get(got.size() - 2));
    JsonNode ext = usageChunk.remove("x_rec_llm");
    assertThat(usageChunk).isEqualTo(Json.MAPPER.readTree(expected.get(expected.size() - 2)));
    assertThat(ext.get("provider").asText()).isEqualTo("openai");
    assertThat(ext.get("latency_ms").isIntegralNumber()).isTrue();
    assertThat(ext.get("time_to_first_token_ms").asLong()).isBetween(0L, ext.get("latency_ms").asLong());
    assertThat(ext.has("cost_usd")).isTrue();

    UsageRecord r = gw.recordFor(resp);
    assertThat(r.stream()).isTrue();
    assertThat(r.usage().promptTokens()).isEqualTo(14);
    assertThat(r.usage().completionTokens()).isEqualTo(8);
    assertThat(r.usage().estimated()).isFalse();
    assertThat(r.finishReason()).isEqualTo("stop");
    assertThat(r.responseModel()).isEqualTo("gpt-4o-2024-08-06");
  }

  @Test
  void anUpstreamGatewaysOwnExtensionIsReplacedNotRepeated() throws Exception {
    String chained = TEXT.replace("\"choices\":[],\"usage\":{", "\"x_rec_llm\":{\"provider\":\"far-away\"},\"choices\":[],\"usage\":{");
    assertThat(chained).isNotEqualTo(TEXT);
    upstream.respondSse(chained, 0);
    List<String> got = data(gw.post("/v1/chat/completions", request(true)));
    String usageChunk = got.get(got.size() - 2);
    assertThat(usageChunk.split("x_rec_llm", -1)).hasSize(2);
    assertThat(Json.MAPPER.readTree(usageChunk).at("/x_rec_llm/provider").asText()).isEqualTo("openai");
  }

  @Test
  void gatewayAlwaysAsksUpstreamForUsageButHidesItWhenTheClientDidNot() throws Exception {
    upstream.respondSse(TEXT, 0);
    HttpResponse<String> resp = gw.post("/v1/chat/completions", request(false));

    JsonNode sent = Json.MAPPER.readTree(upstream.lastRequest().body());
    assertThat(sent.at("/stream_options/include_usage").asBoolean()).isTrue();
    List<String> expected = new ArrayList<>(Fixtures.sseData(TEXT));
    expected.remove(expected.size() - 2); // the usage-only chunk
    assertThat(data(resp)).isEqualTo(expected);
    UsageRecord r = gw.recordFor(resp);
    assertThat(r.usage().totalTokens()).isEqualTo(22);
    assertThat(r.usage().estimated()).isFalse();
  }

  @Test
  void toolCallStreamsPassThroughUntouched() throws Exception {
    for (String transcript : List.of(TOOLS, PARALLEL)) {
      upstream.respondSse(transcript, 0);
      HttpResponse<String> resp = gw.post("/v1/chat/completions", request(false));
      assertThat(gw.recordFor(resp).finishReason()).isEqualTo("tool_calls");
      List<String> expected = new ArrayList<>(Fixtures.sseData(transcript));
      int usageIndex = -1;
      for (int i = 0; i < expected.size(); i++) if (expected.get(i).contains("\"choices\":[],\"usage\":{")) usageIndex = i;
      expected.remove(usageIndex);
      assertThat(data(resp)).isEqualTo(expected);
    }
  }

  @Test
  void usageIsEstimatedWithATokenizerWhenTheUpstreamSendsNone() throws Exception {
    StringBuilder noUsage = new StringBuilder();
    for (String e : FakeUpstream.splitEvents(TEXT)) if (!e.contains("\"choices\":[],")) noUsage.append(e);
    upstream.respondSse(noUsage.toString(), 0);
    HttpResponse<String> resp = gw.post("/v1/chat/completions", request(true));

    List<String> got = data(resp);
    JsonNode synthetic = Json.MAPPER.readTree(got.get(got.size() - 2));
    int completion = TokenCounter.count("The capital of Mexico is Mexico City.");
    assertThat(synthetic.at("/usage/completion_tokens").asInt()).isEqualTo(completion);
    UsageRecord r = gw.recordFor(resp);
    assertThat(r.usage().estimated()).isTrue();
    assertThat(r.usage().completionTokens()).isEqualTo(completion);
    assertThat(r.usage().promptTokens()).isGreaterThan(7);
  }

  @Test
  void upstreamErrorBeforeTheFirstByteIsAPlainJsonError() throws Exception {
    upstream.respondJson(429, Fixtures.read("openai/error_429_rate_limit_exceeded.json"), "retry-after", "3");
    HttpResponse<String> resp = gw.post("/v1/chat/completions", request(true));
    assertThat(resp.statusCode()).isEqualTo(429);
    assertThat(resp.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(resp.headers().firstValue("retry-after")).hasValue("3");
  }

  @Test
  void idleUpstreamEndsTheStreamWithAnSseErrorAndReleasesTheConnection() throws Exception {
    upstream.respondSseThenStall(TEXT, 3);
    int closedBefore = upstream.closedConnections();
    HttpResponse<String> resp = gw.post("/v1/chat/completions", request(true));

    assertThat(resp.statusCode()).isEqualTo(200);
    List<String> got = data(resp);
    assertThat(got).hasSize(4);
    assertThat(got.subList(0, 3)).isEqualTo(Fixtures.sseData(TEXT).subList(0, 3));
    JsonNode error = Json.MAPPER.readTree(got.get(3)).get("error");
    assertThat(error.get("type").asText()).isEqualTo("timeout_error");
    assertThat(error.get("code").asText()).isEqualTo("idle_timeout");
    awaitClosed(closedBefore);
  }

  @Test
  void midStreamResetEndsWithAnSseErrorNotASilentTruncation() throws Exception {
    upstream.respondSseThenReset(TEXT, 4);
    HttpResponse<String> resp = gw.post("/v1/chat/completions", request(true));
    List<String> got = data(resp);
    assertThat(got).hasSize(5);
    JsonNode error = Json.MAPPER.readTree(got.get(4)).get("error");
    assertThat(error.get("type").asText()).isEqualTo("api_error");
    assertThat(got).doesNotContain("[DONE]");
    UsageRecord r = gw.recordFor(resp);
    assertThat(r.errorType()).isEqualTo("api_error");
    assertThat(r.usage().completionTokens()).as("output produced before the failure is recorded").isGreaterThan(0);
  }

  @Test
  void streamThatClosesCleanlyBeforeItIsCompleteEndsWithAnSseErrorAndIsRecordedAsOne() throws Exception {
    List<String> events = FakeUpstream.splitEvents(TEXT);
    upstream.respondSse(String.join("", events.subList(0, 5)), 0); // "The capital of Mexico", then a clean close
    HttpResponse<String> resp = gw.post("/v1/chat/completions", request(true));

    assertThat(resp.statusCode()).isEqualTo(200);
    List<String> got = data(resp);
    assertThat(got).hasSize(6);
    assertThat(got.subList(0, 5)).isEqualTo(Fixtures.sseData(TEXT).subList(0, 5));
    assertThat(got).doesNotContain("[DONE]");
    JsonNode error = Json.MAPPER.readTree(got.get(5)).get("error");
    assertThat(error.get("type").asText()).isEqualTo("api_error");
    assertThat(error.get("code").asText()).isEqualTo("upstream_truncated");
    assertThat(error.get("message").asText()).contains("\"openai\"");
    UsageRecord r = gw.recordFor(resp);
    assertThat(r.status()).isEqualTo(502);
    assertThat(r.errorType()).isEqualTo("api_error");
    assertThat(r.usage().estimated()).isTrue();
    assertThat(r.usage().completionTokens()).isEqualTo(TokenCounter.count("The capital of Mexico"));
    assertThat(r.usage().promptTokens()).isGreaterThan(7);
  }

  @Test
  void aFailureAfterTheUsageChunkRecordsTheUpstreamsOwnCounts() throws Exception {
    upstream.respondSseThenReset(TEXT, 11); // everything but [DONE], then a reset
    HttpResponse<String> resp = gw.post("/v1/chat/completions", request(false));
    assertThat(data(resp)).doesNotContain("[DONE]");
    UsageRecord r = gw.recordFor(resp);
    assertThat(r.errorType()).isEqualTo("api_error");
    assertThat(r.usage().estimated()).isFalse();
    assertThat(r.usage().promptTokens()).isEqualTo(14);
    assertThat(r.usage().completionTokens()).isEqualTo(8);
  }

  @Test
  void streamThatClosesWithoutSendingAnythingIsA502JsonError() throws Exception {
    upstream.respondSse("", 0);
    HttpResponse<String> resp = gw.post("/v1/chat/completions", request(false));

    assertThat(resp.statusCode()).isEqualTo(502);
    assertThat(resp.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode error = Json.MAPPER.readTree(resp.body()).get("error");
    assertThat(error.get("type").asText()).isEqualTo("api_error");
    assertThat(error.get("code").asText()).isEqualTo("upstream_truncated");
    UsageRecord r = gw.recordFor(resp);
    assertThat(r.status()).isEqualTo(502);
    assertThat(r.errorType()).isEqualTo("api_error");
  }

  @Test
  void aFinishReasonFollowedByACleanCloseIsCompleteWithoutDone() throws Exception {
    // some OpenAI-compatible servers never send [DONE]; with and without their usage chunk
    String noDone = TEXT.replace("data: [DONE]", "");
    StringBuilder noDoneNoUsage = new StringBuilder();
    for (String e : FakeUpstream.splitEvents(noDone)) if (!e.contains("\"choices\":[],")) noDoneNoUsage.append(e);
    for (String transcript : List.of(noDone, noDoneNoUsage.toString())) {
      upstream.respondSse(transcript, 0);
      HttpResponse<String> resp = gw.post("/v1/chat/completions", request(false));
      List<String> got = data(resp);
      assertThat(got).last().isEqualTo("[DONE]");
      assertThat(String.join("\n", got)).doesNotContain("\"error\"");
      UsageRecord r = gw.recordFor(resp);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.finishReason()).isEqualTo("stop");
    }
  }

  @Test
  void totalTimeoutEndsARunningStreamWithAnSseTimeoutErrorAndRecordsWhatWasProduced() throws Exception {
    List<String> events = FakeUpstream.splitEvents(TEXT);
    StringBuilder longStream = new StringBuilder(events.get(0));
    int contentEvents = 40; // 4 s at one event per 100 ms, far past total_ms (500)
    for (int i = 0; i < contentEvents; i++) longStream.append(events.get(1));
    longStream.append(events.get(events.size() - 3)).append(events.get(events.size() - 1));
    upstream.respondSse(longStream.toString(), 100);
    int closedBefore = upstream.closedConnections();
    HttpResponse<String> resp = gw.post("/v1/chat/completions", request(true).replace("gpt-4o", "brief:gpt-4o"));

    assertThat(resp.statusCode()).isEqualTo(200);
    List<String> got = data(resp);
    assertThat(got).doesNotContain("[DONE]");
    long received = got.stream().filter(d -> d.contains("\"content\":\"The\"")).count();
    assertThat(received).as("content events before the timeout").isBetween(1L, (long) contentEvents - 1);
    JsonNode error = Json.MAPPER.readTree(got.get(got.size() - 1)).get("error");
    assertThat(error.get("type").asText()).isEqualTo("timeout_error");
    assertThat(error.get("code").asText()).isEqualTo("total_timeout");
    assertThat(error.get("message").asText()).contains("500 ms", "timeouts.total_ms");
    awaitClosed(closedBefore);
    UsageRecord r = gw.recordFor(resp);
    assertThat(r.status()).isEqualTo(504);
    assertThat(r.errorType()).isEqualTo("timeout_error");
    assertThat(r.usage().estimated()).isTrue();
    assertThat(r.usage().completionTokens()).as("the text the client got, counted")
        .isEqualTo(TokenCounter.count("The".repeat((int) received)));
  }

  @Test
  void totalTimeoutBeforeTheFirstChunkIsAPlain504JsonError() throws Exception {
    // the response head and a keep-alive comment arrive, no event does
    upstream.respond((req, b) -> req.response().setChunked(true).putHeader("content-type", "text/event-stream")
        .write(": keep-alive\n\n"));
    HttpResponse<String> resp = gw.post("/v1/chat/completions", request(false).replace("gpt-4o", "brief:gpt-4o"));
    assertTimeoutJson(resp);
    assertThat(gw.recordFor(resp).status()).isEqualTo(504);

    // not even the head arrives: total_ms (500) is shorter than first_byte_ms (5000)
    upstream.stall();
    assertTimeoutJson(gw.post("/v1/chat/completions", request(false).replace("gpt-4o", "brief:gpt-4o")));
  }

  private static void assertTimeoutJson(HttpResponse<String> resp) throws Exception {
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(504);
    assertThat(resp.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode error = Json.MAPPER.readTree(resp.body()).get("error");
    assertThat(error.get("type").asText()).isEqualTo("timeout_error");
    assertThat(error.get("code").asText()).isEqualTo("total_timeout");
  }

  @Test
  void clientDisconnectCancelsTheUpstreamPromptlyAndRecordsWhatWasProduced() throws Exception {
    List<String> events = FakeUpstream.splitEvents(TEXT);
    StringBuilder longStream = new StringBuilder(events.get(0));
    for (int i = 0; i < 400; i++) longStream.append(events.get(1));
    upstream.respondSse(longStream.toString(), 20);
    int closedBefore = upstream.closedConnections();
    try (RawSse client = new RawSse(gw.gateway.port(), request(true), 0, "disconnect-1")) {
      client.readUntil("\"content\":\"The\"", 3);
    }
    long t0 = System.nanoTime();
    awaitClosed(closedBefore);
    assertThat((System.nanoTime() - t0) / 1_000_000).as("upstream closed soon after the client left").isLessThan(2000);
    UsageRecord r = gw.recordFor("disconnect-1");
    assertThat(r.finishReason()).isEqualTo("client_disconnected");
    assertThat(r.usage().estimated()).isTrue();
    assertThat(r.usage().completionTokens()).isGreaterThanOrEqualTo(2);
    assertThat(upstream.requests()).hasSize(1);
  }

  @Test
  void slowClientMakesTheGatewayPauseTheUpstreamInsteadOfBufferingEverything() throws Exception {
    String filler = "word ".repeat(200);
    String event = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
        + "\"delta\":{\"content\":\"" + filler + "\"},\"finish_reason\":null}]}\n\n";
    // ~110 MB of events: far more than every socket buffer between upstream and client can hold, even with
    // receive-buffer autotuning up to 32 MB per socket
    int total = 100_000;
    List<String> events = new ArrayList<>(Collections.nCopies(total, event));
    events.add("data: [DONE]\n\n");
    AtomicInteger written = new AtomicInteger();
    upstream.respondSseWithBackpressure(events, written);
    // roomy: the global idle_ms of 300 is for the idle-timeout tests; moving 110 MB on a busy machine can
    // leave the upstream silent that long after the client resumes, which would end this stream early
    try (RawSse client = new RawSse(gw.gateway.port(), request(false).replace("gpt-4o", "roomy:gpt-4o"), 16 * 1024, "slow-1")) {
      String first = client.readUntil("data: ", 10);
      // the client stops reading; a gateway that buffers would drain the whole upstream meanwhile, one that
      // pauses lets the upstream write only until the buffers in between are full, then nothing more
      int writtenWhileStalled = awaitSteady(written);
      assertThat(writtenWhileStalled).as("events the upstream could write while the client was stalled")
          .isLessThan(total / 2);
      RawSse.Counted all = client.countUntilEnd("\"content\":\"w", first);
      assertThat(all.count()).as("every event arrives, none twice").isEqualTo(total);
      assertThat(all.tail()).contains("data: [DONE]");
    }
  }

  @Test
  void officialMockProviderStreamsToo() throws Exception {
    HttpResponse<String> resp = gw.post("/v1/chat/completions",
        "{\"model\":\"mock:echo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"one two three\"}]}");
    StringBuilder text = new StringBuilder();
    for (String d : data(resp)) {
      if (d.equals("[DONE]")) continue;
      JsonNode c = Json.MAPPER.readTree(d);
      assertThat(c.has("usage")).isFalse();
      text.append(c.at("/choices/0/delta/content").asText(""));
    }
    assertThat(text.toString()).isEqualTo("one two three");
    assertThat(data(resp)).last().isEqualTo("[DONE]");
  }

  /** Waits until the counter has stopped moving for half a second, and returns where it stopped. */
  private static int awaitSteady(AtomicInteger counter) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    int last = -1;
    while (System.nanoTime() < deadline) {
      Thread.sleep(500);
      int now = counter.get();
      if (now == last) return now;
      last = now;
    }
    throw new AssertionError("the upstream kept writing for 10 s while the client read nothing: " + counter.get());
  }

  private static void awaitClosed(int closedBefore) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5000;
    while (upstream.closedConnections() <= closedBefore && System.currentTimeMillis() < deadline) Thread.sleep(5);
    assertThat(upstream.closedConnections()).as("upstream connection closed").isGreaterThan(closedBefore);
  }
}
