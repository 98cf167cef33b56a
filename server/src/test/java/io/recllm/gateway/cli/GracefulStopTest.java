package io.recllm.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.fakes.GatewayProcess;
import io.recllm.gateway.json.Json;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM with slow calls in flight, the gateway as its own process on SQLite: the calls finish (or,
 * past {@code shutdown.grace_ms}, end with a clean 503 / SSE error), new connections are refused from
 * the start of the stop, and every call is in the database after the process exits.
 */
class GracefulStopTest {

  private static final Pattern ACTIVE = Pattern.compile("(?m)^rec_llm_gateway_requests_active(?:\\{[^}]*})? (\\S+)$");
  /** Twenty words: the drip provider streams one every {@code stream_delay_ms}. */
  private static final String LONG_TEXT = "one two three four five six seven eight nine ten "
      + "eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty";

  @TempDir
  Path dir;

  private GatewayProcess gateway;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void killLeftovers() {
    if (gateway != null) gateway.close();
  }

  @Test
  void sigtermLetsTheCallsInFlightFinishAndRecordsEveryOne() throws Exception {
    Path db = dir.resolve("drain.db");
    // about six seconds per call, non-streaming (delay_ms) or streaming (twenty words, 300 ms apart): far
    // longer than it takes the stop to begin, however busy the machine
    gateway = GatewayProcess.start(dir, """
        default_provider: slow
        providers:
          slow: { type: mock, delay_ms: 6000 }
          drip: { type: mock, stream_delay_ms: 300 }
        usage: { store: "sqlite:%s" }
        shutdown: { grace_ms: 30000 }
        """.formatted(db));
    Map<String, CompletableFuture<HttpResponse<String>>> calls = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      boolean stream = i % 2 == 1;
      String id = (stream ? "stream-" : "plain-") + i;
      calls.put(id, send(id, stream ? "drip:echo" : "slow:echo", stream));
    }
    awaitActive(50);

    gateway.terminate();
    Refusals refusals = watchNewConnections();
    long finishedWhenRefused = refusals.awaitFirst(calls);

    for (Map.Entry<String, CompletableFuture<HttpResponse<String>>> e : calls.entrySet()) {
      HttpResponse<String> r = e.getValue().get(60, TimeUnit.SECONDS); // a reset or a dropped connection throws
      assertThat(r.statusCode()).as("%s: %s", e.getKey(), r.body()).isEqualTo(200);
      if (e.getKey().startsWith("stream-")) {
        assertThat(r.body()).as(e.getKey()).contains("twenty").endsWith("data: [DONE]\n\n").doesNotContain("\"error\"");
      } else {
        assertThat(Json.MAPPER.readTree(r.body()).path("choices").path(0).path("message").path("content").asText())
            .as(e.getKey()).isEqualTo(LONG_TEXT);
      }
    }
    assertThat(gateway.waitFor(60)).as(gateway.output()).isTrue();
    refusals.stop();

    assertThat(finishedWhenRefused).as("new connections were refused while the calls were still in flight").isZero();
    assertThat(refusals.acceptedAfterFirstRefusal.get()).as("no connection accepted once the stop began").isZero();
    Map<String, Integer> stored = GatewayProcess.sqliteRequests(db);
    assertThat(stored).as(gateway.output()).hasSize(50);
    for (String id : calls.keySet()) assertThat(stored).as(id).containsEntry(id, 200);
  }

  @Test
  void callsLongerThanTheGracePeriodEndWithACleanErrorAndAreStillRecorded() throws Exception {
    Path db = dir.resolve("cut.db");
    gateway = GatewayProcess.start(dir, """
        default_provider: slow
        providers:
          slow: { type: mock, delay_ms: 60000 }
          drip: { type: mock, stream_delay_ms: 3000 }
        usage: { store: "sqlite:%s" }
        shutdown: { grace_ms: 500 }
        """.formatted(db));
    Map<String, CompletableFuture<HttpResponse<String>>> calls = new LinkedHashMap<>();
    for (int i = 0; i < 10; i++) {
      calls.put("plain-" + i, send("plain-" + i, "slow:echo", false));       // no answer yet
      calls.put("waiting-" + i, send("waiting-" + i, "slow:echo", true));    // a stream before its first byte
      calls.put("started-" + i, send("started-" + i, "drip:echo", true));    // a stream well under way
    }
    awaitActive(30);

    gateway.terminate();
    for (Map.Entry<String, CompletableFuture<HttpResponse<String>>> e : calls.entrySet()) {
      HttpResponse<String> r = e.getValue().get(60, TimeUnit.SECONDS);
      if (e.getKey().startsWith("started-")) {
        assertThat(r.statusCode()).isEqualTo(200);
        String[] events = r.body().split("\n\n");
        String last = events[events.length - 1];
        assertThat(last).as(e.getKey()).startsWith("data: {\"error\"");
        assertShuttingDown(Json.MAPPER.readTree(last.substring("data: ".length())), e.getKey());
        assertThat(events.length).as("chunks came before the error: %s", r.body()).isGreaterThan(1);
      } else {
        assertThat(r.statusCode()).as("%s: %s", e.getKey(), r.body()).isEqualTo(503);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertShuttingDown(Json.MAPPER.readTree(r.body()), e.getKey());
      }
    }
    assertThat(gateway.waitFor(60)).as(gateway.output()).isTrue();

    Map<String, Integer> stored = GatewayProcess.sqliteRequests(db);
    assertThat(stored).as(gateway.output()).hasSize(30);
    for (String id : calls.keySet()) assertThat(stored).as(id).containsEntry(id, 503);
  }

  private static void assertShuttingDown(JsonNode body, String call) {
    JsonNode error = body.path("error");
    assertThat(error.path("type").asText()).as(call).isEqualTo("api_error");
    assertThat(error.path("code").asText()).as(call).isEqualTo("gateway_shutting_down");
    assertThat(error.path("message").asText()).as(call).isNotBlank();
    assertThat(error.has("param")).as(call).isTrue();
  }

  /** Completes with the whole answer (for a stream, once it has ended). */
  private CompletableFuture<HttpResponse<String>> send(String requestId, String model, boolean stream) {
    String body = "{\"model\":\"" + model + "\",\"stream\":" + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + LONG_TEXT + "\"}]}";
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(90))
        .header("content-type", "application/json")
        .header("x-request-id", requestId)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString());
  }

  /** Until the gateway counts {@code n} calls in flight (so every one reached it before the stop). */
  private void awaitActive(int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    double active = -1;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/metrics"))
          .build(), HttpResponse.BodyHandlers.ofString());
      Matcher m = ACTIVE.matcher(r.body());
      active = m.find() ? Double.parseDouble(m.group(1)) : -1;
      if (active >= n) return;
      Thread.sleep(20);
    }
    throw new AssertionError("calls in flight: " + active + ", expected " + n);
  }

  /** Opens new connections to the gateway's port until the process exits. */
  private Refusals watchNewConnections() {
    Refusals r = new Refusals(gateway.port());
    r.thread.start();
    return r;
  }

  private final class Refusals {
    final AtomicInteger acceptedAfterFirstRefusal = new AtomicInteger();
    final CompletableFuture<Void> first = new CompletableFuture<>();
    final Thread thread;
    volatile boolean stopped;

    Refusals(int port) {
      thread = new Thread(() -> {
        while (!stopped && gateway.process().isAlive()) {
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            if (first.isDone()) acceptedAfterFirstRefusal.incrementAndGet();
          } catch (ConnectException refused) {
            first.complete(null);
          } catch (Exception other) {
            // a timeout is not a refusal; try again
          }
          try {
            Thread.sleep(first.isDone() ? 50 : 5);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "new-connections");
      thread.setDaemon(true);
    }

    /** Waits for the first refused connection; returns how many calls had finished by then. */
    long awaitFirst(Map<String, CompletableFuture<HttpResponse<String>>> calls) throws Exception {
      first.get(20, TimeUnit.SECONDS);
      long done = 0;
      for (CompletableFuture<HttpResponse<String>> call : calls.values()) if (call.isDone()) done++;
      return done;
    }

    void stop() throws InterruptedException {
      stopped = true;
      thread.join(5000);
    }
  }
}
