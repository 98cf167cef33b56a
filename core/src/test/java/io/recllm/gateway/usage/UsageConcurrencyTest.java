package io.recllm.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.json.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many clients at once through real HTTP, streaming and not: the totals equal, to the token and the
 * nano-dollar, what the clients were told, in memory, through the API and the endpoint, and in the
 * database once flushed.
 */
class UsageConcurrencyTest {

  static final int THREADS = 8;
  static final int CALLS_PER_THREAD = 40;

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"memory", "sqlite"})
  void totalsAreExactUnderConcurrentLoad(String kind) throws Exception {
    String store = kind.equals("memory") ? "memory" : "sqlite:" + dir.resolve("usage.db");
    // a small batch so that several batches are written while calls keep arriving
    String yaml = Traffic.MOCK_PRICED + "usage: { store: \"" + store + "\", batch_size: 50, flush_interval_ms: 100 }\n";
    Traffic.Tally expected = Traffic.Tally.ZERO;
    try (GatewayHarness gw = GatewayHarness.start(yaml, Map.of())) {
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      List<Future<Traffic.Tally>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          Traffic.Tally tally = Traffic.Tally.ZERO;
          for (int i = 0; i < CALLS_PER_THREAD; i++) {
            String model = i % 3 == 0 ? "mock:other" : "mock:echo";
            tally = tally.plus(Traffic.call(gw, model, (i + thread) % 2 == 0, Traffic.text(thread, i)));
          }
          return tally;
        }));
      }
      for (Future<Traffic.Tally> f : results) expected = expected.plus(f.get(60, TimeUnit.SECONDS));
      pool.shutdown();
      assertThat(expected.calls()).isEqualTo((long) THREADS * CALLS_PER_THREAD);
      gw.awaitRecords(THREADS * CALLS_PER_THREAD);

      Usage usage = gw.gateway.usage();
      expected.assertMatches(usage.total(UsageQuery.all()));
      long callsByModel = usage.getAll().stream().mapToLong(UsageStats::calls).sum();
      assertThat(callsByModel).isEqualTo(expected.calls());
      JsonNode body = Json.MAPPER.readTree(gw.get("/v1/usage").body());
      expected.assertMatches(body.get("total"));
      assertThat(body.get("data")).hasSize(2);

      assertThat(usage.flush(Duration.ofSeconds(20))).isTrue();
      assertThat(usage.droppedRecords()).isZero();
      if (kind.equals("sqlite")) {
        assertThat(usage.recentRequests(Usage.MAX_RECENT)).hasSize(THREADS * CALLS_PER_THREAD);
      }
    }
    if (kind.equals("sqlite")) {
      // what the database holds, read back by a fresh instance
      try (Usage reopened = Usage.open(io.recllm.gateway.config.UsageSettings.DEFAULT.withStore(store))) {
        expected.assertMatches(reopened.total(UsageQuery.all()));
      }
    }
  }
}
