package io.recllm.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.fakes.PostgresDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Record, stop gracefully, start again: nothing is lost. The flush interval and batch are far larger
 * than the test, so only the flush on close can have written the calls.
 */
class UsageRestartTest {

  static PostgresDatabase pg;

  @TempDir
  Path dir;

  @BeforeAll
  static void createDatabase() throws Exception {
    pg = PostgresDatabase.create("restart");
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    pg.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aGracefulStopLosesNothingAndTotalsComeBack(String kind) throws Exception {
    String store = kind.equals("sqlite") ? "sqlite:" + dir.resolve("usage.db") : pg.storeUrl();
    String yaml = Traffic.MOCK_PRICED
        + "usage: { store: \"" + store + "\", flush_interval_ms: 600000, batch_size: 100000 }\n";
    Traffic.Tally expected = Traffic.Tally.ZERO;
    List<UsageStats> before;
    try (GatewayHarness gw = GatewayHarness.start(yaml, Map.of())) {
      for (int i = 0; i < 30; i++) {
        expected = expected.plus(Traffic.call(gw, i % 4 == 0 ? "mock:other" : "mock:echo", i % 2 == 0, Traffic.text(0, i)));
      }
      assertThat(gw.post("/v1/chat/completions", Traffic.body("mock:error-500", false, "x")).statusCode()).isEqualTo(500);
      gw.awaitRecords(31);
      before = gw.gateway.usage().queriesBlock() ? null : gw.gateway.usage().getAll();
    }

    try (GatewayHarness gw = GatewayHarness.start(yaml, Map.of())) {
      Usage usage = gw.gateway.usage();
      UsageStats total = usage.total(UsageQuery.all());
      assertThat(total.errors()).isEqualTo(1);
      new Traffic.Tally(expected.calls() + 1, expected.prompt(), expected.completion(), expected.total(),
          expected.costNanos()).assertMatches(total);
      assertThat(usage.recentRequests(1000)).hasSize(31);
      assertThat(usage.getAll()).extracting(UsageStats::model).containsExactly("echo", "error-500", "other");
      if (before != null) assertThat(usage.getAll()).isEqualTo(before); // percentiles included
      assertThat(total.p50LatencyMs()).isNotNull();

      // and it keeps counting on top of what came back
      Traffic.Tally more = Traffic.call(gw, "mock:echo", false, "one more");
      gw.awaitRecords(1);
      assertThat(usage.flush(java.time.Duration.ofSeconds(10))).isTrue();
      assertThat(usage.total(UsageQuery.all()).calls()).isEqualTo(expected.calls() + 1 + more.calls());
    }
  }
}
