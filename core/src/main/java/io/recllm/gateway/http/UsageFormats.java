package io.recllm.gateway.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.keys.VirtualKey;
import io.recllm.gateway.pricing.NanoUsd;
import io.recllm.gateway.usage.KeyUsage;
import io.recllm.gateway.usage.RequestLogEntry;
import io.recllm.gateway.usage.UsageQuery;
import io.recllm.gateway.usage.UsageStats;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Function;

/** JSON and CSV for the usage endpoints, from one list of columns each, so the two never disagree. */
final class UsageFormats {

  private UsageFormats() {}

  private record Column<T>(String name, Function<T, Object> value) {}

  /** An amount of money: a JSON number and a CSV cell in plain decimal ({@code 0.0000759}, never 7.59E-5). */
  private record Usd(long nanos) {
    @Override
    public String toString() {
      return NanoUsd.format(nanos);
    }
  }

  private static final List<Column<UsageStats>> STATS = List.of(
      new Column<>("date", UsageStats::date),
      new Column<>("provider", UsageStats::provider),
      new Column<>("model", UsageStats::model),
      new Column<>("calls", UsageStats::calls),
      new Column<>("prompt_tokens", UsageStats::promptTokens),
      new Column<>("completion_tokens", UsageStats::completionTokens),
      new Column<>("total_tokens", UsageStats::totalTokens),
      new Column<>("cost_usd", s -> new Usd(s.costNanoUsd())),
      new Column<>("avg_latency_ms", UsageStats::avgLatencyMs),
      new Column<>("errors", UsageStats::errors),
      new Column<>("cached_tokens", UsageStats::cachedTokens),
      new Column<>("p50_latency_ms", UsageStats::p50LatencyMs),
      new Column<>("p95_latency_ms", UsageStats::p95LatencyMs),
      new Column<>("endpoint", UsageStats::endpoint), // added after the others, so older readers' columns keep their place
      new Column<>("cache_hits", UsageStats::cacheHits),
      new Column<>("saved_usd", s -> new Usd(s.savedNanoUsd())));

  /** The dimension columns, which a total over every group does not have. */
  private static final java.util.Set<String> DIMENSIONS = java.util.Set.of("date", "provider", "model", "endpoint");
  private static final List<Column<UsageStats>> TOTAL = STATS.stream().filter(c -> !DIMENSIONS.contains(c.name())).toList();

  private static final List<Column<RequestLogEntry>> REQUESTS = List.of(
      new Column<>("request_id", RequestLogEntry::requestId),
      new Column<>("time", e -> UsageHandler.isoTime(e.timestampMillis())),
      new Column<>("timestamp_ms", RequestLogEntry::timestampMillis),
      new Column<>("provider", RequestLogEntry::provider),
      new Column<>("model", RequestLogEntry::model),
      new Column<>("response_model", RequestLogEntry::responseModel),
      new Column<>("status", RequestLogEntry::status),
      new Column<>("stream", RequestLogEntry::stream),
      new Column<>("prompt_tokens", RequestLogEntry::promptTokens),
      new Column<>("completion_tokens", RequestLogEntry::completionTokens),
      new Column<>("total_tokens", RequestLogEntry::totalTokens),
      new Column<>("cached_tokens", RequestLogEntry::cachedTokens),
      new Column<>("estimated", RequestLogEntry::estimated),
      new Column<>("cost_usd", e -> new Usd(e.costNanoUsd())),
      new Column<>("price_version", RequestLogEntry::priceVersion),
      new Column<>("latency_ms", RequestLogEntry::latencyMs),
      new Column<>("ttft_ms", RequestLogEntry::ttftMs),
      new Column<>("finish_reason", RequestLogEntry::finishReason),
      new Column<>("error_type", RequestLogEntry::errorType),
      new Column<>("error_message", RequestLogEntry::errorMessage),
      new Column<>("client_key_id", RequestLogEntry::clientKeyId),
      new Column<>("request_content", RequestLogEntry::requestContent),
      new Column<>("response_content", RequestLogEntry::responseContent),
      new Column<>("endpoint", RequestLogEntry::endpoint),
      new Column<>("attempt", RequestLogEntry::attempt),
      new Column<>("pii_counts", RequestLogEntry::piiCounts),
      new Column<>("cache_hit", RequestLogEntry::cacheHit),
      new Column<>("saved_usd", e -> new Usd(e.savedNanoUsd())));

  /** Usage by client key, with each key's name and budget as this node knows them. */
  static ObjectNode byKeyJson(List<KeyUsage> rows, Function<String, VirtualKey> keys) {
    ObjectNode root = Json.object();
    root.put("object", "list");
    root.putArray("group_by").add("key");
    ArrayNode data = root.putArray("data");
    for (KeyUsage u : rows) {
      ObjectNode o = data.addObject();
      VirtualKey k = u.keyId() == null ? null : keys.apply(u.keyId());
      o.put("key_id", u.keyId());
      o.put("key_name", k != null ? k.name() : u.keyId() == null ? "(no virtual key)" : null);
      o.put("calls", u.calls());
      o.put("errors", u.errors());
      o.put("prompt_tokens", u.promptTokens());
      o.put("completion_tokens", u.completionTokens());
      o.putRawValue("cost_usd", new RawValue(NanoUsd.format(u.costNanoUsd())));
      if (k != null && k.budgetNanoUsd() != null) {
        o.putRawValue("budget_usd", new RawValue(NanoUsd.format(k.budgetNanoUsd())));
        o.put("budget_period", k.budgetPeriod().wire());
      } else {
        o.putNull("budget_usd");
      }
    }
    return root;
  }

  static ObjectNode statsJson(UsageQuery q, List<UsageStats> rows, UsageStats total) {
    ObjectNode root = Json.object();
    root.put("object", "list");
    ArrayNode groupBy = root.putArray("group_by");
    UsageHandler.names(q.groupBy()).forEach(groupBy::add);
    putValue(root, "from", q.from());
    putValue(root, "to", q.to());
    putValue(root, "provider", q.provider());
    putValue(root, "model", q.model());
    putValue(root, "endpoint", q.endpoint());
    ArrayNode data = root.putArray("data");
    for (UsageStats s : rows) data.add(object(STATS, s));
    root.set("total", object(TOTAL, total));
    return root;
  }

  static ObjectNode requestsJson(List<RequestLogEntry> rows) {
    ObjectNode root = Json.object();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    for (RequestLogEntry e : rows) data.add(object(REQUESTS, e));
    return root;
  }

  static String statsCsv(List<UsageStats> rows) {
    return csv(STATS, rows);
  }

  static String requestsCsv(List<RequestLogEntry> rows) {
    return csv(REQUESTS, rows);
  }

  private static <T> ObjectNode object(List<Column<T>> columns, T row) {
    ObjectNode o = Json.object();
    for (Column<T> c : columns) putValue(o, c.name(), c.value().apply(row));
    return o;
  }

  private static void putValue(ObjectNode o, String name, Object v) {
    if (v == null) o.putNull(name);
    else if (v instanceof String s) o.put(name, s);
    else if (v instanceof Long l) o.put(name, l);
    else if (v instanceof Integer i) o.put(name, i);
    else if (v instanceof Double d) o.put(name, d);
    else if (v instanceof Boolean b) o.put(name, b);
    else if (v instanceof LocalDate d) o.put(name, d.toString());
    else if (v instanceof Usd u) putUsd(o, name, u.nanos());
    else o.put(name, v.toString());
  }

  /**
   * Sets {@code name} to an amount of money as a JSON number in plain decimal, {@code 0.0000759}: Jackson
   * writes a double or a BigDecimal that small as 7.59E-5.
   */
  static void putUsd(ObjectNode o, String name, long nanoUsd) {
    o.putRawValue(name, new RawValue(NanoUsd.format(nanoUsd)));
  }

  private static <T> String csv(List<Column<T>> columns, List<T> rows) {
    StringBuilder sb = new StringBuilder(64 * (rows.size() + 1));
    for (int i = 0; i < columns.size(); i++) {
      if (i > 0) sb.append(',');
      sb.append(columns.get(i).name());
    }
    sb.append("\r\n");
    for (T row : rows) {
      for (int i = 0; i < columns.size(); i++) {
        if (i > 0) sb.append(',');
        cell(sb, columns.get(i).value().apply(row));
      }
      sb.append("\r\n");
    }
    return sb.toString();
  }

  private static void cell(StringBuilder sb, Object v) {
    if (v == null) return;
    if (v instanceof Double d) {
      sb.append(BigDecimal.valueOf(d).toPlainString());
      return;
    }
    if (!(v instanceof String s)) {
      sb.append(v);
      return;
    }
    // Model names come from clients: a cell starting with = + - @ would run as a formula in a spreadsheet.
    String text = !s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0 ? "'" + s : s;
    if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
      sb.append('"').append(text.replace("\"", "\"\"")).append('"');
    } else {
      sb.append(text);
    }
  }
}
