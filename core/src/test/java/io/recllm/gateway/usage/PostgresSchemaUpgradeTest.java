package io.recllm.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.recllm.gateway.config.UsageSettings;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.fakes.PostgresDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL store written by an earlier version opens with its rows, now with exact costs, while
 * gateways of that version that share the database keep writing rows it can read.
 */
class PostgresSchemaUpgradeTest {

  static final long T0 = SqliteSchemaUpgradeTest.T0;

  PostgresDatabase db;

  @BeforeEach
  void create() throws Exception {
    db = PostgresDatabase.create("upgrade");
  }

  @AfterEach
  void drop() throws Exception {
    db.close();
  }

  @Test
  void aVersion2DatabaseGetsItsCostsInNanoUsd() throws Exception {
    Flyway.configure(getClass().getClassLoader())
        .dataSource("jdbc:postgresql://127.0.0.1:5432/" + db.name, "postgres", "")
        .locations("classpath:db/usage/postgresql").table(UsageSchema.SCHEMA_HISTORY).target("2").load().migrate();
    double inexact = 17 * 0.15 / 1_000_000; // 0.0000025499999999999997, as a version before V3 stored it
    try (Connection c = db.connect()) {
      insertV2(c, "old-1", T0, inexact);
      insertV2(c, "old-2", T0 + 1000, 0.0000759);
      insertV2(c, "old-free", T0 + 1500, 0);
    }

    UsageSettings settings = new UsageSettings(db.storeUrl(), 0, false, 3_600_000, 500, 1000);
    try (Usage usage = Usage.open(settings)) {
      assertThat(usage.recentRequests(10)).extracting(RequestLogEntry::requestId, RequestLogEntry::costNanoUsd)
          .containsExactly(tuple("old-free", 0L), tuple("old-2", 75_900L), tuple("old-1", 2_550L));
      try (Connection c = db.connect()) {
        insertV2(c, "from-an-older-gateway", T0 + 2000, inexact); // a node not yet upgraded: no cost_nano_usd
      }
      usage.record(new UsageRecord("new-1", T0 + 3000, "openai", "gpt-4o-mini", "gpt-4o-mini", 200, false,
          TokenUsage.of(17, 0), 2_550L, "x", 42, -1, "stop", null, null));
      assertThat(usage.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(usage.recentRequests(10)).extracting(RequestLogEntry::requestId, RequestLogEntry::costNanoUsd)
          .containsExactly(tuple("new-1", 2_550L), tuple("from-an-older-gateway", 2_550L), tuple("old-free", 0L),
              tuple("old-2", 75_900L), tuple("old-1", 2_550L));
    }

    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT cost_usd, cost_nano_usd FROM usage_requests WHERE request_id = 'new-1'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getDouble(1)).as("still written for readers that know only cost_usd").isEqualTo(0.00000255);
        assertThat(rs.getLong(2)).isEqualTo(2_550L);
      }
      List<String> applied = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT version, success FROM " + UsageSchema.SCHEMA_HISTORY
          + " WHERE version IS NOT NULL ORDER BY installed_rank")) {
        while (rs.next()) applied.add(rs.getString(1) + ":" + rs.getBoolean(2));
      }
      assertThat(applied).containsExactly("1:true", "2:true", "3:true", "4:true", "5:true", "6:true", "7:true");
    }
  }

  /**
   * V7: rows from before, and rows a gateway of version 6 still writes, read as no hits and no counts;
   * the cluster-wide totals add up the cache's hits and savings from the daily table.
   */
  @Test
  void aVersion6DatabaseTakesPiiCountsAndCacheHits() throws Exception {
    Flyway.configure(getClass().getClassLoader())
        .dataSource("jdbc:postgresql://127.0.0.1:5432/" + db.name, "postgres", "")
        .locations("classpath:db/usage/postgresql").table(UsageSchema.SCHEMA_HISTORY).target("6").load().migrate();
    try (Connection c = db.connect()) {
      insertV2(c, "old-1", T0, 0.0000759);
    }
    UsageSettings settings = new UsageSettings(db.storeUrl(), 0, false, 3_600_000, 500, 1000);
    try (Usage usage = Usage.open(settings)) {
      try (Connection c = db.connect()) {
        insertV2(c, "from-a-v6-gateway", T0 + 500, 0.0000759);
      }
      usage.record(new UsageRecord("new-1", T0 + 1000, "openai", "gpt-4o-mini", "gpt-4o-mini", 200, true,
          TokenUsage.NONE, 0L, null, 2, 1, "stop", null, null).withPiiCounts("card=1").withCacheHit(75_900L));
      usage.record(new UsageRecord("new-2", T0 + 2000, "openai", "gpt-4o-mini", "gpt-4o-mini", 200, false,
          TokenUsage.of(17, 0), 2_550L, "x", 42, -1, "stop", null, null).withPiiCounts("email=1"));
      assertThat(usage.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(usage.recentRequests(10)).extracting(RequestLogEntry::requestId, RequestLogEntry::piiCounts,
              RequestLogEntry::cacheHit, RequestLogEntry::savedNanoUsd)
          .containsExactly(tuple("new-2", "email=1", false, 0L), tuple("new-1", "card=1", true, 75_900L),
              tuple("from-a-v6-gateway", null, false, 0L), tuple("old-1", null, false, 0L));
      UsageStats total = usage.total(UsageQuery.all());
      assertThat(total.calls()).as("the rows written with SQL directly have no daily totals").isEqualTo(2);
      assertThat(total.cacheHits()).isEqualTo(1);
      assertThat(total.savedNanoUsd()).isEqualTo(75_900L);
    }
  }

  /** A request row as versions 1 and 2 wrote it. */
  private static void insertV2(Connection c, String requestId, long ts, double costUsd) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("""
        INSERT INTO usage_requests (request_id, ts_ms, day, provider, model, response_model, status, stream,
          prompt_tokens, completion_tokens, total_tokens, cached_tokens, cache_write_tokens, reasoning_tokens,
          estimated, cost_usd, price_version, latency_ms, ttft_ms, finish_reason, error_type, error_message,
          client_key_id, request_content, response_content)
        VALUES (?, ?, DATE '2025-03-01', 'openai', 'gpt-4o-mini', 'gpt-4o-mini', 200, false, 17, 0, 17, 0, 0, 0,
          false, ?, 'builtin:gpt-4o-mini@2024-07-18', 12, NULL, 'stop', NULL, NULL, NULL, NULL, NULL)""")) {
      ps.setString(1, requestId);
      ps.setLong(2, ts);
      ps.setDouble(3, costUsd);
      ps.executeUpdate();
    }
  }
}
