package io.recllm.gateway.usage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.recllm.gateway.config.StoreLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The request log and daily totals in SQLite or PostgreSQL, through one small connection pool that this
 * owns and shares: {@link UsageSchema} prepares the tables, {@link UsageRowWriter} writes the batches and
 * {@link UsageQueries} reads them back.
 */
final class JdbcUsageStore implements AutoCloseable {

  enum Dialect {
    SQLITE, POSTGRESQL;

    void setDay(PreparedStatement ps, int index, LocalDate day) throws SQLException {
      if (this == POSTGRESQL) ps.setObject(index, day);
      else ps.setString(index, day.toString());
    }

    LocalDate getDay(ResultSet rs, String column) throws SQLException {
      if (this == POSTGRESQL) return rs.getObject(column, LocalDate.class);
      String s = rs.getString(column);
      return s == null ? null : LocalDate.parse(s);
    }
  }

  private final HikariDataSource pool;
  private final StoreLocation location;
  private final UsageRowWriter writer;
  private final UsageQueries queries;

  private JdbcUsageStore(HikariDataSource pool, Dialect dialect, StoreLocation location) {
    this.pool = pool;
    this.location = location;
    this.writer = new UsageRowWriter(pool, dialect);
    this.queries = new UsageQueries(pool, dialect);
  }

  /** Connects, migrates the schema, and fails with a readable message when the database is not usable. */
  static JdbcUsageStore open(StoreLocation location) {
    Dialect dialect = location.kind() == StoreLocation.Kind.SQLITE ? Dialect.SQLITE : Dialect.POSTGRESQL;
    HikariConfig hc = new HikariConfig();
    hc.setPoolName("usage-store");
    hc.setJdbcUrl(location.jdbcUrl());
    if (location.user() != null) hc.setUsername(location.user());
    if (location.password() != null) hc.setPassword(location.password());
    hc.setConnectionTimeout(10_000);
    hc.setInitializationFailTimeout(10_000);
    if (dialect == Dialect.SQLITE) {
      createParentDirectory(location);
      // WAL: readers never block the writer, and a committed batch survives the process being killed
      hc.addDataSourceProperty("journal_mode", "WAL");
      hc.addDataSourceProperty("synchronous", "NORMAL");
      hc.addDataSourceProperty("busy_timeout", "10000");
      hc.setMaximumPoolSize(3);
    } else {
      hc.addDataSourceProperty("reWriteBatchedInserts", "true");
      hc.addDataSourceProperty("ApplicationName", "rec-llm-gateway");
      hc.setMaximumPoolSize(4);
    }
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(hc);
    } catch (RuntimeException e) {
      throw new IllegalStateException("usage.store: cannot open " + location.display() + ": " + rootMessage(e), e);
    }
    UsageSchema.prepare(pool, dialect, location);
    return new JdbcUsageStore(pool, dialect, location);
  }

  private static void createParentDirectory(StoreLocation location) {
    String path = location.jdbcUrl().substring("jdbc:sqlite:".length());
    int query = path.indexOf('?');
    if (query >= 0) path = path.substring(0, query);
    if (path.startsWith("file:")) path = path.substring("file:".length());
    Path parent = Path.of(path).toAbsolutePath().getParent();
    if (parent == null) return;
    try {
      Files.createDirectories(parent);
    } catch (Exception e) {
      throw new IllegalStateException("usage.store: cannot create the directory " + parent + ": " + e.getMessage(), e);
    }
  }

  StoreLocation location() {
    return location;
  }

  /** Writes one batch in one transaction. */
  void write(List<UsageRecord> batch) throws SQLException {
    writer.write(batch);
  }

  /** See {@link UsageRowWriter#refusedTheData}. */
  static boolean refusedTheData(Throwable t) {
    return UsageRowWriter.refusedTheData(t);
  }

  /** Deletes request rows older than the cutoff; daily totals stay. */
  int deleteRequestsBefore(long cutoffMillis) throws SQLException {
    return UsageSchema.deleteRequestsBefore(pool, cutoffMillis);
  }

  void loadInto(Aggregates aggregates) throws SQLException {
    queries.loadInto(aggregates);
  }

  List<UsageStats> query(UsageQuery q) throws SQLException {
    return queries.query(q);
  }

  List<KeyUsage> byKey(long fromMillis, long toMillis, String keyId) throws SQLException {
    return queries.byKey(fromMillis, toMillis, keyId);
  }

  List<RequestLogEntry> recent(int limit) throws SQLException {
    return queries.recent(limit);
  }

  void evictIdleConnections() {
    try {
      pool.getHikariPoolMXBean().softEvictConnections();
    } catch (RuntimeException ignored) {
      // only a shortcut to fresh connections; the pool validates them anyway
    }
  }

  /** PostgreSQL text cannot hold NUL, and a client can put one in a model name: one such call must not block the batch. */
  static String text(String s) {
    return s == null || s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
  }

  static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the original failure is what matters
    }
  }

  static String rootMessage(Throwable t) {
    Throwable root = t;
    Map<Throwable, Boolean> seen = new HashMap<>();
    while (root.getCause() != null && root.getCause() != root && seen.put(root, true) == null) root = root.getCause();
    String m = root.getMessage();
    return m == null ? root.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
  }

  @Override
  public void close() {
    // A write still hanging on the database (the writer gave up waiting for it) keeps its connection;
    // closing the pool aborts it rather than this waiting for it.
    writer.close();
    pool.close();
  }
}
