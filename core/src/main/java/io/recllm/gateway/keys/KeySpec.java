package io.recllm.gateway.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.json.Json;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * A key's settings as the admin API and the config file write them ({@code name, models, rpm, tpm,
 * max_parallel, budget_usd, budget_period, expires_at, metadata}), applied over an existing key: a
 * field left out keeps its value, {@code null} clears a limit.
 */
public final class KeySpec {

  public static final Set<String> FIELDS = Set.of("name", "models", "rpm", "tpm", "max_parallel", "budget_usd",
      "budget_period", "expires_at", "metadata");
  private static final BigDecimal NANOS_PER_USD = BigDecimal.valueOf(1_000_000_000L);

  private KeySpec() {}

  /**
   * The key {@code base} with {@code spec}'s fields applied.
   *
   * @param problem makes the exception for a bad field: (its name, what is wrong)
   */
  public static VirtualKey apply(VirtualKey base, JsonNode spec, Set<String> extraFields,
                                 BiFunction<String, String, RuntimeException> problem, long nowMs) {
    if (!(spec instanceof ObjectNode o)) throw problem.apply(null, "expected a JSON object with the key's settings");
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f) && !extraFields.contains(f)) {
        throw problem.apply(f, "unknown field '" + f + "' (known: " + String.join(", ", new java.util.TreeSet<>(FIELDS)) + ")");
      }
    }
    String name = base.name();
    if (o.has("name")) {
      JsonNode n = o.get("name");
      if (!n.isTextual() || n.asText().isBlank() || n.asText().length() > 200) {
        throw problem.apply("name", "'name' must be a non-empty string of at most 200 characters");
      }
      name = n.asText().strip();
    }
    List<String> models = base.models();
    if (o.has("models")) {
      JsonNode m = o.get("models");
      if (m.isNull()) {
        models = VirtualKey.ALL_MODELS;
      } else {
        if (!m.isArray() || m.isEmpty()) throw problem.apply("models", "'models' must be a non-empty list of model names or globs");
        List<String> list = new ArrayList<>();
        for (JsonNode g : m) {
          if (!g.isTextual() || g.asText().isBlank()) throw problem.apply("models", "'models' must hold non-empty strings");
          list.add(g.asText().strip());
        }
        models = list;
      }
    }
    Long rpm = o.has("rpm") ? positive(o.get("rpm"), "rpm", problem) : base.rpm();
    Long tpm = o.has("tpm") ? positive(o.get("tpm"), "tpm", problem) : base.tpm();
    Long parallel = o.has("max_parallel") ? positive(o.get("max_parallel"), "max_parallel", problem) : base.maxParallel();
    Long budget = base.budgetNanoUsd();
    if (o.has("budget_usd")) {
      JsonNode b = o.get("budget_usd");
      if (b.isNull()) {
        budget = null;
      } else {
        if (!b.isNumber() || b.decimalValue().signum() < 0) throw problem.apply("budget_usd", "'budget_usd' must be a number >= 0");
        budget = b.decimalValue().multiply(NANOS_PER_USD).setScale(0, java.math.RoundingMode.DOWN).longValueExact();
      }
    }
    VirtualKey.BudgetPeriod period = base.budgetPeriod();
    if (o.has("budget_period")) {
      String p = o.get("budget_period").asText("");
      try {
        period = VirtualKey.BudgetPeriod.valueOf(p.toUpperCase());
      } catch (IllegalArgumentException e) {
        throw problem.apply("budget_period", "'budget_period' must be daily, monthly or total, got \"" + p + "\"");
      }
    }
    Long expires = base.expiresAtMs();
    if (o.has("expires_at")) {
      JsonNode e = o.get("expires_at");
      if (e.isNull()) {
        expires = null;
      } else {
        try {
          expires = Instant.parse(e.asText()).toEpochMilli();
        } catch (DateTimeParseException ex) {
          throw problem.apply("expires_at", "'expires_at' must be an ISO 8601 instant such as 2027-01-31T00:00:00Z, got \""
              + e.asText() + "\"");
        }
      }
    }
    String metadata = base.metadata();
    if (o.has("metadata")) {
      JsonNode md = o.get("metadata");
      if (!md.isNull() && !md.isObject()) throw problem.apply("metadata", "'metadata' must be a JSON object");
      metadata = md.isNull() ? null : md.toString();
    }
    return new VirtualKey(base.id(), name, base.hash(), base.hint(), models, rpm, tpm, parallel, budget, period, expires,
        metadata, base.createdAtMs(), nowMs, base.revokedAtMs(), base.fromConfig());
  }

  private static Long positive(JsonNode n, String field, BiFunction<String, String, RuntimeException> problem) {
    if (n.isNull()) return null;
    if (!n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < 1) {
      throw problem.apply(field, "'" + field + "' must be a whole number >= 1, or null for no limit");
    }
    return n.asLong();
  }

  /** A key as the admin API and the CLI show it: everything but the secret. */
  public static ObjectNode toJson(VirtualKey k, long nowMs) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", k.id());
    o.put("object", "virtual_key");
    o.put("name", k.name());
    o.put("key_hint", k.hint());
    o.putPOJO("models", k.models());
    putLong(o, "rpm", k.rpm());
    putLong(o, "tpm", k.tpm());
    putLong(o, "max_parallel", k.maxParallel());
    if (k.budgetNanoUsd() == null) {
      o.putNull("budget_usd");
    } else {
      o.put("budget_usd", BigDecimal.valueOf(k.budgetNanoUsd(), 9).stripTrailingZeros());
    }
    o.put("budget_period", k.budgetPeriod().wire());
    putInstant(o, "expires_at", k.expiresAtMs());
    if (k.metadata() == null) {
      o.putNull("metadata");
    } else {
      try {
        o.set("metadata", Json.MAPPER.readTree(k.metadata()));
      } catch (Exception e) {
        o.putNull("metadata");
      }
    }
    putInstant(o, "created_at", k.createdAtMs());
    putInstant(o, "revoked_at", k.revokedAtMs());
    o.put("status", k.revoked() ? "revoked" : k.expired(nowMs) ? "expired" : "active");
    o.put("source", k.fromConfig() ? "config" : "store");
    return o;
  }

  private static void putLong(ObjectNode o, String f, Long v) {
    if (v == null) {
      o.putNull(f);
    } else {
      o.put(f, v);
    }
  }

  private static void putInstant(ObjectNode o, String f, Long ms) {
    if (ms == null) {
      o.putNull(f);
    } else {
      o.put(f, Instant.ofEpochMilli(ms).toString());
    }
  }

  /** What a new key starts from before its spec is applied: all models, no limits. */
  static VirtualKey blank(String id, long nowMs) {
    return new VirtualKey(id, "", "", "", VirtualKey.ALL_MODELS, null, null, null, null, VirtualKey.BudgetPeriod.TOTAL,
        null, null, nowMs, nowMs, null, false);
  }
}
