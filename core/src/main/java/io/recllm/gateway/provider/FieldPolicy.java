package io.recllm.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.error.GatewayException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A provider mapper's answer for every top-level field of an OpenAI chat request, as data: which
 * fields its code maps, which it copies as sent, drops, accepts only with a harmless value, or
 * refuses, and what happens to any other field. The mapper asks {@link #action} once per field and
 * keeps code only for the {@link FieldRule.Kind#MAPPED} ones; the provider's field documentation is
 * rendered from the same rows, so the two cannot drift apart.
 *
 * <p>A field sent as JSON {@code null} counts as absent, as it does for OpenAI. A refusal is a 400
 * {@code unsupported_parameter} naming the field: {@code Unsupported parameter 'seed' for Anthropic
 * models: <reason>}.
 */
public final class FieldPolicy {

  /** What the mapper does with a field that passed the policy. */
  public enum Action {
    /** Run the mapper's own code for the field. */
    MAP,
    /** Copy the field as sent. */
    CARRY,
    /** Leave it out. */
    DROP
  }

  private final String provider;
  private final List<FieldRule> rules;
  private final Map<String, FieldRule> byField;
  private final FieldRule otherFields;

  private FieldPolicy(String provider, List<FieldRule> rules, FieldRule otherFields) {
    this.provider = provider;
    this.rules = List.copyOf(rules);
    Map<String, FieldRule> byField = new HashMap<>();
    for (FieldRule rule : rules) {
      if (byField.put(rule.field(), rule) != null) {
        throw new IllegalArgumentException(provider + ": two rules for '" + rule.field() + "'");
      }
    }
    this.byField = Collections.unmodifiableMap(byField);
    this.otherFields = otherFields;
  }

  /**
   * What to do with {@code field}; a refused field throws here, so the mapper never sees it.
   *
   * @throws GatewayException.InvalidRequest {@code unsupported_parameter} for a rejected field or a
   *     harmless-only field with any other value
   */
  public Action action(String field, JsonNode value) {
    if (value.isNull()) return Action.DROP;
    FieldRule rule = byField.get(field);
    if (rule == null) rule = otherFields;
    return switch (rule.kind()) {
      case MAPPED -> Action.MAP;
      case CARRIED -> Action.CARRY;
      case IGNORED -> Action.DROP;
      case HARMLESS_ONLY -> {
        if (!rule.harmless().test(value)) throw unsupported(field, rule.reason().apply(value));
        yield Action.DROP;
      }
      case REJECTED -> throw unsupported(field, rule.reason().apply(value));
    };
  }

  /**
   * The request's fields that the mapper maps itself ({@link Action#MAP}), in the request's order, with
   * the policy applied on the way: carried fields are copied into {@code carried} and dropped ones
   * skipped as the iteration passes them, and a refused field throws when the iteration reaches it. So a
   * loop over this behaves exactly like a loop over {@link #action} for every field: with two bad
   * fields, the first one in the request is the one reported.
   */
  public Iterable<Map.Entry<String, JsonNode>> mappedFields(ObjectNode request, ObjectNode carried) {
    return () -> new Iterator<>() {
      private final Iterator<Map.Entry<String, JsonNode>> fields = request.fields();
      private Map.Entry<String, JsonNode> next;

      @Override
      public boolean hasNext() {
        while (next == null && fields.hasNext()) {
          Map.Entry<String, JsonNode> field = fields.next();
          switch (action(field.getKey(), field.getValue())) { // throws for a refused field
            case MAP -> next = field;
            case CARRY -> carried.set(field.getKey(), field.getValue().deepCopy());
            case DROP -> { }
          }
        }
        return next != null;
      }

      @Override
      public Map.Entry<String, JsonNode> next() {
        if (!hasNext()) throw new NoSuchElementException();
        Map.Entry<String, JsonNode> field = next;
        next = null;
        return field;
      }
    };
  }

  /** The error for a field this provider cannot honour; mappers use it for refusals found in code too. */
  public GatewayException.InvalidRequest unsupported(String field, String reason) {
    return new GatewayException.InvalidRequest("unsupported_parameter", field,
        "Unsupported parameter '" + field + "' for " + provider + " models: " + reason);
  }

  /** As written in error messages: "Anthropic" in "… for Anthropic models". */
  public String provider() {
    return provider;
  }

  /** The named fields, in table order. */
  public List<FieldRule> rules() {
    return rules;
  }

  /** The rule for a named field, or {@link #otherFields()} for any other. */
  public FieldRule rule(String field) {
    return byField.getOrDefault(field, otherFields);
  }

  /** The rule for every field the table does not name; its {@code field} is a label for documents. */
  public FieldRule otherFields() {
    return otherFields;
  }

  public static Builder builder(String provider) {
    return new Builder(provider);
  }

  /** Rows in the order the documentation lists them. */
  public static final class Builder {
    /** How the rule for unnamed fields is labelled in documents. */
    public static final String OTHER_FIELDS = "any other field";

    private final String provider;
    private final List<FieldRule> rules = new ArrayList<>();

    private Builder(String provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
    }

    public Builder rule(FieldRule rule) {
      rules.add(rule);
      return this;
    }

    public Builder mapped(String field, String note) {
      return rule(FieldRule.mapped(field, note));
    }

    public Builder carried(String field, String note) {
      return rule(FieldRule.carried(field, note));
    }

    public Builder ignored(String field, String why) {
      return rule(FieldRule.ignored(field, why));
    }

    public Builder harmlessOnly(String field, String accepted, Predicate<JsonNode> harmless, String reason) {
      return rule(FieldRule.harmlessOnly(field, accepted, harmless, reason));
    }

    public Builder rejected(String field, String reason) {
      return rule(FieldRule.rejected(field, reason));
    }

    /** Any field not named is refused with {@code reason}. */
    public FieldPolicy otherFieldsRejected(String reason) {
      return new FieldPolicy(provider, rules, FieldRule.rejected(OTHER_FIELDS, reason));
    }

    /** Any field not named is copied as sent (a provider that speaks OpenAI's format). */
    public FieldPolicy otherFieldsCarried(String note) {
      return new FieldPolicy(provider, rules, FieldRule.carried(OTHER_FIELDS, note));
    }

    /** Any field not named is dropped silently. */
    public FieldPolicy otherFieldsIgnored(String why) {
      return new FieldPolicy(provider, rules, FieldRule.ignored(OTHER_FIELDS, why));
    }
  }
}
