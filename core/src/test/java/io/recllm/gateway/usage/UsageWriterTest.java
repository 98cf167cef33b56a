package io.recllm.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recllm.gateway.config.StoreLocation;
import io.recllm.gateway.config.UsageSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write-behind queue is bounded: past its capacity records are counted as dropped, never waited for.
 * Group commit: a record is written as soon as the writer is free, and batches grow under load.
 */
class UsageWriterTest {

  @TempDir
  Path dir;

  @Test
  void aFullQueueDropsAndCountsInsteadOfBlocking() throws Exception {
    Path db = dir.resolve("u.db");
    UsageSettings settings = new UsageSettings("sqlite:" + db, 0, false, 3_600_000, 100_000, 5);
    try (Usage usage = Usage.open(settings)) {
      try (DatabaseLock lock = DatabaseLock.take(db)) { // nothing commits while it is held, so the queue only fills
        long t0 = System.nanoTime();
        for (int i = 0; i < 12; i++) usage.record(UsageRetentionTest.record("r" + i, System.currentTimeMillis()));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
        assertThat(usage.droppedRecords()).isEqualTo(7);
        assertThat(usage.total(UsageQuery.all()).calls()).as("in-memory totals still count every call").isEqualTo(12);
      }
      assertThat(usage.flush(Duration.ofSeconds(20))).isTrue();
      assertThat(usage.recentRequests(100)).hasSize(5);
      // with room again, new records are queued
      usage.record(UsageRetentionTest.record("after", System.currentTimeMillis()));
      assertThat(usage.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(usage.recentRequests(100)).hasSize(6);
      assertThat(usage.droppedRecords()).isEqualTo(7);
    }
  }

  @Test
  void aRecordIsCommittedAsSoonAsTheWriterIsFreeNotAtTheNextFlushInterval() throws Exception {
    JdbcUsageStore store = JdbcUsageStore.open(StoreLocation.parse("sqlite:" + dir.resolve("g.db")));
    UsageWriter writer = new UsageWriter(store, 1000, 500, 3_600_000, 0); // a flush interval far beyond the test
    writer.start();
    try {
      for (int i = 0; i < 3; i++) { // each time the writer is asleep when the record comes
        String id = "call-" + i;
        writer.offer(UsageRetentionTest.record(id, System.currentTimeMillis()));
        assertThat(awaitStored(store, id)).as("%s committed without flush() or a full batch", id).isTrue();
        Thread.sleep(50);
      }
      assertThat(writer.commits()).isEqualTo(3);
    } finally {
      writer.close();
      store.close();
    }
  }

  @Test
  void underLoadBatchesStillGrowToBatchSize() throws Exception {
    Path db = dir.resolve("b.db");
    JdbcUsageStore store = JdbcUsageStore.open(StoreLocation.parse("sqlite:" + db));
    UsageWriter writer = new UsageWriter(store, 10_000, 500, 3_600_000, 0);
    writer.start();
    try {
      long now = System.currentTimeMillis();
      try (DatabaseLock lock = DatabaseLock.take(db)) { // a slow commit: records arrive faster than they are written
        for (int i = 0; i < 2000; i++) writer.offer(UsageRetentionTest.record("load-" + i, now));
      }
      assertThat(writer.flush(20_000)).isTrue();
      assertThat(store.recent(1000)).hasSize(1000);
      assertThat(store.query(UsageQuery.all())).singleElement().satisfies(s -> assertThat(s.calls()).isEqualTo(2000));
      // at most one small batch (taken before the database was slow), then full ones of 500
      assertThat(writer.commits()).isBetween(4L, 5L);
    } finally {
      writer.close();
      store.close();
    }
  }

  private static boolean awaitStored(JdbcUsageStore store, String requestId) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (store.recent(10).stream().anyMatch(e -> e.requestId().equals(requestId))) return true;
      Thread.sleep(5);
    }
    return false;
  }

  /** Another connection holding SQLite's write lock: the writer's commits wait (busy_timeout) until it is released. */
  private record DatabaseLock(Connection connection) implements AutoCloseable {
    static DatabaseLock take(Path db) throws SQLException {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
      try (Statement s = c.createStatement()) {
        s.execute("BEGIN IMMEDIATE");
      }
      return new DatabaseLock(c);
    }

    @Override
    public void close() throws SQLException {
      try (Statement s = connection.createStatement()) {
        s.execute("COMMIT");
      }
      connection.close();
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
  void aRecordPostgresRefusesCostsOnlyItself() throws Exception {
    try (io.recllm.gateway.fakes.PostgresDatabase db = io.recllm.gateway.fakes.PostgresDatabase.create("refused")) {
      JdbcUsageStore store = JdbcUsageStore.open(StoreLocation.parse(db.storeUrl()));
      long now = System.currentTimeMillis();
      // an application that records epoch nanoseconds as milliseconds: a UTC day past PostgreSQL's last date
      UsageRecord farFuture = UsageRetentionTest.record("far-future", now * 1_000_000);
      assertThatThrownBy(() -> store.write(List.of(farFuture))).isInstanceOfSatisfying(SQLException.class, e -> {
        assertThat(e.getSQLState()).isEqualTo("22008"); // datetime_field_overflow
        assertThat(JdbcUsageStore.refusedTheData(e)).isTrue();
      });
      UsageRecord noProvider = UsageRetentionTest.record("no-provider", now);
      UsageWriter writer = new UsageWriter(store, 1000, 500, 3_600_000, 0);
      writer.start();
      try {
        // refused first, so that the server has given up on the batch while most of it is still being sent
        writer.offer(farFuture);
        String content = "x".repeat(2000);
        for (int i = 0; i < 300; i++) writer.offer(UsageRetentionTest.record("good-" + i, now).withContent(content, content));
        writer.offer(new UsageRecord("no-provider", now, null, "gpt-4o", null, 200, false, noProvider.usage(), 0, null, 1,
            -1, null, null, null)); // provider is NOT NULL in the schema
        assertThat(writer.flush(30_000)).isTrue();
        assertThat(store.recent(1000)).hasSize(300).extracting(RequestLogEntry::requestId).allMatch(id -> id.startsWith("good-"));
        assertThat(store.query(UsageQuery.all())).singleElement().satisfies(s -> assertThat(s.calls()).isEqualTo(300));
        assertThat(writer.dropped()).isEqualTo(2);
        assertThat(writer.queued()).isZero();
      } finally {
        writer.close();
        store.close();
      }
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
