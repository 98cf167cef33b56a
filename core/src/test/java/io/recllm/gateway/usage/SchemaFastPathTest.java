package io.recllm.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.config.StoreLocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/** Opening a store whose schema is current skips Flyway; every other state of the history goes through it. */
class SchemaFastPathTest {

  @TempDir
  Path dir;

  @Test
  void onlyAHistoryOfExactlyTheShippedMigrationsIsUpToDate() throws Exception {
    Path file = dir.resolve("usage.db");
    SQLiteDataSource ds = new SQLiteDataSource();
    ds.setUrl("jdbc:sqlite:" + file);
    List<String> shipped = UsageSchema.SHIPPED_VERSIONS.get(JdbcUsageStore.Dialect.SQLITE);

    assertThat(UsageSchema.upToDate(ds, shipped)).as("new database, no history table").isFalse();
    JdbcUsageStore.open(StoreLocation.parse("sqlite:" + file)).close(); // Flyway migrates
    assertThat(UsageSchema.upToDate(ds, shipped)).isTrue();
    assertThat(UsageSchema.upToDate(ds, shipped.subList(0, shipped.size() - 1))).as("a newer database").isFalse();
    List<String> withNext = new ArrayList<>(shipped);
    withNext.add(String.valueOf(Integer.parseInt(shipped.get(shipped.size() - 1)) + 1));
    assertThat(UsageSchema.upToDate(ds, withNext)).as("a migration still to apply").isFalse();

    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      s.execute("UPDATE usage_schema_history SET success = 0 WHERE version = '2'");
    }
    assertThat(UsageSchema.upToDate(ds, shipped)).as("a failed migration").isFalse();
  }

  @Test
  void aStoreReopenedWithoutFlywayStillAnswers() throws Exception {
    String store = "sqlite:" + dir.resolve("reopen.db");
    JdbcUsageStore.open(StoreLocation.parse(store)).close();
    try (JdbcUsageStore again = JdbcUsageStore.open(StoreLocation.parse(store))) {
      // the schema the fast path trusted is really there: the tables answer
      assertThat(again.recent(10)).isEmpty();
    }
  }

  @Test
  void theShippedScriptsAreTheFilesUnderDbUsage() throws IOException {
    for (JdbcUsageStore.Dialect dialect : JdbcUsageStore.Dialect.values()) {
      String folder = dialect == JdbcUsageStore.Dialect.SQLITE ? "sqlite" : "postgresql";
      try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/usage", folder))) {
        assertThat(UsageSchema.SHIPPED_SCRIPTS.get(dialect)).as(folder).isEqualTo(files
            .map(p -> p.getFileName().toString())
            .filter(n -> n.matches("V\\d+__.*\\.sql"))
            .sorted(Comparator.comparingInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))))
            .toList());
      }
    }
  }

  /**
   * A new SQLite database is created without Flyway: it must be exactly what Flyway makes of the same
   * scripts (schema, history rows, checksums), so that Flyway later validates it and migrates it on.
   */
  @Test
  void aNewSqliteDatabaseIsWhatFlywayWouldHaveMade() throws Exception {
    String direct = "jdbc:sqlite:" + dir.resolve("direct.db");
    String flyway = "jdbc:sqlite:" + dir.resolve("flyway.db");
    SQLiteDataSource directDs = new SQLiteDataSource();
    directDs.setUrl(direct);
    assertThat(UsageSchema.createNewSqlite(directDs)).isTrue();
    assertThat(UsageSchema.createNewSqlite(directDs)).as("only ever on an empty database").isFalse();

    SQLiteDataSource flywayDs = new SQLiteDataSource();
    flywayDs.setUrl(flyway);
    Flyway.configure(JdbcUsageStore.class.getClassLoader()).dataSource(flywayDs)
        .locations("classpath:db/usage/sqlite").table(UsageSchema.SCHEMA_HISTORY).load().migrate();

    String schema = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name";
    String history = "SELECT installed_rank, version, description, type, script, checksum, installed_by, success FROM "
        + UsageSchema.SCHEMA_HISTORY + " ORDER BY installed_rank";
    assertThat(rows(direct, schema)).isEqualTo(rows(flyway, schema)).hasSizeGreaterThan(5);
    assertThat(rows(direct, history)).isEqualTo(rows(flyway, history)).hasSize(UsageSchema.SHIPPED_SCRIPTS.get(JdbcUsageStore.Dialect.SQLITE).size());

    Flyway onDirect = Flyway.configure(JdbcUsageStore.class.getClassLoader()).dataSource(directDs)
        .locations("classpath:db/usage/sqlite").table(UsageSchema.SCHEMA_HISTORY).load();
    assertThat(onDirect.validateWithResult().validationSuccessful).isTrue();
    assertThat(onDirect.migrate().migrationsExecuted).isZero();
  }

  @Test
  void flywaysChecksumIgnoresLineBreaksAndTheByteOrderMark() {
    int unix = UsageSchema.flywayChecksum("CREATE TABLE a (x INT);\nCREATE TABLE b (y INT);\n");
    assertThat(UsageSchema.flywayChecksum("CREATE TABLE a (x INT);\r\nCREATE TABLE b (y INT);\r\n")).isEqualTo(unix);
    assertThat(UsageSchema.flywayChecksum("\uFEFFCREATE TABLE a (x INT);\nCREATE TABLE b (y INT);")).isEqualTo(unix);
    assertThat(UsageSchema.flywayChecksum("CREATE TABLE a (x INT);\nCREATE TABLE b (z INT);\n")).isNotEqualTo(unix);
  }

  private static List<List<Object>> rows(String url, String sql) throws Exception {
    List<List<Object>> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) row.add(rs.getObject(i));
        out.add(row);
      }
    }
    return out;
  }
}
