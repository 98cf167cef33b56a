package io.recllm.gateway.usage;

import java.time.LocalDate;
import java.util.Comparator;

/** A (UTC date, provider, model, endpoint) cell, or a group of them with some parts null. */
record UsageKey(LocalDate date, String provider, String model, String endpoint) {

  static final Comparator<UsageKey> ORDER = Comparator
      .comparing(UsageKey::date, Comparator.nullsFirst(Comparator.naturalOrder()))
      .thenComparing(UsageKey::provider, Comparator.nullsFirst(Comparator.naturalOrder()))
      .thenComparing(UsageKey::model, Comparator.nullsFirst(Comparator.naturalOrder()))
      .thenComparing(UsageKey::endpoint, Comparator.nullsFirst(Comparator.naturalOrder()));

  static final long MILLIS_PER_DAY = 86_400_000L;

  static LocalDate utcDate(long epochMillis) {
    return LocalDate.ofEpochDay(Math.floorDiv(epochMillis, MILLIS_PER_DAY));
  }

  static UsageKey of(UsageRecord r) {
    return new UsageKey(utcDate(r.timestampMillis()), r.provider(), r.model(), r.endpoint());
  }
}
