package io.recllm.gateway.usage;

import io.recllm.gateway.config.StoreLocation;
import io.recllm.gateway.config.UsageSettings;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway's calls cost, per UTC date, provider and model, and the log of recent calls. The
 * gateway reaches it as {@code gateway.usage()}; it receives every finished call through
 * {@link #record}, which never blocks.
 *
 * <p>Where answers come from depends on {@code usage.store}:
 * <ul>
 *   <li>{@code memory}: in-memory totals; the request log is the last {@value #MAX_RECENT} calls;
 *       nothing survives a restart.</li>
 *   <li>{@code sqlite:<path>}: in-memory totals of this node, rebuilt from the database at start;
 *       the request log is read from the database.</li>
 *   <li>PostgreSQL: everything is answered by the database, so that every gateway writing to it gives
 *       the same cluster-wide answer. These query methods then block on the database: do not call
 *       them on an event loop ({@link #queriesBlock()} says whether they do).</li>
 * </ul>
 * Calls reach the database through a write-behind queue with group commit: each is committed as soon
 * as the writer is free, so the request log, and with PostgreSQL the totals too, lag by milliseconds.
 * {@link #close()} writes everything still queued.
 */
public final class Usage implements UsageSink, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Usage.class);

  /** The most rows {@link #recentRequests} returns. */
  public static final int MAX_RECENT = 1000;

  private final StoreLocation location;
  private final boolean logContent;
  private final Aggregates aggregates;   // memory and sqlite
  private final RecentRequests recent;   // memory
  private final JdbcUsageStore store;    // sqlite and postgresql
  private final UsageWriter writer;      // sqlite and postgresql
  private volatile boolean closed;

  private Usage(StoreLocation location, boolean logContent, Aggregates aggregates, RecentRequests recent,
                JdbcUsageStore store, UsageWriter writer) {
    this.location = location;
    this.logContent = logContent;
    this.aggregates = aggregates;
    this.recent = recent;
    this.store = store;
    this.writer = writer;
  }

  /**
   * Opens the store named by {@code settings.store()}: connects, migrates the schema, rebuilds the
   * in-memory totals where they are used, and starts the writer.
   *
   * @throws IllegalStateException when the database cannot be opened or migrated, with a message
   *     that names {@code usage.store} and never its password
   */
  public static Usage open(UsageSettings settings) {
    StoreLocation location = StoreLocation.parse(settings.store());
    if (location.kind() == StoreLocation.Kind.MEMORY) {
      return new Usage(location, settings.logContent(), new Aggregates(), new RecentRequests(MAX_RECENT), null, null);
    }
    JdbcUsageStore store = JdbcUsageStore.open(location);
    try {
      Aggregates aggregates = null;
      if (location.kind() == StoreLocation.Kind.SQLITE) {
        aggregates = new Aggregates();
        long t0 = System.nanoTime();
        store.loadInto(aggregates);
        LOG.debug("Usage totals rebuilt from {} in {} ms", location.display(), (System.nanoTime() - t0) / 1_000_000);
      }
      UsageWriter writer = new UsageWriter(store, settings.queueCapacity(), settings.batchSize(),
          settings.flushIntervalMs(), settings.retentionDays());
      writer.start();
      return new Usage(location, settings.logContent(), aggregates, null, store, writer);
    } catch (SQLException | RuntimeException e) {
      store.close();
      throw new IllegalStateException("usage.store: cannot read " + location.display() + ": "
          + JdbcUsageStore.rootMessage(e), e);
    }
  }

  /** A store that keeps nothing beyond the process, as the seed did. */
  public static Usage inMemory() {
    return open(UsageSettings.DEFAULT.withStore(UsageSettings.MEMORY));
  }

  /**
   * Takes one finished call into account. The gateway calls this for each of its calls on the event
   * loop; an application may add calls it made elsewhere. Content is dropped unless
   * {@code usage.log_content} is on.
   */
  @Override
  public void record(UsageRecord r) {
    Objects.requireNonNull(r.requestId(), "requestId");
    Objects.requireNonNull(r.provider(), "provider");
    Objects.requireNonNull(r.model(), "model");
    Objects.requireNonNull(r.usage(), "usage");
    if (!logContent && (r.requestContent() != null || r.responseContent() != null)) r = r.withContent(null, null);
    if (aggregates != null) aggregates.add(r);
    if (recent != null) recent.add(r);
    if (writer != null) writer.offer(r);
  }

  /** Every date, provider and model, oldest date first. */
  public List<UsageStats> getAll() {
    return query(UsageQuery.all());
  }

  /** The providers and models used on one UTC date. */
  public List<UsageStats> getByDate(LocalDate date) {
    return query(UsageQuery.all().between(date, date));
  }

  /** One provider's models, per UTC date. */
  public List<UsageStats> getByProvider(String provider) {
    return query(UsageQuery.all().provider(provider));
  }

  /** Totals matching the query's filters, one row per group, ordered by date, provider, model. */
  public List<UsageStats> query(UsageQuery q) {
    if (aggregates != null) return List.copyOf(aggregates.query(q));
    try {
      return List.copyOf(store.query(q));
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read usage from " + location.display() + ": "
          + JdbcUsageStore.rootMessage(e), e);
    }
  }

  /** Everything matching the query's filters in one row (zeros when nothing matched). */
  public UsageStats total(UsageQuery q) {
    List<UsageStats> rows = query(q.totalled());
    return rows.isEmpty() ? new UsageStats(null, null, null, 0, 0, 0, 0, 0, 0, 0, 0, null, null) : rows.get(0);
  }

  /** The latest calls, newest first, at most {@value #MAX_RECENT}. */
  public List<RequestLogEntry> recentRequests(int limit) {
    int n = Math.max(0, Math.min(limit, MAX_RECENT));
    if (recent != null) return List.copyOf(recent.latest(n));
    try {
      return List.copyOf(store.recent(n));
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read the request log from " + location.display() + ": "
          + JdbcUsageStore.rootMessage(e), e);
    }
  }

  /**
   * Each client key's calls between two UTC dates (inclusive; null for open), or only {@code keyId}'s,
   * from the request log: the store's rows (cluster-wide), or the latest {@value #MAX_RECENT} calls of
   * the memory store. Reads the database: call it off the event loop.
   */
  public List<KeyUsage> byKey(LocalDate from, LocalDate to, String keyId) {
    long fromMs = from == null ? Long.MIN_VALUE : UsageQueries.startMillis(from.toEpochDay());
    long toMs = to == null ? Long.MAX_VALUE : UsageQueries.startMillis(to.toEpochDay() + 1);
    if (store == null) {
      Map<String, long[]> sums = new TreeMap<>(Comparator.nullsFirst(Comparator.naturalOrder()));
      for (RequestLogEntry e : recentRequests(MAX_RECENT)) {
        if (e.timestampMillis() < fromMs || e.timestampMillis() >= toMs) continue;
        if (keyId != null && !keyId.equals(e.clientKeyId())) continue;
        long[] t = sums.computeIfAbsent(e.clientKeyId(), k -> new long[5]);
        t[0]++;
        if (e.errorType() != null) t[1]++;
        t[2] += e.promptTokens();
        t[3] += e.completionTokens();
        t[4] += e.costNanoUsd();
      }
      List<KeyUsage> out = new ArrayList<>();
      sums.forEach((k, t) -> out.add(new KeyUsage(k, t[0], t[1], t[2], t[3], t[4])));
      return out;
    }
    try {
      return List.copyOf(store.byKey(fromMs, toMs, keyId));
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read usage by key from " + location.display() + ": "
          + JdbcUsageStore.rootMessage(e), e);
    }
  }

  /** True when {@link #query} reads the database (PostgreSQL), so callers on an event loop must move it off. */
  public boolean queriesBlock() {
    return aggregates == null;
  }

  /** True when {@link #recentRequests} reads the database. */
  public boolean requestLogBlocks() {
    return recent == null;
  }

  /** The store in use, for display (never with a password). */
  public String store() {
    return location.display();
  }

  /** True from the open until {@link #close()}: calls are being recorded (for {@code GET /ready}). */
  public boolean isOpen() {
    return !closed;
  }

  /** Records dropped because the write queue was full (or the store closed); should stay 0. */
  public long droppedRecords() {
    return writer == null ? 0 : writer.dropped();
  }

  /**
   * Waits until every call recorded before this one is in the database. Returns at once for the
   * memory store; false when the timeout came first.
   */
  public boolean flush(Duration timeout) {
    return writer == null || writer.flush(timeout.toMillis());
  }

  /** Writes what is still queued (waiting up to 30 s for the database) and closes the connections. */
  @Override
  public void close() {
    closed = true;
    if (writer != null) writer.close();
    if (store != null) store.close();
  }
}
