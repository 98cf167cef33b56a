package io.recllm.gateway.http;

import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.usage.RequestLogEntry;
import io.recllm.gateway.usage.Usage;
import io.recllm.gateway.usage.UsageQuery;
import io.recllm.gateway.usage.UsageQuery.Dimension;
import io.recllm.gateway.usage.UsageStats;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code GET /v1/usage}: totals with optional {@code date} or {@code from}/{@code to} (UTC, inclusive),
 * {@code provider}, {@code model}, {@code endpoint}, {@code group_by} (any of date, provider, model,
 * endpoint, comma-separated or repeated; default date, provider and model) and {@code format=json|csv}. {@code GET /v1/usage/requests}: the request
 * log, newest first, {@code limit} 1..1000 (default 100). Unknown or malformed parameters are a 400
 * naming the parameter, so a typo never silently widens a query.
 */
final class UsageHandler {

  private static final Set<String> SUMMARY_PARAMS = Set.of("date", "from", "to", "provider", "model", "endpoint",
      "group_by", "format");
  private static final Set<String> REQUEST_LOG_PARAMS = Set.of("limit", "format");
  static final int DEFAULT_LIMIT = 100;

  private final Usage usage;

  UsageHandler(Usage usage) {
    this.usage = usage;
  }

  void summary(RoutingContext ctx) {
    UsageQuery query;
    boolean csv;
    try {
      MultiMap params = params(ctx, SUMMARY_PARAMS);
      query = parseQuery(params);
      csv = csv(params);
    } catch (GatewayException e) {
      ErrorResponses.send(ctx.response(), e);
      return;
    }
    run(ctx, usage.queriesBlock(), () -> {
      List<UsageStats> rows = usage.query(query);
      return csv ? UsageFormats.statsCsv(rows) : UsageFormats.statsJson(query, rows, usage.total(query)).toString();
    }, csv);
  }

  void requests(RoutingContext ctx) {
    int limit;
    boolean csv;
    try {
      MultiMap params = params(ctx, REQUEST_LOG_PARAMS);
      limit = limit(single(params, "limit"));
      csv = csv(params);
    } catch (GatewayException e) {
      ErrorResponses.send(ctx.response(), e);
      return;
    }
    run(ctx, usage.requestLogBlocks(), () -> {
      List<RequestLogEntry> rows = usage.recentRequests(limit);
      return csv ? UsageFormats.requestsCsv(rows) : UsageFormats.requestsJson(rows).toString();
    }, csv);
  }

  private static void run(RoutingContext ctx, boolean blocking, Callable<String> answer, boolean csv) {
    if (!blocking) {
      try {
        send(ctx, answer.call(), csv);
      } catch (Exception e) {
        ErrorResponses.send(ctx.response(), ErrorResponses.wrap(e));
      }
      return;
    }
    ctx.vertx().executeBlocking(answer, false).onComplete(ar -> {
      if (ar.succeeded()) send(ctx, ar.result(), csv);
      else ErrorResponses.send(ctx.response(), ErrorResponses.wrap(ar.cause()));
    });
  }

  private static void send(RoutingContext ctx, String body, boolean csv) {
    if (ctx.response().closed() || ctx.response().ended()) return;
    ctx.response().putHeader("cache-control", "no-store");
    if (csv) {
      ctx.response().putHeader("content-type", "text/csv; charset=utf-8")
          .putHeader("content-disposition", "attachment; filename=\"usage.csv\"");
    } else {
      ctx.response().putHeader("content-type", "application/json");
    }
    ctx.response().end(body);
  }

  private static MultiMap params(RoutingContext ctx, Set<String> known) {
    MultiMap params;
    try {
      params = ctx.queryParams();
    } catch (RuntimeException e) {
      throw new GatewayException.InvalidRequest("invalid_query", null, "The query string could not be decoded.");
    }
    for (String name : params.names()) {
      if (!known.contains(name)) {
        throw new GatewayException.InvalidRequest("unknown_parameter", name, "Unknown parameter: '" + name
            + "'. Known parameters: " + String.join(", ", new TreeSet<>(known)) + ".");
      }
    }
    return params;
  }

  private static String single(MultiMap params, String name) {
    List<String> all = params.getAll(name);
    if (all.isEmpty()) return null;
    if (all.size() > 1) {
      throw new GatewayException.InvalidRequest("invalid_value", name, "Parameter '" + name + "' was given "
          + all.size() + " times; give it once.");
    }
    String v = all.get(0).trim();
    if (v.isEmpty()) {
      throw new GatewayException.InvalidRequest("invalid_value", name, "Invalid '" + name + "': empty value.");
    }
    return v;
  }

  static UsageQuery parseQuery(MultiMap params) {
    LocalDate date = date(params, "date");
    LocalDate from = date(params, "from");
    LocalDate to = date(params, "to");
    if (date != null && (from != null || to != null)) {
      throw new GatewayException.InvalidRequest("invalid_value", "date",
          "Give either 'date' or 'from'/'to', not both.");
    }
    if (date != null) {
      from = date;
      to = date;
    }
    if (from != null && to != null && from.isAfter(to)) {
      throw new GatewayException.InvalidRequest("invalid_value", "from",
          "Invalid 'from': " + from + " is after 'to' (" + to + ").");
    }
    return new UsageQuery(from, to, single(params, "provider"), single(params, "model"), single(params, "endpoint"),
        groupBy(params));
  }

  private static LocalDate date(MultiMap params, String name) {
    String v = single(params, name);
    if (v == null) return null;
    try {
      return LocalDate.parse(v);
    } catch (DateTimeParseException e) {
      throw new GatewayException.InvalidRequest("invalid_value", name,
          "Invalid '" + name + "': expected a date as YYYY-MM-DD, got '" + clip(v) + "'.");
    }
  }

  private static Set<Dimension> groupBy(MultiMap params) {
    List<String> values = params.getAll("group_by");
    if (values.isEmpty()) return UsageQuery.DEFAULT_GROUPING;
    Set<Dimension> dims = EnumSet.noneOf(Dimension.class);
    for (String value : values) {
      for (String part : value.split(",", -1)) {
        String p = part.trim();
        switch (p) {
          case "date" -> dims.add(Dimension.DATE);
          case "provider" -> dims.add(Dimension.PROVIDER);
          case "model" -> dims.add(Dimension.MODEL);
          case "endpoint" -> dims.add(Dimension.ENDPOINT);
          default -> throw new GatewayException.InvalidRequest("invalid_value", "group_by",
              "Invalid 'group_by': '" + clip(p) + "' is not one of date, provider, model, endpoint.");
        }
      }
    }
    return dims;
  }

  private static boolean csv(MultiMap params) {
    String f = single(params, "format");
    if (f == null || f.equals("json")) return false;
    if (f.equals("csv")) return true;
    throw new GatewayException.InvalidRequest("invalid_value", "format",
        "Invalid 'format': '" + clip(f) + "' is not one of json, csv.");
  }

  private static int limit(String v) {
    if (v == null) return DEFAULT_LIMIT;
    int n;
    try {
      n = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1 || n > Usage.MAX_RECENT) {
      throw new GatewayException.InvalidRequest("invalid_value", "limit",
          "Invalid 'limit': expected a whole number from 1 to " + Usage.MAX_RECENT + ", got '" + clip(v) + "'.");
    }
    return n;
  }

  /** Parameter values are echoed in errors; keep them short. */
  private static String clip(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  static String isoTime(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }

  static String lower(Dimension d) {
    return d.name().toLowerCase(Locale.ROOT);
  }

  static List<String> names(Set<Dimension> dims) {
    List<String> out = new ArrayList<>();
    for (Dimension d : Dimension.values()) if (dims.contains(d)) out.add(lower(d));
    return out;
  }
}
