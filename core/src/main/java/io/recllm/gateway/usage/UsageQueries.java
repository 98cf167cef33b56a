package io.recllm.gateway.usage;

import static io.recllm.gateway.usage.JdbcUsageStore.text;

import io.recllm.gateway.usage.JdbcUsageStore.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/** The read side of the usage tables: totals, percentiles, the request log, and the totals kept in memory at start. */
final class UsageQueries {

  /**
   * A row without cost_nano_usd was written by a gateway from before V3 sharing the database (one not yet
   * upgraded, in a cluster): its cost_usd is rounded to the nearest nano-USD, as V3 did with the rows it found.
   */
  private static final String SELECT_RECENT = """
      SELECT request_id, ts_ms, provider, model, response_model, status, stream, prompt_tokens, completion_tokens,
        total_tokens, cached_tokens, estimated,
        COALESCE(cost_nano_usd, CAST(ROUND(cost_usd * 1000000000) AS BIGINT)) AS cost_nano_usd,
        price_version, latency_ms, ttft_ms, finish_reason, error_type, error_message, client_key_id, request_content,
        response_content, endpoint, attempt, pii_counts, cache_hit, saved_nano_usd
      FROM usage_requests ORDER BY ts_ms DESC, id DESC LIMIT ?""";

  private final DataSource pool;
  private final Dialect dialect;

  UsageQueries(DataSource pool, Dialect dialect) {
    this.pool = pool;
    this.dialect = dialect;
  }

  /** Rebuilds in-memory aggregates: totals from the daily table, latency histograms from the request rows kept. */
  void loadInto(Aggregates aggregates) throws SQLException {
    try (Connection c = pool.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement("SELECT day, provider, model, endpoint, calls, errors, "
          + "prompt_tokens, completion_tokens, total_tokens, cached_tokens, cost_nano_usd, latency_ms_sum, cache_hits, "
          + "saved_nano_usd FROM usage_daily");
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          UsageKey key = cell(rs);
          aggregates.load(key,
              rs.getLong("calls"), rs.getLong("errors"), rs.getLong("prompt_tokens"), rs.getLong("completion_tokens"),
              rs.getLong("total_tokens"), rs.getLong("cached_tokens"), rs.getLong("cost_nano_usd"),
              rs.getLong("latency_ms_sum"));
          aggregates.loadCache(key, rs.getLong("cache_hits"), rs.getLong("saved_nano_usd"));
        }
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT day, provider, model, endpoint, latency_ms, COUNT(*) AS n "
          + "FROM usage_requests GROUP BY day, provider, model, endpoint, latency_ms");
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          aggregates.loadLatency(cell(rs),
              rs.getLong("latency_ms"), rs.getLong("n"));
        }
      }
    }
  }

  private UsageKey cell(ResultSet rs) throws SQLException {
    return new UsageKey(dialect.getDay(rs, "day"), rs.getString("provider"), rs.getString("model"),
        rs.getString("endpoint"));
  }

  /** Totals answered by the database itself: what every node has written, not just this one. */
  List<UsageStats> query(UsageQuery q) throws SQLException {
    List<String> dims = new ArrayList<>();
    if (q.groupBy().contains(UsageQuery.Dimension.DATE)) dims.add("day");
    if (q.groupBy().contains(UsageQuery.Dimension.PROVIDER)) dims.add("provider");
    if (q.groupBy().contains(UsageQuery.Dimension.MODEL)) dims.add("model");
    if (q.groupBy().contains(UsageQuery.Dimension.ENDPOINT)) dims.add("endpoint");
    String select = dims.isEmpty() ? "" : String.join(", ", dims) + ", ";
    String group = dims.isEmpty() ? "" : " GROUP BY " + String.join(", ", dims);
    List<Object> args = new ArrayList<>();
    String where = where(q, args, false);

    Map<UsageKey, Totals> groups = new TreeMap<>(UsageKey.ORDER);
    try (Connection c = pool.getConnection()) {
      String sums = "SELECT " + select + "SUM(calls) AS calls, SUM(errors) AS errors, SUM(prompt_tokens) AS prompt, "
          + "SUM(completion_tokens) AS completion, SUM(total_tokens) AS total, SUM(cached_tokens) AS cached, "
          + "SUM(cost_nano_usd) AS cost, SUM(latency_ms_sum) AS latency, SUM(cache_hits) AS cache_hits, "
          + "SUM(saved_nano_usd) AS saved FROM usage_daily" + where + group;
      try (PreparedStatement ps = prepare(c, sums, args); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (rs.getLong("calls") == 0 && rs.wasNull()) continue; // no rows at all: SUM over nothing is NULL
          Totals t = new Totals();
          t.add(rs.getLong("calls"), rs.getLong("errors"), rs.getLong("prompt"), rs.getLong("completion"),
              rs.getLong("total"), rs.getLong("cached"), rs.getLong("cost"), rs.getLong("latency"));
          t.addCache(rs.getLong("cache_hits"), rs.getLong("saved"));
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
    if (q.endpoint() != null) {
      conditions.add("endpoint = ?");
      args.add(q.endpoint());
    }
    return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
  }

  /** Each client key's calls with {@code ts_ms} in [fromMillis, toMillis), or only {@code keyId}'s when it is set. */
  List<KeyUsage> byKey(long fromMillis, long toMillis, String keyId) throws SQLException {
    String sql = "SELECT client_key_id, COUNT(*) AS calls, SUM(CASE WHEN error_type IS NULL THEN 0 ELSE 1 END) AS errors,"
        + " SUM(prompt_tokens) AS prompt, SUM(completion_tokens) AS completion,"
        + " SUM(COALESCE(cost_nano_usd, CAST(ROUND(cost_usd * 1000000000) AS BIGINT))) AS cost"
        + " FROM usage_requests WHERE ts_ms >= ? AND ts_ms < ?" + (keyId != null ? " AND client_key_id = ?" : "")
        + " GROUP BY client_key_id ORDER BY client_key_id";
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, fromMillis);
      ps.setLong(2, toMillis);
      if (keyId != null) ps.setString(3, keyId);
      List<KeyUsage> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new KeyUsage(rs.getString("client_key_id"), rs.getLong("calls"), rs.getLong("errors"), rs.getLong("prompt"),
              rs.getLong("completion"), rs.getLong("cost")));
        }
      }
      return out;
    }
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
      if (a instanceof LocalDate d) dialect.setDay(ps, i + 1, d);
      else if (a instanceof Long l) ps.setLong(i + 1, l);
      else ps.setString(i + 1, text((String) a));
    }
    return ps;
  }

  private UsageKey keyOf(ResultSet rs, UsageQuery q) throws SQLException {
    return new UsageKey(
        q.groupBy().contains(UsageQuery.Dimension.DATE) ? dialect.getDay(rs, "day") : null,
        q.groupBy().contains(UsageQuery.Dimension.PROVIDER) ? rs.getString("provider") : null,
        q.groupBy().contains(UsageQuery.Dimension.MODEL) ? rs.getString("model") : null,
        q.groupBy().contains(UsageQuery.Dimension.ENDPOINT) ? rs.getString("endpoint") : null);
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
              rs.getString("request_content"), rs.getString("response_content"), rs.getString("endpoint"),
              rs.getInt("attempt"), rs.getString("pii_counts"), rs.getBoolean("cache_hit"), rs.getLong("saved_nano_usd")));
        }
      }
    }
    return out;
  }
}
