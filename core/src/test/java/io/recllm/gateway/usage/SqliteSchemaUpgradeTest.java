package io.recllm.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.recllm.gateway.config.UsageSettings;
import io.recllm.gateway.core.TokenUsage;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A SQLite store written by an earlier version opens with every row and id intact, and takes new rows. */
class SqliteSchemaUpgradeTest {

  static final long T0 = LocalDate.of(2025, 3, 1).atTime(9, 0).toInstant(ZoneOffset.UTC).toEpochMilli();

  @TempDir
  Path dir;

  @Test
  void aVersion1DatabaseKeepsItsRowsAndTakesNewOnes() throws Exception {
    Path file = dir.resolve("usage.db");
    String url = "jdbc:sqlite:" + file;
    Flyway.configure(getClass().getClassLoader())
        .dataSource(url, null, null)
        .locations("classpath:db/usage/sqlite")
        .table("usage_schema_history")
        .target("1")
        .load()
        .migrate();

    List<List<Object>> before;
    try (Connection c = DriverManager.getConnection(url)) {
      insertV1(c, "old-1", T0, 12, "[{\"role\":\"user\",\"content\":\"tab\\there\"}]");
      insertV1(c, "old-2", T0 + 1000, 30, null);
      insertV1(c, "old-3", T0 + 1000, 7, null); // same ts_ms as old-2: the id decides their order
      insertV1(c, "old-4", T0 + 2000, 5, null);
      try (Statement s = c.createStatement()) {
        s.execute("DELETE FROM usage_requests WHERE request_id = 'old-4'"); // AUTOINCREMENT remembers id 4
        s.execute("INSERT INTO usage_daily VALUES ('2025-03-01', 'openai', 'gpt-4o', 3, 1, 30, 15, 45, 0, 3000, 49)");
      }
      before = rows(c);
    }
    assertThat(before).hasSize(3);

    UsageSettings settings = new UsageSettings("sqlite:" + file, 0, false, 3_600_000, 500, 1000);
    try (Usage usage = Usage.open(settings)) {
      assertThat(usage.recentRequests(100)).extracting(RequestLogEntry::requestId)
          .containsExactly("old-3", "old-2", "old-1");
      RequestLogEntry first = usage.recentRequests(100).get(2);
      assertThat(first.requestContent()).isEqualTo("[{\"role\":\"user\",\"content\":\"tab\\there\"}]");
      assertThat(first.costUsd()).isEqualTo(0.001);
      assertThat(first.costNanoUsd()).isEqualTo(1_000_000L);
      assertThat(first.ttftMs()).isNull();
      UsageStats total = usage.total(UsageQuery.all());
      assertThat(total.calls()).isEqualTo(3);
      assertThat(total.p50LatencyMs()).as("latencies rebuilt from the request rows").isEqualTo(12L);

      usage.record(new UsageRecord("new-1", T0 + 1000, "openai", "gpt-4o", "gpt-4o", 200, false, TokenUsage.of(7, 3),
          0.0001, "x", 42, -1, "stop", null, null));
      assertThat(usage.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(usage.recentRequests(100)).extracting(RequestLogEntry::requestId)
          .containsExactly("new-1", "old-3", "old-2", "old-1");
    }

    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      List<List<Object>> after = rows(c);
      int columns = before.get(0).size();
      assertThat(after.subList(0, 3)).extracting(row -> row.subList(0, columns)).isEqualTo(before);
      assertThat(after).extracting(row -> ((Number) row.get(columns)).longValue()).as("cost_nano_usd, added by V3")
          .containsExactly(1_000_000L, 1_000_000L, 1_000_000L, 100_000L);
      assertThat(((Number) after.get(3).get(0)).longValue()).as("the new row's id: the deleted 4 comes again").isEqualTo(4L);
      try (ResultSet rs = s.executeQuery("SELECT sql FROM sqlite_master WHERE name = 'usage_requests'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).doesNotContainIgnoringCase("autoincrement");
      }
      List<String> objects = new ArrayList<>();
      try (ResultSet rs = s.executeQuery(
          "SELECT name FROM sqlite_master WHERE tbl_name LIKE 'usage_requests%' AND name NOT LIKE 'sqlite_%' ORDER BY name")) {
        while (rs.next()) objects.add(rs.getString(1));
      }
      assertThat(objects).containsExactly("usage_requests", "usage_requests_ts");
      try (ResultSet rs = s.executeQuery(
          "SELECT version, success FROM usage_schema_history WHERE version IS NOT NULL ORDER BY installed_rank")) {
        List<String> applied = new ArrayList<>();
        while (rs.next()) applied.add(rs.getString(1) + ":" + rs.getBoolean(2));
        assertThat(applied).containsExactly("1:true", "2:true", "3:true", "4:true", "5:true", "6:true", "7:true");
      }
    }
  }

  /**
   * V3 gives each request row its cost in nano-USD, from the REAL an earlier version wrote: 17 tokens at
   * 0.15 per 1M were stored as 0.0000025499999999999997 and come back as exactly 0.00000255. A row written
   * afterwards by a gateway that predates V3 (no cost_nano_usd) reads the same way.
   */
  @Test
  void aVersion2DatabaseGetsItsCostsInNanoUsd() throws Exception {
    Path file = dir.resolve("v2.db");
    String url = "jdbc:sqlite:" + file;
    Flyway.configure(getClass().getClassLoader()).dataSource(url, null, null).locations("classpath:db/usage/sqlite")
        .table("usage_schema_history").target("2").load().migrate();
    double inexact = 17 * 0.15 / 1_000_000;
    assertThat(BigDecimal.valueOf(inexact).toPlainString()).isEqualTo("0.0000025499999999999997");
    try (Connection c = DriverManager.getConnection(url)) {
      insertV1(c, "old-1", T0, 12, null);
      setCost(c, "old-1", inexact);
      insertV1(c, "old-2", T0 + 1000, 30, null);
      setCost(c, "old-2", 0.0000759);
    }

    UsageSettings settings = new UsageSettings("sqlite:" + file, 0, false, 3_600_000, 500, 1000);
    try (Usage usage = Usage.open(settings)) {
      assertThat(usage.recentRequests(10)).extracting(RequestLogEntry::requestId, RequestLogEntry::costNanoUsd)
          .containsExactly(tuple("old-2", 75_900L), tuple("old-1", 2_550L));
      try (Connection c = DriverManager.getConnection(url)) {
        insertV1(c, "from-an-older-gateway", T0 + 2000, 5, null); // leaves cost_nano_usd empty
        setCost(c, "from-an-older-gateway", inexact);
      }
      usage.record(new UsageRecord("new-1", T0 + 3000, "openai", "gpt-4o-mini", "gpt-4o-mini", 200, false,
          TokenUsage.of(17, 0), 2_550L, "x", 42, -1, "stop", null, null));
      assertThat(usage.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(usage.recentRequests(10)).extracting(RequestLogEntry::requestId, RequestLogEntry::costNanoUsd)
          .containsExactly(tuple("new-1", 2_550L), tuple("from-an-older-gateway", 2_550L), tuple("old-2", 75_900L),
              tuple("old-1", 2_550L));
    }
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT cost_usd, cost_nano_usd FROM usage_requests WHERE request_id = 'new-1'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getDouble(1)).as("still written for readers that know only cost_usd").isEqualTo(0.00000255);
      assertThat(rs.getLong(2)).isEqualTo(2_550L);
    }
  }

  /**
   * V7 adds redaction's counts and the cache's hits and savings: rows from before read as no hits and no
   * counts, new rows keep them, and the daily totals carry the cache's sums over a restart.
   */
  @Test
  void aVersion6DatabaseTakesPiiCountsAndCacheHits() throws Exception {
    Path file = dir.resolve("v6.db");
    String url = "jdbc:sqlite:" + file;
    Flyway.configure(getClass().getClassLoader()).dataSource(url, null, null).locations("classpath:db/usage/sqlite")
        .table("usage_schema_history").target("6").load().migrate();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      insertV1(c, "old-1", T0, 12, null);
      s.execute("INSERT INTO usage_daily (day, provider, model, endpoint, calls, errors, prompt_tokens, completion_tokens, "
          + "total_tokens, cached_tokens, cost_nano_usd, latency_ms_sum) "
          + "VALUES ('2025-03-01', 'openai', 'gpt-4o', 'chat', 1, 0, 10, 5, 15, 2, 1000000, 12)");
    }

    UsageSettings settings = new UsageSettings("sqlite:" + file, 0, false, 3_600_000, 500, 1000);
    try (Usage usage = Usage.open(settings)) {
      RequestLogEntry old = usage.recentRequests(10).get(0);
      assertThat(old.piiCounts()).isNull();
      assertThat(old.cacheHit()).isFalse();
      assertThat(old.savedNanoUsd()).isZero();
      usage.record(new UsageRecord("new-1", T0 + 1000, "openai", "gpt-4o", "gpt-4o", 200, false, TokenUsage.NONE,
          0L, null, 2, -1, "stop", null, null).withPiiCounts("email=2,phone=1").withCacheHit(2_000_000L));
      assertThat(usage.flush(Duration.ofSeconds(10))).isTrue();
      RequestLogEntry hit = usage.recentRequests(10).get(0);
      assertThat(hit.requestId()).isEqualTo("new-1");
      assertThat(hit.piiCounts()).isEqualTo("email=2,phone=1");
      assertThat(hit.cacheHit()).isTrue();
      assertThat(hit.savedNanoUsd()).isEqualTo(2_000_000L);
      UsageStats total = usage.total(UsageQuery.all());
      assertThat(total.calls()).isEqualTo(2);
      assertThat(total.cacheHits()).isEqualTo(1);
      assertThat(total.savedNanoUsd()).isEqualTo(2_000_000L);
    }
    try (Usage usage = Usage.open(settings)) {
      UsageStats total = usage.total(UsageQuery.all());
      assertThat(total.cacheHits()).as("rebuilt from the daily totals").isEqualTo(1);
      assertThat(total.savedUsdExact()).isEqualByComparingTo("0.002");
    }
  }

  static void setCost(Connection c, String requestId, double costUsd) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE usage_requests SET cost_usd = ? WHERE request_id = ?")) {
      ps.setDouble(1, costUsd);
      ps.setString(2, requestId);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  static void insertV1(Connection c, String requestId, long ts, long latency, String content)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("""
        INSERT INTO usage_requests (request_id, ts_ms, day, provider, model, response_model, status, stream,
          prompt_tokens, completion_tokens, total_tokens, cached_tokens, cache_write_tokens, reasoning_tokens,
          estimated, cost_usd, price_version, latency_ms, ttft_ms, finish_reason, error_type, error_message,
          client_key_id, request_content, response_content)
        VALUES (?, ?, '2025-03-01', 'openai', 'gpt-4o', 'gpt-4o-2024-08-06', 200, 0, 10, 5, 15, 2, 1, 3, 0, 0.001,
          'config:gpt-4o', ?, NULL, 'stop', NULL, NULL, 'key-1', ?, ?)""")) {
      ps.setString(1, requestId);
      ps.setLong(2, ts);
      ps.setLong(3, latency);
      ps.setString(4, content);
      ps.setString(5, content == null ? null : "answer\nwith lines");
      ps.executeUpdate();
    }
  }

  /** Every column of every request row, id first, in id order. */
  private static List<List<Object>> rows(Connection c) throws SQLException {
    List<List<Object>> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM usage_requests ORDER BY id")) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>(columns);
        for (int i = 1; i <= columns; i++) row.add(rs.getObject(i));
        out.add(row);
      }
    }
    return out;
  }
}
