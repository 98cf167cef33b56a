package io.recllm.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.config.UsageSettings;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.fakes.PostgresDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A date filter takes exactly the calls of those UTC dates, to the millisecond at either end, in the
 * totals and in the latency percentiles, whichever store answers (latencies under 32 ms, which the histograms hold exactly; PostgreSQL reads the percentiles
 * from the request rows by their timestamps, the others from histograms kept per date).
 */
class UsageDateRangeTest {

  static final LocalDate DAY = LocalDate.of(2025, 3, 10);

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"memory", "sqlite", "postgresql"})
  void aDateRangeTakesItsCallsToTheMillisecond(String kind) throws Exception {
    PostgresDatabase db = kind.equals("postgresql") ? PostgresDatabase.create("range") : null;
    String store = switch (kind) {
      case "memory" -> UsageSettings.MEMORY;
      case "sqlite" -> "sqlite:" + dir.resolve("u.db");
      default -> db.storeUrl();
    };
    try (Usage usage = Usage.open(UsageSettings.DEFAULT.withStore(store))) {
      long dayStart = DAY.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
      usage.record(call("before", dayStart - 1, 30));
      usage.record(call("first", dayStart, 5));
      usage.record(call("last", dayStart + 86_400_000L - 1, 7));
      usage.record(call("after", dayStart + 86_400_000L, 20));
      assertThat(usage.flush(Duration.ofSeconds(10))).isTrue();

      UsageStats day = usage.total(UsageQuery.all().between(DAY, DAY));
      assertThat(day.calls()).isEqualTo(2);
      assertThat(day.p50LatencyMs()).isEqualTo(5L);
      assertThat(day.p95LatencyMs()).isEqualTo(7L);

      List<UsageStats> twoDays = usage.query(UsageQuery.all().between(DAY, DAY.plusDays(1))
          .groupBy(Set.of(UsageQuery.Dimension.DATE)));
      assertThat(twoDays).extracting(UsageStats::date, UsageStats::calls, UsageStats::p95LatencyMs).containsExactly(
          org.assertj.core.groups.Tuple.tuple(DAY, 2L, 7L),
          org.assertj.core.groups.Tuple.tuple(DAY.plusDays(1), 1L, 20L));

      UsageStats untilTheEnd = usage.total(UsageQuery.all().between(DAY.minusDays(1), LocalDate.of(9999, 12, 31)));
      assertThat(untilTheEnd.calls()).isEqualTo(4);
      assertThat(untilTheEnd.p95LatencyMs()).isEqualTo(30L);
    } finally {
      if (db != null) db.close();
    }
  }

  @org.junit.jupiter.api.Test
  void theStartOfADateIsHeldToTheRangeOfALong() {
    assertThat(UsageQueries.startMillis(DAY.toEpochDay())).isEqualTo(DAY.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli());
    assertThat(UsageQueries.startMillis(LocalDate.MAX.toEpochDay() + 1)).isPositive();
    assertThat(UsageQueries.startMillis(LocalDate.MIN.toEpochDay())).isNegative();
  }

  static UsageRecord call(String id, long ts, long latencyMs) {
    return new UsageRecord(id, ts, "openai", "gpt-4o", "gpt-4o", 200, false,
        new TokenUsage(10, 5, 15, 0, 0, 0, false), 0.0001, null, latencyMs, -1, "stop", null, null);
  }
}
