package io.recllm.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.recllm.gateway.config.UsageSettings;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.fakes.PostgresDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The endpoint dimension: every store keeps each call's endpoint in the request log and apart in the
 * totals, answers {@code group_by=endpoint} and an endpoint filter, and reads what was written before
 * V4 as chat.
 */
class UsageByEndpointTest {

  static final LocalDate DAY = LocalDate.of(2025, 4, 2);
  static final long T0 = DAY.atTime(10, 0).toInstant(ZoneOffset.UTC).toEpochMilli();

  @TempDir
  Path dir;

  @Test
  void memoryStore() {
    try (Usage usage = Usage.inMemory()) {
      recordAndCheck(usage);
    }
  }

  @Test
  void sqliteStoreAlsoAfterARestart() {
    UsageSettings settings = settings("sqlite:" + dir.resolve("usage.db"));
    try (Usage usage = Usage.open(settings)) {
      recordAndCheck(usage);
    }
    try (Usage reopened = Usage.open(settings)) { // totals rebuilt from usage_daily
      checkTotals(reopened);
    }
  }

  @Test
  void postgresStore() throws Exception {
    try (PostgresDatabase db = PostgresDatabase.create("endpoint")) {
      try (Usage usage = Usage.open(settings(db.storeUrl()))) {
        recordAndCheck(usage);
      }
    }
  }

  /** A V3 SQLite file: its rows and daily totals become chat; new embedding calls are kept apart from them. */
  @Test
  void aVersion3SqliteDatabaseReadsAsChat() throws Exception {
    Path file = dir.resolve("v3.db");
    String url = "jdbc:sqlite:" + file;
    Flyway.configure(getClass().getClassLoader()).dataSource(url, null, null).locations("classpath:db/usage/sqlite")
        .table(UsageSchema.SCHEMA_HISTORY).target("3").load().migrate();
    try (Connection c = DriverManager.getConnection(url)) {
      SqliteSchemaUpgradeTest.insertV1(c, "old-1", T0, 12, null);
      try (Statement s = c.createStatement()) {
        s.execute("INSERT INTO usage_daily VALUES ('2025-03-01', 'openai', 'gpt-4o', 1, 0, 10, 5, 15, 2, 1000000, 12)");
      }
    }
    try (Usage usage = Usage.open(settings("sqlite:" + file))) {
      assertThat(usage.recentRequests(10)).extracting(RequestLogEntry::requestId, RequestLogEntry::endpoint)
          .containsExactly(tuple("old-1", "chat"));
      usage.record(call("new-1", "openai", "gpt-4o", "embeddings", 7));
      assertThat(usage.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(usage.query(UsageQuery.all().groupBy(Set.of(UsageQuery.Dimension.ENDPOINT))))
          .extracting(UsageStats::endpoint, UsageStats::calls)
          .containsExactly(tuple("chat", 1L), tuple("embeddings", 1L));
    }
  }

  @Test
  void aVersion3PostgresDatabaseReadsAsChat() throws Exception {
    try (PostgresDatabase db = PostgresDatabase.create("endpoint_v3")) {
      Flyway.configure(getClass().getClassLoader())
          .dataSource("jdbc:postgresql://127.0.0.1:5432/" + db.name, "postgres", "")
          .locations("classpath:db/usage/postgresql").table(UsageSchema.SCHEMA_HISTORY).target("3").load().migrate();
      try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
          "INSERT INTO usage_daily VALUES (DATE '2025-04-02', 'openai', 'gpt-4o', 2, 0, 10, 5, 15, 2, 1000000, 12)")) {
        ps.executeUpdate();
      }
      try (Usage usage = Usage.open(settings(db.storeUrl()))) {
        usage.record(call("new-1", "openai", "gpt-4o", "embeddings", 7));
        usage.record(call("new-2", "openai", "gpt-4o", "chat", 3));
        assertThat(usage.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(usage.query(UsageQuery.all().groupBy(Set.of(UsageQuery.Dimension.ENDPOINT))))
            .extracting(UsageStats::endpoint, UsageStats::calls, UsageStats::promptTokens)
            .containsExactly(tuple("chat", 3L, 13L), tuple("embeddings", 1L, 7L));
      }
      try (Connection c = db.connect(); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT endpoint FROM usage_requests WHERE request_id = 'new-1'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("embeddings");
      }
    }
  }

  private static UsageSettings settings(String store) {
    return new UsageSettings(store, 0, false, 3_600_000, 500, 1000);
  }

  private static void recordAndCheck(Usage usage) {
    usage.record(call("c-1", "openai", "gpt-4o", "chat", 100));
    usage.record(call("e-1", "openai", "text-embedding-3-small", "embeddings", 8));
    usage.record(call("e-2", "openai", "text-embedding-3-small", "embeddings", 12));
    usage.record(call("m-1", "anthropic", "claude-sonnet-4-5", "messages", 30));
    usage.record(new UsageRecord("old-style", T0 + 1000L * SECOND.incrementAndGet(), "openai", "gpt-4o", "gpt-4o", 200, false, TokenUsage.of(1, 1), 0L,
        null, 5, -1, "stop", null, null)); // a call site from before the endpoint dimension: chat
    assertThat(usage.flush(Duration.ofSeconds(10))).isTrue();
    assertThat(usage.recentRequests(10)).extracting(RequestLogEntry::requestId, RequestLogEntry::endpoint)
        .containsExactly(tuple("old-style", "chat"), tuple("m-1", "messages"), tuple("e-2", "embeddings"),
            tuple("e-1", "embeddings"), tuple("c-1", "chat"));
    checkTotals(usage);
  }

  private static void checkTotals(Usage usage) {
    assertThat(usage.query(UsageQuery.all().groupBy(Set.of(UsageQuery.Dimension.ENDPOINT))))
        .extracting(UsageStats::endpoint, UsageStats::calls, UsageStats::promptTokens)
        .containsExactly(tuple("chat", 2L, 101L), tuple("embeddings", 2L, 20L), tuple("messages", 1L, 30L));
    assertThat(usage.query(UsageQuery.all().groupBy(Set.of(UsageQuery.Dimension.PROVIDER, UsageQuery.Dimension.ENDPOINT))))
        .extracting(UsageStats::provider, UsageStats::endpoint, UsageStats::calls)
        .containsExactly(tuple("anthropic", "messages", 1L), tuple("openai", "chat", 2L),
            tuple("openai", "embeddings", 2L));
    assertThat(usage.total(UsageQuery.all().endpoint("embeddings")).promptTokens()).isEqualTo(20);
    // the default grouping is as before: one row per date, provider and model, endpoints summed
    assertThat(usage.getAll()).extracting(UsageStats::model, UsageStats::calls, UsageStats::endpoint).containsExactly(
        tuple("claude-sonnet-4-5", 1L, null), tuple("gpt-4o", 2L, null), tuple("text-embedding-3-small", 2L, null));
  }

  private static final java.util.concurrent.atomic.AtomicInteger SECOND = new java.util.concurrent.atomic.AtomicInteger();

  static UsageRecord call(String id, String provider, String model, String endpoint, long prompt) {
    return new UsageRecord(id, T0 + 1000L * SECOND.incrementAndGet(), provider, model, model, 200, false,
        TokenUsage.of(prompt, 0), 1000L, null, 10, -1, null, null, null).withEndpoint(endpoint);
  }
}
