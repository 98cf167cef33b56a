package io.recllm.gateway.usage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.recllm.gateway.config.StoreLocation;
import io.recllm.gateway.pricing.NanoUsd;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request log and daily totals in SQLite or PostgreSQL, through one small connection pool. The
 * schema is versioned with Flyway (scripts under {@code db/usage/<dialect>/}, history in
 * {@code usage_schema_history}). Each batch goes in one transaction: its request rows plus one upsert
 * per touched (day, provider, model), so the daily totals never disagree with what was written and
 * several gateways can add to the same PostgreSQL database at once.
 */
final class JdbcUsageStore implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JdbcUsageStore.class);

  enum Dialect { SQLITE, POSTGRESQL }

  static final String SCHEMA_HISTORY = "usage_schema_history";

  /** The scripts under {@code db/usage/<dialect>/}, in order (a test keeps the two in step). */
  static final Map<Dialect, List<String>> SHIPPED_SCRIPTS = Map.of(
      Dialect.SQLITE, List.of("V1__usage_tables.sql", "V2__usage_requests_lean.sql",
          "V3__usage_requests_cost_nano_usd.sql"),
      Dialect.POSTGRESQL, List.of("V1__usage_tables.sql", "V2__usage_requests_lean.sql",
          "V3__usage_requests_cost_nano_usd.sql"));

  /** Their versions, as Flyway reads them from the names. */
  static final Map<Dialect, List<String>> SHIPPED_VERSIONS = Map.of(
      Dialect.SQLITE, SHIPPED_SCRIPTS.get(Dialect.SQLITE).stream().map(JdbcUsageStore::versionOf).toList(),
      Dialect.POSTGRESQL, SHIPPED_SCRIPTS.get(Dialect.POSTGRESQL).stream().map(JdbcUsageStore::versionOf).toList());

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

  private static final String REQUEST_COLUMNS = """
      request_id, ts_ms, day, provider, model, response_model, status, stream,
        prompt_tokens, completion_tokens, total_tokens, cached_tokens, cache_write_tokens, reasoning_tokens, estimated,
        cost_usd, cost_nano_usd, price_version, latency_ms, ttft_ms, finish_reason, error_type, error_message,
        client_key_id, request_content, response_content""";

  private static final String INSERT_REQUEST = "INSERT INTO usage_requests (" + REQUEST_COLUMNS + ")\n"
      + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private static final String COPY_REQUESTS = "COPY usage_requests (" + REQUEST_COLUMNS + ") FROM STDIN";

  private static final String UPSERT_DAILY = """
      INSERT INTO usage_daily (day, provider, model, calls, errors, prompt_tokens, completion_tokens, total_tokens,
        cached_tokens, cost_nano_usd, latency_ms_sum)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (day, provider, model) DO UPDATE SET
        calls = usage_daily.calls + excluded.calls,
        errors = usage_daily.errors + excluded.errors,
        prompt_tokens = usage_daily.prompt_tokens + excluded.prompt_tokens,
        completion_tokens = usage_daily.completion_tokens + excluded.completion_tokens,
        total_tokens = usage_daily.total_tokens + excluded.total_tokens,
        cached_tokens = usage_daily.cached_tokens + excluded.cached_tokens,
        cost_nano_usd = usage_daily.cost_nano_usd + excluded.cost_nano_usd,
        latency_ms_sum = usage_daily.latency_ms_sum + excluded.latency_ms_sum""";

  /**
   * A row without cost_nano_usd was written by a gateway from before V3 sharing the database (one not yet
   * upgraded, in a cluster): its cost_usd is rounded to the nearest nano-USD, as V3 did with the rows it found.
   */
  private static final String SELECT_RECENT = """
      SELECT request_id, ts_ms, provider, model, response_model, status, stream, prompt_tokens, completion_tokens,
        total_tokens, cached_tokens, estimated,
        COALESCE(cost_nano_usd, CAST(ROUND(cost_usd * 1000000000) AS BIGINT)) AS cost_nano_usd,
        price_version, latency_ms, ttft_ms, finish_reason, error_type, error_message, client_key_id, request_content,
        response_content
      FROM usage_requests ORDER BY ts_ms DESC, id DESC LIMIT ?""";

  private final HikariDataSource pool;
  private final Dialect dialect;
  private final StoreLocation location;

  private JdbcUsageStore(HikariDataSource pool, Dialect dialect, StoreLocation location) {
    this.pool = pool;
    this.dialect = dialect;
    this.location = location;
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
    List<String> shipped = SHIPPED_VERSIONS.get(dialect);
    if (upToDate(pool, shipped)) {
      // Flyway would find nothing to do, after loading a few hundred classes: a fifth of the start-up
      LOG.info("Usage store {} at schema version {}", location.display(), shipped.get(shipped.size() - 1));
      return new JdbcUsageStore(pool, dialect, location);
    }
    if (dialect == Dialect.SQLITE && createNewSqlite(pool)) {
      LOG.info("Usage store {} created at schema version {}", location.display(), shipped.get(shipped.size() - 1));
      return new JdbcUsageStore(pool, dialect, location);
    }
    try {
      MigrateResult result = Flyway.configure(JdbcUsageStore.class.getClassLoader())
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
    return new JdbcUsageStore(pool, dialect, location);
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
    try (InputStream in = JdbcUsageStore.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) throw new IllegalStateException(path + " is missing from the class path");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String currentVersion(MigrateResult result) {
    return result.initialSchemaVersion != null ? result.initialSchemaVersion : "?";
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
    if (batch.isEmpty()) return;
    writeLock.lock();
    try {
      writeLocked(batch);
    } finally {
      writeLock.unlock();
    }
  }

  private void writeLocked(List<UsageRecord> batch) throws SQLException {
    // Sorted so that two nodes upserting the same days lock rows in the same order and never deadlock.
    Map<UsageKey, Totals> daily = new TreeMap<>(UsageKey.ORDER);
    for (UsageRecord r : batch) {
      UsageKey key = new UsageKey(UsageKey.utcDate(r.timestampMillis()), text(r.provider()), text(r.model()));
      daily.computeIfAbsent(key, k -> new Totals()).add(1, r.failed() ? 1 : 0, r.usage().promptTokens(),
          r.usage().completionTokens(), r.usage().totalTokens(), r.usage().cachedTokens(), r.costNanoUsd(),
          r.latencyMs());
    }
    Writing w = writing();
    try {
      if (dialect == Dialect.POSTGRESQL) copyRequests(w.connection, batch); else insertRequests(w.insertRequest, batch);
      PreparedStatement ps = w.upsertDaily;
      for (Map.Entry<UsageKey, Totals> e : daily.entrySet()) {
        Totals t = e.getValue();
        int i = 1;
        setDay(ps, i++, e.getKey().date());
        ps.setString(i++, text(e.getKey().provider()));
        ps.setString(i++, text(e.getKey().model()));
        ps.setLong(i++, t.calls);
        ps.setLong(i++, t.errors);
        ps.setLong(i++, t.promptTokens);
        ps.setLong(i++, t.completionTokens);
        ps.setLong(i++, t.totalTokens);
        ps.setLong(i++, t.cachedTokens);
        ps.setLong(i++, t.costNanoUsd);
        ps.setLong(i, t.latencyMsSum);
        ps.addBatch();
      }
      ps.executeBatch();
      w.connection.commit();
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(w.connection);
      releaseWriting(); // it may be broken; the next batch starts on a fresh connection
      throw e;
    }
    if (System.nanoTime() - w.since > HOLD_WRITE_CONNECTION_NANOS) releaseWriting();
  }

  /** How long the writer keeps one pooled connection before handing it back (so the pool can still retire it). */
  private static final long HOLD_WRITE_CONNECTION_NANOS = TimeUnit.MINUTES.toNanos(1);

  /**
   * The writer's connection, held from batch to batch with its two statements prepared: borrowing a
   * connection, switching auto-commit and preparing the statements again for every batch cost about a
   * tenth of what a SQLite row costs to write.
   */
  private record Writing(Connection connection, PreparedStatement insertRequest, PreparedStatement upsertDaily, long since) {}

  private final ReentrantLock writeLock = new ReentrantLock(); // guards writing
  private Writing writing;

  private Writing writing() throws SQLException {
    if (writing != null) return writing;
    Connection c = pool.getConnection();
    try {
      c.setAutoCommit(false);
      PreparedStatement insert = dialect == Dialect.POSTGRESQL ? null : c.prepareStatement(INSERT_REQUEST);
      writing = new Writing(c, insert, c.prepareStatement(UPSERT_DAILY), System.nanoTime());
      return writing;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  private void releaseWriting() {
    if (writing == null) return;
    closeQuietly(writing.connection); // back to the pool, which closes the statements and restores auto-commit
    writing = null;
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // a connection that cannot even be closed is discarded by the pool
    }
  }

  private void insertRequests(PreparedStatement ps, List<UsageRecord> batch) throws SQLException {
    Parameters row = new Parameters(ps);
    for (UsageRecord r : batch) {
      row.index = 1;
      requestFields(r, row);
      ps.addBatch();
    }
    ps.executeBatch();
  }

  /**
   * COPY instead of a batched INSERT: about 30% less CPU per row on either side of the connection, and
   * PostgreSQL's side is most of what a row costs. A row it refuses fails the COPY with the SQLState the
   * INSERT would have had (22xxx, 23xxx), so {@link #refusedTheData} still tells it from an outage.
   */
  private static void copyRequests(Connection c, List<UsageRecord> batch) throws SQLException {
    CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_REQUESTS);
    try {
      CopyText rows = new CopyText(copy);
      for (UsageRecord r : batch) {
        requestFields(r, rows);
        rows.endRow();
      }
      rows.finish();
    } catch (SQLException | RuntimeException e) {
      // a refused row has ended the COPY already; a failure here or of the connection leaves it open
      if (copy.isActive()) {
        try {
          copy.cancelCopy();
        } catch (SQLException cancel) {
          e.addSuppressed(cancel);
        }
      }
      throw e;
    }
  }

  /** One request row's values, in the order of {@link #REQUEST_COLUMNS}, whichever way they are sent. */
  interface RowFields {
    void text(String value) throws SQLException;

    void number(long value) throws SQLException;

    void nullNumber() throws SQLException;

    void bool(boolean value) throws SQLException;

    void real(double value) throws SQLException;

    void date(LocalDate value) throws SQLException;
  }

  private static void requestFields(UsageRecord r, RowFields row) throws SQLException {
    row.text(text(r.requestId()));
    row.number(r.timestampMillis());
    row.date(UsageKey.utcDate(r.timestampMillis()));
    row.text(text(r.provider()));
    row.text(text(r.model()));
    row.text(text(r.responseModel()));
    row.number(r.status());
    row.bool(r.stream());
    row.number(r.usage().promptTokens());
    row.number(r.usage().completionTokens());
    row.number(r.usage().totalTokens());
    row.number(r.usage().cachedTokens());
    row.number(r.usage().cacheWriteTokens());
    row.number(r.usage().reasoningTokens());
    row.bool(r.usage().estimated());
    row.real(NanoUsd.toDouble(r.costNanoUsd())); // cost_usd: kept for readers of the database from before V3
    row.number(r.costNanoUsd());
    row.text(text(r.priceVersion()));
    row.number(r.latencyMs());
    if (r.ttftMs() < 0) row.nullNumber(); else row.number(r.ttftMs());
    row.text(text(r.finishReason()));
    row.text(text(r.errorType()));
    row.text(text(r.errorMessage()));
    row.text(text(r.clientKeyId()));
    row.text(text(r.requestContent()));
    row.text(text(r.responseContent()));
  }

  /** The fields as the parameters of {@link #INSERT_REQUEST}. */
  private final class Parameters implements RowFields {
    private final PreparedStatement ps;
    int index = 1;

    Parameters(PreparedStatement ps) {
      this.ps = ps;
    }

    @Override
    public void text(String value) throws SQLException {
      ps.setString(index++, value);
    }

    @Override
    public void number(long value) throws SQLException {
      ps.setLong(index++, value);
    }

    @Override
    public void nullNumber() throws SQLException {
      ps.setNull(index++, Types.BIGINT);
    }

    @Override
    public void bool(boolean value) throws SQLException {
      ps.setBoolean(index++, value);
    }

    @Override
    public void real(double value) throws SQLException {
      ps.setDouble(index++, value);
    }

    private LocalDate lastDay;
    private String lastDayText;

    @Override
    public void date(LocalDate value) throws SQLException {
      if (dialect == Dialect.POSTGRESQL) {
        setDay(ps, index++, value);
        return;
      }
      if (!value.equals(lastDay)) { // a batch is nearly always one day: format it once
        lastDay = value;
        lastDayText = value.toString();
      }
      ps.setString(index++, lastDayText);
    }
  }

  /** PostgreSQL text cannot hold NUL, and a client can put one in a model name: one such call must not block the batch. */
  private static String text(String s) {
    return s == null || s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
  }

  /**
   * Whether the database refused the data itself (a constraint, a value it cannot store) rather than
   * failed to take it (down, busy, connection lost): retrying the same rows will not help.
   */
  static boolean refusedTheData(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof SQLException e) {
        String state = e.getSQLState();
        if (state != null && (state.startsWith("22") || state.startsWith("23"))) return true;
        int sqlite = e.getErrorCode() & 0xFF; // SQLite primary result code
        if (c.getClass().getName().startsWith("org.sqlite.") && (sqlite == 18 || sqlite == 19 || sqlite == 20 || sqlite == 25)) {
          return true; // TOOBIG, CONSTRAINT, MISMATCH, RANGE
        }
      }
    }
    return false;
  }

  private void setDay(PreparedStatement ps, int index, LocalDate day) throws SQLException {
    if (dialect == Dialect.POSTGRESQL) ps.setObject(index, day);
    else ps.setString(index, day.toString());
  }

  private LocalDate getDay(ResultSet rs, String column) throws SQLException {
    if (dialect == Dialect.POSTGRESQL) return rs.getObject(column, LocalDate.class);
    String s = rs.getString(column);
    return s == null ? null : LocalDate.parse(s);
  }

  void evictIdleConnections() {
    try {
      pool.getHikariPoolMXBean().softEvictConnections();
    } catch (RuntimeException ignored) {
      // only a shortcut to fresh connections; the pool validates them anyway
    }
  }

  /**
   * Deletes request rows older than the cutoff; daily totals stay. The oldest timestamp is looked up
   * first, which both databases answer from the ts_ms index: without fresh statistics (autovacuum off,
   * a table just filled) PostgreSQL plans the DELETE itself as a scan of the whole table, which at a few
   * million rows took most of a second of the server's CPU at every start even with nothing to delete.
   */
  int deleteRequestsBefore(long cutoffMillis) throws SQLException {
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

  /** Rebuilds in-memory aggregates: totals from the daily table, latency histograms from the request rows kept. */
  void loadInto(Aggregates aggregates) throws SQLException {
    try (Connection c = pool.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement("SELECT day, provider, model, calls, errors, prompt_tokens, "
          + "completion_tokens, total_tokens, cached_tokens, cost_nano_usd, latency_ms_sum FROM usage_daily");
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          aggregates.load(new UsageKey(getDay(rs, "day"), rs.getString("provider"), rs.getString("model")),
              rs.getLong("calls"), rs.getLong("errors"), rs.getLong("prompt_tokens"), rs.getLong("completion_tokens"),
              rs.getLong("total_tokens"), rs.getLong("cached_tokens"), rs.getLong("cost_nano_usd"),
              rs.getLong("latency_ms_sum"));
        }
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT day, provider, model, latency_ms, COUNT(*) AS n "
          + "FROM usage_requests GROUP BY day, provider, model, latency_ms");
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          aggregates.loadLatency(new UsageKey(getDay(rs, "day"), rs.getString("provider"), rs.getString("model")),
              rs.getLong("latency_ms"), rs.getLong("n"));
        }
      }
    }
  }

  /** Totals answered by the database itself: what every node has written, not just this one. */
  List<UsageStats> query(UsageQuery q) throws SQLException {
    List<String> dims = new ArrayList<>();
    if (q.groupBy().contains(UsageQuery.Dimension.DATE)) dims.add("day");
    if (q.groupBy().contains(UsageQuery.Dimension.PROVIDER)) dims.add("provider");
    if (q.groupBy().contains(UsageQuery.Dimension.MODEL)) dims.add("model");
    String select = dims.isEmpty() ? "" : String.join(", ", dims) + ", ";
    String group = dims.isEmpty() ? "" : " GROUP BY " + String.join(", ", dims);
    List<Object> args = new ArrayList<>();
    String where = where(q, args, false);

    Map<UsageKey, Totals> groups = new TreeMap<>(UsageKey.ORDER);
    try (Connection c = pool.getConnection()) {
      String sums = "SELECT " + select + "SUM(calls) AS calls, SUM(errors) AS errors, SUM(prompt_tokens) AS prompt, "
          + "SUM(completion_tokens) AS completion, SUM(total_tokens) AS total, SUM(cached_tokens) AS cached, "
          + "SUM(cost_nano_usd) AS cost, SUM(latency_ms_sum) AS latency FROM usage_daily" + where + group;
      try (PreparedStatement ps = prepare(c, sums, args); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (rs.getLong("calls") == 0 && rs.wasNull()) continue; // no rows at all: SUM over nothing is NULL
          Totals t = new Totals();
          t.add(rs.getLong("calls"), rs.getLong("errors"), rs.getLong("prompt"), rs.getLong("completion"),
              rs.getLong("total"), rs.getLong("cached"), rs.getLong("cost"), rs.getLong("latency"));
          groups.put(keyOf(rs, q), t);
        }
      }
      if (dialect == Dialect.POSTGRESQL && !groups.isEmpty()) {
        List<Object> rowArgs = new ArrayList<>();
        String pct = "SELECT " + select + "percentile_disc(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50, "
            + "percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95 FROM usage_requests"
            + where(q, rowArgs, true) + group;
        try (PreparedStatement ps = prepare(c, pct, rowArgs); ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Totals t = groups.get(keyOf(rs, q));
            if (t == null) continue;
            long p50 = rs.getLong("p50");
            t.p50 = rs.wasNull() ? null : p50;
            long p95 = rs.getLong("p95");
            t.p95 = rs.wasNull() ? null : p95;
          }
        }
      }
    }
    List<UsageStats> out = new ArrayList<>(groups.size());
    groups.forEach((k, t) -> out.add(t.toStats(k)));
    return out;
  }

  /**
   * The query's filters as SQL. On the request rows ({@code requestRows}) dates become a range of
   * {@code ts_ms}, which each row's {@code day} is derived from and whose index the request log and
   * the retention need anyway: an index on {@code day} as well would cost every written row.
   */
  private String where(UsageQuery q, List<Object> args, boolean requestRows) {
    List<String> conditions = new ArrayList<>();
    if (q.from() != null) {
      conditions.add(requestRows ? "ts_ms >= ?" : "day >= ?");
      args.add(requestRows ? startMillis(q.from().toEpochDay()) : q.from());
    }
    if (q.to() != null) {
      conditions.add(requestRows ? "ts_ms < ?" : "day <= ?");
      args.add(requestRows ? startMillis(q.to().toEpochDay() + 1) : q.to());
    }
    if (q.provider() != null) {
      conditions.add("provider = ?");
      args.add(q.provider());
    }
    if (q.model() != null) {
      conditions.add("model = ?");
      args.add(q.model());
    }
    return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
  }

  /** The first millisecond of a UTC date, held to the range of a long for dates no call can have. */
  static long startMillis(long epochDay) {
    long limit = Long.MAX_VALUE / UsageKey.MILLIS_PER_DAY;
    return Math.max(-limit, Math.min(limit, epochDay)) * UsageKey.MILLIS_PER_DAY;
  }

  private PreparedStatement prepare(Connection c, String sql, List<Object> args) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    for (int i = 0; i < args.size(); i++) {
      Object a = args.get(i);
      if (a instanceof LocalDate d) setDay(ps, i + 1, d);
      else if (a instanceof Long l) ps.setLong(i + 1, l);
      else ps.setString(i + 1, text((String) a));
    }
    return ps;
  }

  private UsageKey keyOf(ResultSet rs, UsageQuery q) throws SQLException {
    return new UsageKey(
        q.groupBy().contains(UsageQuery.Dimension.DATE) ? getDay(rs, "day") : null,
        q.groupBy().contains(UsageQuery.Dimension.PROVIDER) ? rs.getString("provider") : null,
        q.groupBy().contains(UsageQuery.Dimension.MODEL) ? rs.getString("model") : null);
  }

  List<RequestLogEntry> recent(int limit) throws SQLException {
    List<RequestLogEntry> out = new ArrayList<>(Math.min(limit, 1000));
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(SELECT_RECENT)) {
      ps.setInt(1, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long ttft = rs.getLong("ttft_ms");
          Long ttftMs = rs.wasNull() ? null : ttft;
          out.add(new RequestLogEntry(rs.getString("request_id"), rs.getLong("ts_ms"), rs.getString("provider"),
              rs.getString("model"), rs.getString("response_model"), rs.getInt("status"), rs.getBoolean("stream"),
              rs.getLong("prompt_tokens"), rs.getLong("completion_tokens"), rs.getLong("total_tokens"),
              rs.getLong("cached_tokens"), rs.getBoolean("estimated"), rs.getLong("cost_nano_usd"),
              rs.getString("price_version"), rs.getLong("latency_ms"), ttftMs, rs.getString("finish_reason"),
              rs.getString("error_type"), rs.getString("error_message"), rs.getString("client_key_id"),
              rs.getString("request_content"), rs.getString("response_content")));
        }
      }
    }
    return out;
  }

  private static void rollbackQuietly(Connection c) {
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
    if (writeLock.tryLock()) {
      try {
        releaseWriting();
      } finally {
        writeLock.unlock();
      }
    }
    pool.close();
  }
}
