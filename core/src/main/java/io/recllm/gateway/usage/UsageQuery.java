package io.recllm.gateway.usage;

import java.time.LocalDate;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which usage to total and how to group it. Dates are UTC and inclusive; a null bound or filter means
 * no limit. {@code groupBy} names the dimensions kept apart; an empty set totals everything into one row.
 */
public record UsageQuery(LocalDate from, LocalDate to, String provider, String model, String endpoint,
                         Set<Dimension> groupBy) {

  public enum Dimension { DATE, PROVIDER, MODEL, ENDPOINT }

  /** What {@link #all()} and {@code /v1/usage} group by unless told otherwise: endpoint only on request. */
  public static final Set<Dimension> DEFAULT_GROUPING = Set.of(Dimension.DATE, Dimension.PROVIDER, Dimension.MODEL);

  /** A query with no endpoint filter. */
  public UsageQuery(LocalDate from, LocalDate to, String provider, String model, Set<Dimension> groupBy) {
    this(from, to, provider, model, null, groupBy);
  }

  public UsageQuery {
    java.util.Objects.requireNonNull(groupBy, "groupBy");
    groupBy = groupBy.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(groupBy));
  }

  /** Everything, one row per date, provider and model. */
  public static UsageQuery all() {
    return new UsageQuery(null, null, null, null, null, DEFAULT_GROUPING);
  }

  public UsageQuery between(LocalDate fromDate, LocalDate toDate) {
    return new UsageQuery(fromDate, toDate, provider, model, endpoint, groupBy);
  }

  public UsageQuery provider(String name) {
    return new UsageQuery(from, to, name, model, endpoint, groupBy);
  }

  public UsageQuery model(String name) {
    return new UsageQuery(from, to, provider, name, endpoint, groupBy);
  }

  public UsageQuery endpoint(String name) {
    return new UsageQuery(from, to, provider, model, name, groupBy);
  }

  public UsageQuery groupBy(Set<Dimension> dimensions) {
    return new UsageQuery(from, to, provider, model, endpoint, dimensions);
  }

  /** The same filters, everything in one row. */
  public UsageQuery totalled() {
    return groupBy(Set.of());
  }

  boolean matches(UsageKey k) {
    return (from == null || !k.date().isBefore(from)) && (to == null || !k.date().isAfter(to))
        && (provider == null || provider.equals(k.provider())) && (model == null || model.equals(k.model()))
        && (endpoint == null || endpoint.equals(k.endpoint()));
  }

  /** The group a cell falls into: the dimensions not grouped by are null. */
  UsageKey groupOf(UsageKey k) {
    return new UsageKey(groupBy.contains(Dimension.DATE) ? k.date() : null,
        groupBy.contains(Dimension.PROVIDER) ? k.provider() : null,
        groupBy.contains(Dimension.MODEL) ? k.model() : null,
        groupBy.contains(Dimension.ENDPOINT) ? k.endpoint() : null);
  }
}
