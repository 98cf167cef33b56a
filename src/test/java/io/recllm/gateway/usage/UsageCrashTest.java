package io.recllm.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway as its own process ({@code cli.Main serve}) on SQLite. Killed with SIGKILL while calls
 * are coming in, it loses at most the calls answered within about one flush interval before the kill;
 * stopped with SIGTERM, its shutdown hook writes everything.
 */
class UsageCrashTest {

  static final long FLUSH_INTERVAL_MS = 500;
  /** Slack on top of the flush interval: the batch being committed at the kill, and scheduling on a busy machine. */
  static final long SLACK_MS = 700;
  private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");

  @TempDir
  Path dir;

  private Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @AfterEach
  void killLeftovers() {
    if (process != null && process.isAlive()) process.destroyForcibly();
  }

  @Test
  void killMinus9LosesAtMostTheLastFlushInterval() throws Exception {
    Path db = dir.resolve("usage.db");
    int port = startGateway(db, FLUSH_INTERVAL_MS);

    // Phase 1: calls answered well over a flush interval before the kill must all be there.
    Set<String> settled = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      String id = "settled-" + i;
      assertThat(call(port, id)).isEqualTo(200);
      settled.add(id);
    }
    Thread.sleep(FLUSH_INTERVAL_MS * 3);

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
    process.destroyForcibly();
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
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
    long oldestLostMs = 0;
    for (Map.Entry<String, Long> e : answeredAt.entrySet()) {
      if (stored.contains(e.getKey())) continue;
      lost++;
      oldestLostMs = Math.max(oldestLostMs, TimeUnit.NANOSECONDS.toMillis(killedAt - e.getValue()));
    }
    System.out.printf("usage crash test: flush_interval_ms=%d, %d calls answered while running, %d lost at kill -9,"
        + " the oldest lost one answered %d ms before the kill%n", FLUSH_INTERVAL_MS, answeredAt.size(), lost, oldestLostMs);
    assertThat(answeredAt).as("calls were answered right up to the kill").hasSizeGreaterThan(20);
    assertThat(oldestLostMs).as("only calls from the last flush interval may be lost")
        .isLessThanOrEqualTo(FLUSH_INTERVAL_MS + SLACK_MS);
  }

  @Test
  void sigtermWritesEverythingBeforeExit() throws Exception {
    Path db = dir.resolve("term.db");
    int port = startGateway(db, 600_000); // nothing is flushed on a timer during the test
    Set<String> answered = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      String id = "term-" + i;
      assertThat(call(port, id)).isEqualTo(200);
      answered.add(id);
    }
    process.destroy(); // SIGTERM: cli.Main's shutdown hook closes the gateway
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    Set<String> stored = new HashSet<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT request_id FROM usage_requests")) {
      while (rs.next()) stored.add(rs.getString(1));
    }
    assertThat(stored).as(String.join("\n", output)).containsExactlyInAnyOrderElementsOf(answered);
  }

  private int startGateway(Path db, long flushIntervalMs) throws Exception {
    Path config = dir.resolve("gateway-" + flushIntervalMs + ".yaml");
    Files.writeString(config, Traffic.MOCK_PRICED + """
        host: 127.0.0.1
        port: 0
        usage: { store: "sqlite:%s", flush_interval_ms: %d }
        """.formatted(db, flushIntervalMs));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    process = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        "io.recllm.gateway.cli.Main", "serve", "--config", config.toString())
        .redirectErrorStream(true)
        .start();
    CountDownLatch listening = new CountDownLatch(1);
    AtomicInteger port = new AtomicInteger();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          output.add(line);
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port.set(Integer.parseInt(m.group(1)));
            listening.countDown();
          }
        }
      } catch (Exception ignored) {
        // the process went away
      }
    });
    reader.setDaemon(true);
    reader.start();
    assertThat(listening.await(60, TimeUnit.SECONDS)).as("the gateway started:\n" + String.join("\n", output)).isTrue();
    return port.get();
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
