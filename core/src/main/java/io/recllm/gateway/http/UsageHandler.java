package io.recllm.gateway.http;

import io.recllm.gateway.call.Caller;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.keys.KeyServices;
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
 * endpoint, comma-separated or repeated; default date, provider and model; or {@code key} alone: per
 * client key, from the request log) and {@code format=json|csv}. A virtual key sees only its own usage
 * and its own calls. {@code GET /v1/usage/requests}: the request
 * log, newest first, {@code limit} 1..1000 (default 100). Unknown or malformed parameters are a 400
 * naming the parameter, so a typo never silently widens a query.
 */
final class UsageHandler {

  private static final Set<String> SUMMARY_PARAMS = Set.of("date", "from", "to", "provider", "model", "endpoint",
      "group_by", "format");
  private static final Set<String> REQUEST_LOG_PARAMS = Set.of("limit", "format");
  static final int DEFAULT_LIMIT = 100;

  private final Usage usage;
  private final KeyServices keys;

  UsageHandler(Usage usage, KeyServices keys) {
    this.usage = usage;
    this.keys = keys;
  }

  void summary(RoutingContext ctx) {
    Caller caller = GatewayAuth.caller(ctx);
    if (caller.kind() == Caller.Kind.VIRTUAL || ctx.queryParams().getAll("group_by").contains("key")) {
      byKey(ctx, caller);
      return;
    }
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

  /**
   * {@code group_by=key}: each client key's calls from the request log, with its name and budget; a
   * virtual key gets only its own, whatever it asked for.
   */
  private void byKey(RoutingContext ctx, Caller caller) {
    UsageQuery query;
    try {
      MultiMap params = params(ctx, SUMMARY_PARAMS);
      if (caller.kind() != Caller.Kind.VIRTUAL && !params.getAll("group_by").equals(List.of("key"))) {
        throw new GatewayException.InvalidRequest("invalid_value", "group_by",
            "group_by=key cannot be combined with other groups; ask for it alone.");
      }
      for (String p : List.of("provider", "model", "format")) {
        if (params.contains(p)) {
          throw new GatewayException.InvalidRequest("invalid_value", p, "'" + p + "' is not supported with usage by key.");
        }
      }
      MultiMap dates = MultiMap.caseInsensitiveMultiMap().addAll(params).remove("group_by");
      query = parseQuery(dates);
    } catch (GatewayException e) {
      ErrorResponses.send(ctx.response(), e);
      return;
    }
    String only = caller.kind() == Caller.Kind.VIRTUAL ? caller.keyId() : null;
    run(ctx, true, () -> UsageFormats.byKeyJson(usage.byKey(query.from(), query.to(), only),
        keys == null ? id -> null : keys.keys()::byId).toString(), false);
  }

  void requests(RoutingContext ctx) {
    Caller caller = GatewayAuth.caller(ctx);
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
      List<RequestLogEntry> rows = usage.recentRequests(caller.kind() == Caller.Kind.VIRTUAL ? Usage.MAX_RECENT : limit);
      if (caller.kind() == Caller.Kind.VIRTUAL) {
        // a virtual key sees its own calls only
        rows = rows.stream().filter(r -> caller.keyId().equals(r.clientKeyId())).limit(limit).toList();
      }
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
