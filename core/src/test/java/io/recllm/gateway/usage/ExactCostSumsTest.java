package io.recllm.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.config.UsageSettings;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.fakes.PostgresDatabase;
import io.recllm.gateway.pricing.Cost;
import io.recllm.gateway.pricing.Pricing;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Totals are exact sums of each call's exact cost, in every store and across a restart. */
class ExactCostSumsTest {

  static final long T0 = LocalDate.of(2025, 4, 1).atTime(10, 0).toInstant(ZoneOffset.UTC).toEpochMilli();

  /** 17 tokens of gpt-4o-mini: 0.00000255 USD, which no double holds. */
  static final Cost SMALL = Pricing.builtIn().cost("openai", "gpt-4o-mini", TokenUsage.of(17, 0));

  @TempDir
  Path dir;

  @Test
  void aMillionCallsAddUpToExactlyAMillionTimesTheirCost() {
    assertThat(SMALL.nanoUsd()).isEqualTo(2_550);
    Aggregates aggregates = new Aggregates();
    UsageRecord small = call("r", T0, "gpt-4o-mini", SMALL.nanoUsd());
    UsageRecord nano = call("n", T0, "tiny", 1);
    double doubles = 0;
    for (int i = 0; i < 1_000_000; i++) {
      aggregates.add(small);
      aggregates.add(nano);
      doubles += 17 * 0.15 / 1_000_000;
    }
    assertThat(BigDecimal.valueOf(doubles)).as("what adding doubles gives").isNotEqualByComparingTo("2.55");

    UsageStats gpt = aggregates.query(UsageQuery.all().model("gpt-4o-mini").totalled()).get(0);
    assertThat(gpt.costNanoUsd()).isEqualTo(2_550_000_000L);
    assertThat(gpt.costUsdExact()).isEqualTo(new BigDecimal("2.55"));
    UsageStats tiny = aggregates.query(UsageQuery.all().model("tiny").totalled()).get(0);
    assertThat(tiny.costUsdExact().toPlainString()).isEqualTo("0.001");
    assertThat(aggregates.query(UsageQuery.all().totalled()).get(0).costNanoUsd()).isEqualTo(2_551_000_000L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "sqlite", "postgresql"})
  void everyStoreAddsUpExactly(String kind) throws Exception {
    PostgresDatabase pg = kind.equals("postgresql") ? PostgresDatabase.create("exactcost") : null;
    try {
      String store = switch (kind) {
        case "memory" -> UsageSettings.MEMORY;
        case "sqlite" -> "sqlite:" + dir.resolve("usage.db");
        default -> pg.storeUrl();
      };
      UsageSettings settings = new UsageSettings(store, 0, false, 50, 500, 100_000);
      int calls = 3_000;
      try (Usage usage = Usage.open(settings)) {
        for (int i = 0; i < calls; i++) usage.record(call("s" + i, T0 + i, "gpt-4o-mini", SMALL.nanoUsd()));
        usage.record(call("last", T0 + calls, "gpt-4o-mini-2024-07-18", 75_900));
        assertThat(usage.flush(Duration.ofSeconds(30))).isTrue();
        assertTotals(usage, calls);
        assertThat(usage.recentRequests(2)).extracting(RequestLogEntry::costNanoUsd).containsExactly(75_900L, 2_550L);
      }
      if (!kind.equals("memory")) {
        try (Usage again = Usage.open(settings)) {
          assertTotals(again, calls); // SQLite: rebuilt from the daily table at start
        }
      }
    } finally {
      if (pg != null) pg.close();
    }
  }

  private static void assertTotals(Usage usage, int calls) {
    assertThat(usage.total(UsageQuery.all().model("gpt-4o-mini")).costUsdExact())
        .isEqualTo(new BigDecimal("0.00000255").multiply(BigDecimal.valueOf(calls)).stripTrailingZeros());
    assertThat(usage.total(UsageQuery.all().model("gpt-4o-mini-2024-07-18")).costUsdExact().toPlainString())
        .isEqualTo("0.0000759");
    assertThat(usage.total(UsageQuery.all()).costNanoUsd()).isEqualTo(calls * 2_550L + 75_900L);
  }

  static UsageRecord call(String id, long ts, String model, long costNanoUsd) {
    return new UsageRecord(id, ts, "openai", model, model, 200, false, TokenUsage.of(17, 0), costNanoUsd,
        "builtin:" + model, 5, -1, "stop", null, null);
  }
}
