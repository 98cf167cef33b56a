package io.recllm.gateway.usage;

import static io.recllm.gateway.usage.JdbcUsageStore.rollbackQuietly;
import static io.recllm.gateway.usage.JdbcUsageStore.text;

import io.recllm.gateway.pricing.NanoUsd;
import io.recllm.gateway.usage.JdbcUsageStore.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Writes batches of usage records. Each batch goes in one transaction: its request rows (a batched
 * INSERT, or COPY on PostgreSQL) plus one upsert per touched (day, provider, model, endpoint), so the daily totals
 * never disagree with what was written and several gateways can add to the same PostgreSQL database at once.
 */
final class UsageRowWriter {

  private static final String REQUEST_COLUMNS = """
      request_id, ts_ms, day, provider, model, response_model, status, stream,
        prompt_tokens, completion_tokens, total_tokens, cached_tokens, cache_write_tokens, reasoning_tokens, estimated,
        cost_usd, cost_nano_usd, price_version, latency_ms, ttft_ms, finish_reason, error_type, error_message,
        client_key_id, request_content, response_content, endpoint, attempt, pii_counts, cache_hit, saved_nano_usd""";

  private static final String INSERT_REQUEST = "INSERT INTO usage_requests (" + REQUEST_COLUMNS + ")\n"
      + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private static final String COPY_REQUESTS = "COPY usage_requests (" + REQUEST_COLUMNS + ") FROM STDIN";

  private static final String UPSERT_DAILY = """
      INSERT INTO usage_daily (day, provider, model, endpoint, calls, errors, prompt_tokens, completion_tokens,
        total_tokens, cached_tokens, cost_nano_usd, latency_ms_sum, cache_hits, saved_nano_usd)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (day, provider, model, endpoint) DO UPDATE SET
        calls = usage_daily.calls + excluded.calls,
        errors = usage_daily.errors + excluded.errors,
        prompt_tokens = usage_daily.prompt_tokens + excluded.prompt_tokens,
        completion_tokens = usage_daily.completion_tokens + excluded.completion_tokens,
        total_tokens = usage_daily.total_tokens + excluded.total_tokens,
        cached_tokens = usage_daily.cached_tokens + excluded.cached_tokens,
        cost_nano_usd = usage_daily.cost_nano_usd + excluded.cost_nano_usd,
        latency_ms_sum = usage_daily.latency_ms_sum + excluded.latency_ms_sum,
        cache_hits = usage_daily.cache_hits + excluded.cache_hits,
        saved_nano_usd = usage_daily.saved_nano_usd + excluded.saved_nano_usd""";

  private final DataSource pool;
  private final Dialect dialect;

  UsageRowWriter(DataSource pool, Dialect dialect) {
    this.pool = pool;
    this.dialect = dialect;
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
      UsageKey key = new UsageKey(UsageKey.utcDate(r.timestampMillis()), text(r.provider()), text(r.model()),
          text(r.endpoint()));
      daily.computeIfAbsent(key, k -> new Totals()).add(1, r.failed() ? 1 : 0, r.usage().promptTokens(),
          r.usage().completionTokens(), r.usage().totalTokens(), r.usage().cachedTokens(), r.costNanoUsd(),
          r.latencyMs());
      if (r.cacheHit()) daily.get(key).addCache(1, r.savedNanoUsd());
    }
    Writing w = writing();
    try {
      if (dialect == Dialect.POSTGRESQL) copyRequests(w.connection, batch); else insertRequests(w.insertRequest, batch);
      PreparedStatement ps = w.upsertDaily;
      for (Map.Entry<UsageKey, Totals> e : daily.entrySet()) {
        Totals t = e.getValue();
        int i = 1;
        dialect.setDay(ps, i++, e.getKey().date());
        ps.setString(i++, text(e.getKey().provider()));
        ps.setString(i++, text(e.getKey().model()));
        ps.setString(i++, e.getKey().endpoint());
        ps.setLong(i++, t.calls);
        ps.setLong(i++, t.errors);
        ps.setLong(i++, t.promptTokens);
        ps.setLong(i++, t.completionTokens);
        ps.setLong(i++, t.totalTokens);
        ps.setLong(i++, t.cachedTokens);
        ps.setLong(i++, t.costNanoUsd);
        ps.setLong(i++, t.latencyMsSum);
        ps.setLong(i++, t.cacheHits);
        ps.setLong(i, t.savedNanoUsd);
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
    row.text(text(r.endpoint()));
    row.number(r.attempt());
    row.text(text(r.piiCounts()));
    row.bool(r.cacheHit());
    row.number(r.savedNanoUsd());
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
        dialect.setDay(ps, index++, value);
        return;
      }
      if (!value.equals(lastDay)) { // a batch is nearly always one day: format it once
        lastDay = value;
        lastDayText = value.toString();
      }
      ps.setString(index++, lastDayText);
    }
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

  /** Hands the held connection back to the pool, unless a write still hangs on it. */
  void close() {
    if (writeLock.tryLock()) {
      try {
        releaseWriting();
      } finally {
        writeLock.unlock();
      }
    }
  }
}
