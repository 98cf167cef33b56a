package io.recllm.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What a provider mapper does with one top-level field of an OpenAI chat request. One row of a
 * {@link FieldPolicy}; the same row drives the mapper and the provider's field documentation, so
 * {@code note} is written for readers of that documentation.
 *
 * @param field the OpenAI (or provider-native) field name
 * @param kind what happens to it
 * @param note for {@link Kind#MAPPED}, {@link Kind#CARRIED} and {@link Kind#IGNORED}: what the
 *     provider receives, or why nothing; for {@link Kind#HARMLESS_ONLY} and {@link Kind#REJECTED}: the
 *     reason a client is told, as documented
 * @param accepted {@link Kind#HARMLESS_ONLY} only: the harmless value(s), as documented (markdown)
 * @param harmless {@link Kind#HARMLESS_ONLY} only: true for a value that may be dropped silently
 * @param reason {@link Kind#HARMLESS_ONLY} and {@link Kind#REJECTED}: the reason in the error
 *     message, from the value sent (some reasons name it)
 */
public record FieldRule(String field, Kind kind, String note, String accepted,
                        Predicate<JsonNode> harmless, Function<JsonNode, String> reason) {

  public enum Kind {
    /** The mapper has code for it. */
    MAPPED,
    /** Copied to the provider request as sent, after the mapped fields. */
    CARRIED,
    /** Dropped silently; {@code note} says why that loses nothing. */
    IGNORED,
    /** Dropped when the value is harmless, else 400 {@code unsupported_parameter} with the reason. */
    HARMLESS_ONLY,
    /** Always 400 {@code unsupported_parameter} with the reason. */
    REJECTED
  }

  public FieldRule {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(note, "note");
    if ((kind == Kind.HARMLESS_ONLY) != (harmless != null && accepted != null)) {
      throw new IllegalArgumentException(field + ": a harmless value belongs to HARMLESS_ONLY rules only");
    }
    boolean refuses = kind == Kind.HARMLESS_ONLY || kind == Kind.REJECTED;
    if (refuses != (reason != null)) {
      throw new IllegalArgumentException(field + ": a reason belongs to HARMLESS_ONLY and REJECTED rules only");
    }
  }

  public static FieldRule mapped(String field, String note) {
    return new FieldRule(field, Kind.MAPPED, note, null, null, null);
  }

  public static FieldRule carried(String field, String note) {
    return new FieldRule(field, Kind.CARRIED, note, null, null, null);
  }

  public static FieldRule ignored(String field, String why) {
    return new FieldRule(field, Kind.IGNORED, why, null, null, null);
  }

  public static FieldRule harmlessOnly(String field, String accepted, Predicate<JsonNode> harmless, String reason) {
    return new FieldRule(field, Kind.HARMLESS_ONLY, reason, accepted, harmless, v -> reason);
  }

  /** A reason that names the value sent; {@code note} is its documented, value-free form. */
  public static FieldRule harmlessOnly(String field, String accepted, Predicate<JsonNode> harmless,
                                       Function<JsonNode, String> reason, String note) {
    return new FieldRule(field, Kind.HARMLESS_ONLY, note, accepted, harmless, reason);
  }

  public static FieldRule rejected(String field, String reason) {
    return new FieldRule(field, Kind.REJECTED, reason, null, null, v -> reason);
  }

  // ---- harmless-value predicates shared by providers ------------------------------------------

  /** A JSON number equal to {@code expected}, however written ({@code 1}, {@code 1.0}, {@code 1e0}). */
  public static Predicate<JsonNode> number(long expected) {
    BigDecimal want = BigDecimal.valueOf(expected);
    return v -> v.isNumber() && v.decimalValue().compareTo(want) == 0;
  }

  public static Predicate<JsonNode> isFalse() {
    return v -> v.isBoolean() && !v.booleanValue();
  }

  public static Predicate<JsonNode> emptyObject() {
    return v -> v.isObject() && v.isEmpty();
  }

  public static Predicate<JsonNode> text(String expected) {
    return v -> expected.equals(v.asText(null));
  }

  /** An array whose items are all the string {@code item} (an empty array counts). */
  public static Predicate<JsonNode> onlyItems(String item) {
    return v -> {
      if (!v.isArray()) return false;
      for (JsonNode m : v) if (!item.equals(m.asText())) return false;
      return true;
    };
  }
}
