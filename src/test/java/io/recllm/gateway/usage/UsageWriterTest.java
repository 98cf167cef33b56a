package io.recllm.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.config.UsageSettings;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write-behind queue is bounded: past its capacity records are counted as dropped, never waited for. */
class UsageWriterTest {

  @TempDir
  Path dir;

  @Test
  void aFullQueueDropsAndCountsInsteadOfBlocking() throws Exception {
    // nothing is written on a timer or by batch size during the test, so the queue only fills
    UsageSettings settings = new UsageSettings("sqlite:" + dir.resolve("u.db"), 0, false, 3_600_000, 100_000, 5);
    try (Usage usage = Usage.open(settings)) {
      long t0 = System.nanoTime();
      for (int i = 0; i < 12; i++) usage.record(UsageRetentionTest.record("r" + i, System.currentTimeMillis()));
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
      assertThat(usage.droppedRecords()).isEqualTo(7);
      assertThat(usage.total(UsageQuery.all()).calls()).as("in-memory totals still count every call").isEqualTo(12);
      assertThat(usage.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(usage.recentRequests(100)).hasSize(5);
      // with room again, new records are queued
      usage.record(UsageRetentionTest.record("after", System.currentTimeMillis()));
      assertThat(usage.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(usage.recentRequests(100)).hasSize(6);
      assertThat(usage.droppedRecords()).isEqualTo(7);
    }
  }

  @Test
  void aRecordTheDatabaseRefusesCostsOnlyItself() throws Exception {
    JdbcUsageStore store = JdbcUsageStore.open(StoreLocation.parse("sqlite:" + dir.resolve("p.db")));
    UsageWriter writer = new UsageWriter(store, 1000, 500, 3_600_000, 0);
    writer.start();
    try {
      long now = System.currentTimeMillis();
      writer.offer(UsageRetentionTest.record("good-1", now));
      UsageRecord bad = UsageRetentionTest.record("bad", now);
      writer.offer(new UsageRecord(bad.requestId(), now, null, "gpt-4o", null, 200, false, bad.usage(), 0, null, 1, -1,
          null, null, null)); // provider is NOT NULL in the schema
      writer.offer(UsageRetentionTest.record("good-2", now));
      assertThat(writer.flush(10_000)).isTrue();
      assertThat(store.recent(10)).extracting(RequestLogEntry::requestId).containsExactlyInAnyOrder("good-1", "good-2");
      assertThat(writer.dropped()).isEqualTo(1);
      assertThat(writer.queued()).isZero();
    } finally {
      writer.close();
      store.close();
    }
  }

  @Test
  void postgresTakesModelNamesWithNul() throws Exception {
    try (io.recllm.gateway.fakes.PostgresDatabase db = io.recllm.gateway.fakes.PostgresDatabase.create("nul");
         Usage usage = Usage.open(UsageSettings.DEFAULT.withStore(db.storeUrl()))) {
      UsageRecord r = UsageRetentionTest.record("nul", System.currentTimeMillis());
      usage.record(new UsageRecord("nul", r.timestampMillis(), "openai", "gpt\u0000x", null, 200, false, r.usage(), 0,
          null, 1, -1, null, null, "bad\u0000byte"));
      assertThat(usage.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(usage.droppedRecords()).isZero();
      assertThat(usage.getAll()).extracting(UsageStats::model).containsExactly("gpt\uFFFDx");
    }
  }
}
