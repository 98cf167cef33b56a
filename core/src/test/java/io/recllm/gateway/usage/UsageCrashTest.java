package io.recllm.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.fakes.GatewayProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway as its own process ({@code cli.Main serve}) on SQLite. Killed with SIGKILL while calls
 * are coming in, it loses only calls answered in the last few milliseconds before the kill (group
 * commit: a call is committed as soon as the writer is free, whatever the flush interval); stopped
 * with SIGTERM, its shutdown hook writes everything.
 */
class UsageCrashTest {

  /** The flush interval of the old timer-driven writer: it no longer decides how much a crash loses. */
  static final long FLUSH_INTERVAL_MS = 1000;
  /** Every call answered at least this long before the kill must be in the database. */
  static final long DURABLE_AFTER_MS = 50;

  @TempDir
  Path dir;

  private GatewayProcess process;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @AfterEach
  void killLeftovers() {
    if (process != null) process.close();
  }

  @Test
  void killMinus9LosesNoCallAnsweredFiftyMillisecondsBefore() throws Exception {
    Path db = dir.resolve("usage.db");
    int port = startGateway(db, FLUSH_INTERVAL_MS);

    // Phase 1: calls answered long before the kill must all be there.
    Set<String> settled = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      String id = "settled-" + i;
      assertThat(call(port, id)).isEqualTo(200);
      settled.add(id);
    }
    Thread.sleep(300);

    // Phase 2: calls keep coming while the process is killed.
    Map<String, Long> answeredAt = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger seq = new AtomicInteger();
    int clients = 2;
    CountDownLatch done = new CountDownLatch(clients);
    for (int c = 0; c < clients; c++) {
      Thread t = new Thread(() -> {
        try {
          while (!stop.get()) {
            String id = "live-" + seq.getAndIncrement();
            try {
              if (call(port, id) == 200) answeredAt.put(id, System.nanoTime());
            } catch (Exception e) {
              return; // the gateway is gone
            }
          }
        } finally {
          done.countDown();
        }
      });
      t.setDaemon(true);
      t.start();
    }
    Thread.sleep(2500);
    long killedAt = System.nanoTime();
    process.kill();
    assertThat(process.waitFor(20)).isTrue();
    stop.set(true);
    done.await(10, TimeUnit.SECONDS);

    Set<String> stored = new HashSet<>();
    long dailyCalls;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT request_id FROM usage_requests")) {
        while (rs.next()) stored.add(rs.getString(1));
      }
      try (ResultSet rs = s.executeQuery("SELECT COALESCE(SUM(calls), 0) FROM usage_daily")) {
        rs.next();
        dailyCalls = rs.getLong(1);
      }
    }
    assertThat(stored).containsAll(settled);
    assertThat(dailyCalls).as("daily totals are committed with their rows").isEqualTo(stored.size());

    long lost = 0;
    long oldestLostMs = -1;
    Set<String> lostEarly = new HashSet<>();
    for (Map.Entry<String, Long> e : answeredAt.entrySet()) {
      if (stored.contains(e.getKey())) continue;
      lost++;
      long beforeKillMs = TimeUnit.NANOSECONDS.toMillis(killedAt - e.getValue());
      oldestLostMs = Math.max(oldestLostMs, beforeKillMs);
      if (beforeKillMs >= DURABLE_AFTER_MS) lostEarly.add(e.getKey() + " (" + beforeKillMs + " ms before the kill)");
    }
    System.out.printf("usage crash test: flush_interval_ms=%d, %d calls answered while running, %d lost at kill -9,"
        + " the oldest lost one answered %d ms before the kill%n", FLUSH_INTERVAL_MS, answeredAt.size(), lost, oldestLostMs);
    assertThat(answeredAt).as("calls were answered right up to the kill").hasSizeGreaterThan(20);
    assertThat(lostEarly).as("calls answered %d ms or more before the kill are committed", DURABLE_AFTER_MS).isEmpty();
  }

  @Test
  void sigtermWritesEverythingBeforeExit() throws Exception {
    Path db = dir.resolve("term.db");
    int port = startGateway(db, 600_000); // no timer: only group commit and the shutdown write
    Set<String> answered = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      String id = "term-" + i;
      assertThat(call(port, id)).isEqualTo(200);
      answered.add(id);
    }
    process.terminate(); // SIGTERM: cli.Main's shutdown hook closes the gateway
    assertThat(process.waitFor(30)).isTrue();
    Set<String> stored = new HashSet<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT request_id FROM usage_requests")) {
      while (rs.next()) stored.add(rs.getString(1));
    }
    assertThat(stored).as(process.output()).containsExactlyInAnyOrderElementsOf(answered);
  }

  private int startGateway(Path db, long flushIntervalMs) throws Exception {
    process = GatewayProcess.start(dir, Traffic.MOCK_PRICED + """
        usage: { store: "sqlite:%s", flush_interval_ms: %d }
        """.formatted(db, flushIntervalMs));
    return process.port();
  }

  private int call(int port, String requestId) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(10))
        .header("content-type", "application/json")
        .header("x-request-id", requestId)
        .POST(HttpRequest.BodyPublishers.ofString(Traffic.body("mock:echo", false, "crash " + requestId)))
        .build();
    return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
