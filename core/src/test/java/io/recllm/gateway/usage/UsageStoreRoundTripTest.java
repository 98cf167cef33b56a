package io.recllm.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.config.StoreLocation;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.fakes.PostgresDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What goes into the request log comes back out of it unchanged, whatever a client put in its text and
 * whatever the numbers are; only NUL, which PostgreSQL text cannot hold, comes back as U+FFFD.
 */
class UsageStoreRoundTripTest {

  static final List<String> AWKWARD = List.of(
      "tab\there", "line\nbreak", "carriage\rreturn", "crlf\r\n", "back\\slash", "\\", "\\\\", "\\N", "\\.",
      "a\n\\.\nb", "ends with a backslash\\", "\\t is not a tab", "'single' \"double\" `back`", "Grüße, 日本語, עברית",
      "emoji 🦜👩‍💻🏳️‍🌈", "nul\u0000inside", "", " spaces ", "\u0001\u001f\u007f\b\f\u000b", "\u2028\u2029\u00a0",
      "\t", "\n", "{\"messages\":[{\"content\":\"a\\tb\\n\\\"c\\\"\"}]}", "long " + "x\\\t\n".repeat(12_000),
      "plain");

  static PostgresDatabase pg;

  @TempDir
  Path dir;

  @BeforeAll
  static void createDatabase() throws Exception {
    pg = PostgresDatabase.create("roundtrip");
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    pg.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void everyFieldComesBackAsItWent(String kind) throws Exception {
    boolean postgres = kind.equals("postgresql");
    Path file = dir.resolve("usage.db");
    List<UsageRecord> records = records();
    try (JdbcUsageStore store = JdbcUsageStore.open(StoreLocation.parse(postgres ? pg.storeUrl() : "sqlite:" + file))) {
      for (int i = 0; i < records.size(); i += 40) store.write(records.subList(i, Math.min(records.size(), i + 40)));

      List<RequestLogEntry> expected = new ArrayList<>();
      for (UsageRecord r : records) expected.add(RequestLogEntry.of(withoutNul(r)));
      Collections.reverse(expected); // newest first
      List<RequestLogEntry> read = store.recent(10_000);
      assertThat(read).hasSameSizeAs(expected);
      for (int i = 0; i < expected.size(); i++) assertThat(read.get(i)).as("row %d", i).isEqualTo(expected.get(i));
    }

    // what the request log does not show
    try (Connection c = postgres ? pg.connect() : DriverManager.getConnection("jdbc:sqlite:" + file);
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(
             "SELECT day, cache_write_tokens, reasoning_tokens FROM usage_requests ORDER BY ts_ms")) {
      for (UsageRecord r : records) {
        assertThat(rs.next()).isTrue();
        LocalDate day = postgres ? rs.getObject(1, LocalDate.class) : LocalDate.parse(rs.getString(1));
        assertThat(day).isEqualTo(UsageKey.utcDate(r.timestampMillis()));
        assertThat(rs.getLong(2)).isEqualTo(r.usage().cacheWriteTokens());
        assertThat(rs.getLong(3)).isEqualTo(r.usage().reasoningTokens());
      }
      assertThat(rs.next()).isFalse();
    }
  }

  /** Each text column takes each awkward string in turn; costs and counts vary down to the last bit. */
  static List<UsageRecord> records() {
    Random random = new Random(42);
    // nano-USD: 0.00000255, which no double holds, and the ends of the range
    List<Long> costs = List.of(0L, 1L, 2550L, 300_000_000L, Long.MAX_VALUE, 999_999_999_999_999_999L, 89_000L);
    long start = LocalDate.of(2025, 6, 30).atTime(23, 59).toInstant(ZoneOffset.UTC).toEpochMilli();
    List<UsageRecord> out = new ArrayList<>();
    int n = AWKWARD.size() * 2;
    for (int k = 0; k < n; k++) {
      String[] t = new String[11];
      for (int j = 0; j < t.length; j++) t[j] = AWKWARD.get((k + j) % AWKWARD.size());
      long cost = k < costs.size() ? costs.get(k) : random.nextLong(1L << 50);
      long ts = start + k * 7_000L; // crosses midnight
      if (k == n - 2) ts = start * 1000; // microseconds taken for milliseconds: year 57,000
      if (k == n - 1) ts = LocalDate.of(-1000, 6, 7).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
      TokenUsage usage = new TokenUsage(k * 1_000_003L, k, k * 1_000_004L, k % 3, k == 1 ? Long.MAX_VALUE : k * 11L,
          k == 1 ? Long.MIN_VALUE : k * 13L, k % 2 == 0);
      out.add(new UsageRecord(t[0], ts, t[1], t[2], t[3], k == 0 ? 599 : 200, k % 3 == 0, usage, cost, t[4], k * 17L,
          k % 4 == 0 ? -1 : k, t[5], t[6], t[7], t[8], t[9], t[10]));
    }
    // every nullable column empty
    out.add(new UsageRecord("nulls", start * 1000 + 1, "p", "m", null, 200, false, TokenUsage.NONE, 0, null, 0, -1,
        null, null, null, null, null, null));
    out.sort(java.util.Comparator.comparingLong(UsageRecord::timestampMillis));
    return out;
  }

  static UsageRecord withoutNul(UsageRecord r) {
    return new UsageRecord(nul(r.requestId()), r.timestampMillis(), nul(r.provider()), nul(r.model()),
        nul(r.responseModel()), r.status(), r.stream(), r.usage(), r.costNanoUsd(), nul(r.priceVersion()), r.latencyMs(),
        r.ttftMs(), nul(r.finishReason()), nul(r.errorType()), nul(r.errorMessage()), nul(r.clientKeyId()),
        nul(r.requestContent()), nul(r.responseContent()));
  }

  static String nul(String s) {
    return s == null ? null : s.replace('\u0000', '\uFFFD');
  }
}
