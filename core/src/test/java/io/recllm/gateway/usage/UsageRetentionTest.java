package io.recllm.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.config.StoreLocation;
import io.recllm.gateway.config.UsageSettings;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.fakes.PostgresDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** Request rows past usage.retention_days go; the daily totals stay. */
class UsageRetentionTest {

  @TempDir
  Path dir;

  @Test
  void oldRequestRowsAreDeletedButDailyTotalsRemain() throws Exception {
    UsageSettings settings = UsageSettings.DEFAULT.withStore("sqlite:" + dir.resolve("u.db"));
    long now = System.currentTimeMillis();
    long old = now - TimeUnit.DAYS.toMillis(40);
    try (Usage usage = Usage.open(settings)) {
      usage.record(record("old", old));
      usage.record(record("new", now));
      assertThat(usage.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(usage.recentRequests(10)).hasSize(2);
    }
    LocalDate oldDay = LocalDate.ofInstant(java.time.Instant.ofEpochMilli(old), ZoneOffset.UTC);
    try (Usage usage = Usage.open(settings)) { // deletes expired rows as it starts
      long deadline = System.currentTimeMillis() + 10_000;
      while (usage.recentRequests(10).size() > 1 && System.currentTimeMillis() < deadline) Thread.sleep(20);
      assertThat(usage.recentRequests(10)).extracting(RequestLogEntry::requestId).containsExactly("new");
      assertThat(usage.getByDate(oldDay)).singleElement().satisfies(s -> assertThat(s.calls()).isEqualTo(1));
    }
    try (Usage usage = Usage.open(settings)) {
      UsageStats oldStats = usage.getByDate(oldDay).get(0);
      assertThat(oldStats.promptTokens()).isEqualTo(7);
      assertThat(oldStats.p50LatencyMs()).as("no rows left to compute it from").isNull();
    }
  }

  @Test
  void retentionZeroKeepsEverything() throws Exception {
    UsageSettings settings = new UsageSettings("sqlite:" + dir.resolve("k.db"), 0, false, 1000, 500, 1000);
    try (Usage usage = Usage.open(settings)) {
      usage.record(record("ancient", System.currentTimeMillis() - TimeUnit.DAYS.toMillis(4000)));
      assertThat(usage.flush(Duration.ofSeconds(10))).isTrue();
    }
    try (Usage usage = Usage.open(settings)) {
      Thread.sleep(200);
      assertThat(usage.recentRequests(10)).hasSize(1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void thePurgeDeletesWhatIsOlderThanTheCutoffAndNothingElse(String kind) throws Exception {
    PostgresDatabase db = kind.equals("postgresql") ? PostgresDatabase.create("retention") : null;
    String url = db != null ? db.storeUrl() : "sqlite:" + dir.resolve("p.db");
    long now = System.currentTimeMillis();
    long day = TimeUnit.DAYS.toMillis(1);
    try {
      try (Usage usage = Usage.open(UsageSettings.DEFAULT.withStore(url))) {
        usage.record(record("old", now - 40 * day));
        usage.record(record("new", now));
        assertThat(usage.flush(Duration.ofSeconds(10))).isTrue();
      }
      JdbcUsageStore store = JdbcUsageStore.open(StoreLocation.parse(url));
      try {
        assertThat(store.deleteRequestsBefore(now - 50 * day)).as("nothing is that old").isZero();
        assertThat(store.deleteRequestsBefore(now - 40 * day)).as("the cutoff itself is kept").isZero();
        assertThat(store.deleteRequestsBefore(now - 30 * day)).isEqualTo(1);
        assertThat(store.deleteRequestsBefore(now - 30 * day)).isZero();
        assertThat(store.recent(10)).extracting(RequestLogEntry::requestId).containsExactly("new");
        assertThat(store.deleteRequestsBefore(now + day)).isEqualTo(1);
        assertThat(store.deleteRequestsBefore(now + day)).as("an empty table").isZero();
      } finally {
        store.close();
      }
    } finally {
      if (db != null) db.close();
    }
  }

  static UsageRecord record(String id, long ts) {
    return new UsageRecord(id, ts, "openai", "gpt-4o", "gpt-4o", 200, false, TokenUsage.of(7, 3), 0.0001, "x", 42, -1,
        "stop", null, null);
  }
}
