package io.recllm.gateway.usage;

import java.time.LocalDate;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which usage to total and how to group it. Dates are UTC and inclusive; a null bound or filter means
 * no limit. {@code groupBy} names the dimensions kept apart; an empty set totals everything into one row.
 */
public record UsageQuery(LocalDate from, LocalDate to, String provider, String model, Set<Dimension> groupBy) {

  public enum Dimension { DATE, PROVIDER, MODEL }

  public UsageQuery {
    java.util.Objects.requireNonNull(groupBy, "groupBy");
    groupBy = groupBy.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(groupBy));
  }

  /** Everything, one row per date, provider and model. */
  public static UsageQuery all() {
    return new UsageQuery(null, null, null, null, EnumSet.allOf(Dimension.class));
  }

  public UsageQuery between(LocalDate fromDate, LocalDate toDate) {
    return new UsageQuery(fromDate, toDate, provider, model, groupBy);
  }

  public UsageQuery provider(String name) {
    return new UsageQuery(from, to, name, model, groupBy);
  }

  public UsageQuery model(String name) {
    return new UsageQuery(from, to, provider, name, groupBy);
  }

  public UsageQuery groupBy(Set<Dimension> dimensions) {
    return new UsageQuery(from, to, provider, model, dimensions);
  }

  /** The same filters, everything in one row. */
  public UsageQuery totalled() {
    return groupBy(Set.of());
  }

  boolean matches(LocalDate date, String p, String m) {
    return (from == null || !date.isBefore(from)) && (to == null || !date.isAfter(to))
        && (provider == null || provider.equals(p)) && (model == null || model.equals(m));
  }

  /** The group a (date, provider, model) falls into: the dimensions not grouped by are null. */
  UsageKey groupOf(LocalDate date, String p, String m) {
    return new UsageKey(groupBy.contains(Dimension.DATE) ? date : null,
        groupBy.contains(Dimension.PROVIDER) ? p : null,
        groupBy.contains(Dimension.MODEL) ? m : null);
  }
}
