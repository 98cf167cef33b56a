package io.recllm.gateway.usage;

import io.recllm.gateway.config.StoreLocation;
import static io.recllm.gateway.usage.JdbcUsageStore.rollbackQuietly;
import static io.recllm.gateway.usage.JdbcUsageStore.rootMessage;

import com.zaxxer.hikari.HikariDataSource;
import io.recllm.gateway.usage.JdbcUsageStore.Dialect;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The usage tables' schema: versioned with Flyway (scripts under {@code db/usage/<dialect>/}, history in
 * {@code usage_schema_history}), with a way round Flyway when there is nothing for it to do or the
 * SQLite database is new, and the retention of request rows.
 */
final class UsageSchema {

  private static final Logger LOG = LoggerFactory.getLogger(UsageSchema.class);

  static final String SCHEMA_HISTORY = "usage_schema_history";

  /** The scripts under {@code db/usage/<dialect>/}, in order (a test keeps the two in step). */
  static final Map<Dialect, List<String>> SHIPPED_SCRIPTS = Map.of(
      Dialect.SQLITE, List.of("V1__usage_tables.sql", "V2__usage_requests_lean.sql",
          "V3__usage_requests_cost_nano_usd.sql", "V4__usage_endpoint.sql", "V5__usage_requests_attempt.sql", "V6__virtual_keys.sql",
          "V7__usage_pii_and_cache.sql"),
      Dialect.POSTGRESQL, List.of("V1__usage_tables.sql", "V2__usage_requests_lean.sql",
          "V3__usage_requests_cost_nano_usd.sql", "V4__usage_endpoint.sql", "V5__usage_requests_attempt.sql", "V6__virtual_keys.sql",
          "V7__usage_pii_and_cache.sql"));

  /** Their versions, as Flyway reads them from the names. */
  static final Map<Dialect, List<String>> SHIPPED_VERSIONS = Map.of(
      Dialect.SQLITE, SHIPPED_SCRIPTS.get(Dialect.SQLITE).stream().map(UsageSchema::versionOf).toList(),
      Dialect.POSTGRESQL, SHIPPED_SCRIPTS.get(Dialect.POSTGRESQL).stream().map(UsageSchema::versionOf).toList());

  /** Flyway's schema history table on SQLite, as Flyway itself creates it. */
  private static final String SQLITE_HISTORY_DDL = """
      CREATE TABLE "usage_schema_history" (
          "installed_rank" INT NOT NULL PRIMARY KEY,
          "version" VARCHAR(50),
          "description" VARCHAR(200) NOT NULL,
          "type" VARCHAR(20) NOT NULL,
          "script" VARCHAR(1000) NOT NULL,
          "checksum" INT,
          "installed_by" VARCHAR(100) NOT NULL,
          "installed_on" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),
          "execution_time" INT NOT NULL,
          "success" BOOLEAN NOT NULL
      )""";
  private static final String SQLITE_HISTORY_INDEX =
      "CREATE INDEX \"usage_schema_history_s_idx\" ON \"usage_schema_history\" (\"success\")";

  private UsageSchema() {
  }

  /**
   * Brings the schema in a freshly opened pool up to the shipped version, and fails with a readable
   * message when it cannot; the pool is closed then, as nothing else will use it.
   */
  static void prepare(HikariDataSource pool, Dialect dialect, StoreLocation location) {
    List<String> shipped = SHIPPED_VERSIONS.get(dialect);
    if (upToDate(pool, shipped)) {
      // Flyway would find nothing to do, after loading a few hundred classes: a fifth of the start-up
      LOG.info("Usage store {} at schema version {}", location.display(), shipped.get(shipped.size() - 1));
      return;
    }
    if (dialect == Dialect.SQLITE && createNewSqlite(pool)) {
      LOG.info("Usage store {} created at schema version {}", location.display(), shipped.get(shipped.size() - 1));
      return;
    }
    try {
      MigrateResult result = Flyway.configure(UsageSchema.class.getClassLoader())
          .dataSource(pool)
          .locations("classpath:db/usage/" + (dialect == Dialect.SQLITE ? "sqlite" : "postgresql"))
          .table(SCHEMA_HISTORY)
          .load()
          .migrate();
      LOG.info("Usage store {} at schema version {}{}", location.display(), result.targetSchemaVersion != null
          ? result.targetSchemaVersion : currentVersion(result), result.migrationsExecuted > 0
          ? " (" + result.migrationsExecuted + " migration(s) applied)" : "");
    } catch (RuntimeException e) {
      pool.close();
      throw new IllegalStateException("usage.store: cannot prepare the schema in " + location.display() + ": "
          + rootMessage(e), e);
    }
  }

  /**
   * True when the schema history lists exactly the shipped migrations, in order, all successful. Anything
   * else (a new database, a failed or newer migration, an unreadable history) goes through Flyway, which
   * migrates or says what is wrong.
   */
  static boolean upToDate(DataSource pool, List<String> shipped) {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT version, success FROM " + SCHEMA_HISTORY + " ORDER BY installed_rank")) {
      List<String> applied = new ArrayList<>();
      while (rs.next()) {
        if (!rs.getBoolean(2)) return false;
        applied.add(rs.getString(1));
      }
      return applied.equals(shipped);
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * A new, empty SQLite database gets the shipped scripts run in one transaction and the history Flyway
   * would have written beside them (the same table, rows and checksums; SchemaFastPathTest holds them to
   * Flyway's own), so that the very first start does not load Flyway either: about 0.2 s of it. Any
   * other state, or any failure here (another process creating it at the same moment), is left to Flyway.
   */
  static boolean createNewSqlite(DataSource pool) {
    try (Connection c = pool.getConnection()) {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM sqlite_master")) {
        if (!rs.next() || rs.getInt(1) != 0) return false;
      }
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.executeUpdate(SQLITE_HISTORY_DDL);
        s.executeUpdate(SQLITE_HISTORY_INDEX);
        try (PreparedStatement history = c.prepareStatement("INSERT INTO " + SCHEMA_HISTORY + " (installed_rank, "
            + "version, description, type, script, checksum, installed_by, execution_time, success) "
            + "VALUES (?, ?, ?, 'SQL', ?, ?, '', ?, 1)")) {
          int rank = 1;
          for (String script : SHIPPED_SCRIPTS.get(Dialect.SQLITE)) {
            String sql = resourceText("db/usage/sqlite/" + script);
            long t0 = System.nanoTime();
            s.executeUpdate(sql); // SQLite's exec: every statement of the script
            String name = script.substring(0, script.length() - ".sql".length());
            history.setInt(1, rank++);
            history.setString(2, versionOf(script));
            history.setString(3, name.substring(name.indexOf("__") + 2).replace('_', ' '));
            history.setString(4, script);
            history.setInt(5, flywayChecksum(sql));
            history.setLong(6, (System.nanoTime() - t0) / 1_000_000);
            history.executeUpdate();
          }
        }
        c.commit();
        return true;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        LOG.debug("Creating the new SQLite schema directly failed; Flyway will: {}", rootMessage(e));
        return false;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      return false;
    }
  }

  /** A script's version as Flyway reads it: {@code V12__name.sql} is 12. */
  static String versionOf(String script) {
    return script.substring(1, script.indexOf("__"));
  }

  /** Flyway's checksum of a script: CRC-32 over the UTF-8 bytes of each line without its line break, BOM dropped. */
  static int flywayChecksum(String script) {
    CRC32 crc = new CRC32();
    try (BufferedReader lines = new BufferedReader(new StringReader(
        script.startsWith("\uFEFF") ? script.substring(1) : script))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        crc.update(line.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return (int) crc.getValue();
  }

  private static String resourceText(String path) {
    try (InputStream in = UsageSchema.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) throw new IllegalStateException(path + " is missing from the class path");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String currentVersion(MigrateResult result) {
    return result.initialSchemaVersion != null ? result.initialSchemaVersion : "?";
  }

  /**
   * Deletes request rows older than the cutoff; daily totals stay. The oldest timestamp is looked up
   * first, which both databases answer from the ts_ms index: without fresh statistics (autovacuum off,
   * a table just filled) PostgreSQL plans the DELETE itself as a scan of the whole table, which at a few
   * million rows took most of a second of the server's CPU at every start even with nothing to delete.
   */
  static int deleteRequestsBefore(DataSource pool, long cutoffMillis) throws SQLException {
    try (Connection c = pool.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement("SELECT MIN(ts_ms) FROM usage_requests");
           ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return 0;
        long oldest = rs.getLong(1);
        if (rs.wasNull() || oldest >= cutoffMillis) return 0; // empty, or nothing old enough
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM usage_requests WHERE ts_ms < ?")) {
        ps.setLong(1, cutoffMillis);
        return ps.executeUpdate();
      }
    }
  }
}
