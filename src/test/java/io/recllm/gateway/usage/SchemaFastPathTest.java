package io.recllm.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/** Opening a store whose schema is current skips Flyway; every other state of the history goes through it. */
class SchemaFastPathTest {

  @TempDir
  Path dir;

  @Test
  void theShippedVersionsAreTheScriptsUnderDbUsage() throws IOException {
    assertThat(JdbcUsageStore.SHIPPED_VERSIONS.get(JdbcUsageStore.Dialect.SQLITE)).isEqualTo(scriptVersions("sqlite"));
    assertThat(JdbcUsageStore.SHIPPED_VERSIONS.get(JdbcUsageStore.Dialect.POSTGRESQL))
        .isEqualTo(scriptVersions("postgresql"));
  }

  @Test
  void onlyAHistoryOfExactlyTheShippedMigrationsIsUpToDate() throws Exception {
    Path file = dir.resolve("usage.db");
    SQLiteDataSource ds = new SQLiteDataSource();
    ds.setUrl("jdbc:sqlite:" + file);
    List<String> shipped = JdbcUsageStore.SHIPPED_VERSIONS.get(JdbcUsageStore.Dialect.SQLITE);

    assertThat(JdbcUsageStore.upToDate(ds, shipped)).as("new database, no history table").isFalse();
    JdbcUsageStore.open(StoreLocation.parse("sqlite:" + file)).close(); // Flyway migrates
    assertThat(JdbcUsageStore.upToDate(ds, shipped)).isTrue();
    assertThat(JdbcUsageStore.upToDate(ds, shipped.subList(0, shipped.size() - 1))).as("a newer database").isFalse();
    assertThat(JdbcUsageStore.upToDate(ds, List.of("1", "2", "3"))).as("a migration still to apply").isFalse();

    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      s.execute("UPDATE usage_schema_history SET success = 0 WHERE version = '2'");
    }
    assertThat(JdbcUsageStore.upToDate(ds, shipped)).as("a failed migration").isFalse();
  }

  @Test
  void aStoreReopenedWithoutFlywayStillAnswers() throws Exception {
    String store = "sqlite:" + dir.resolve("reopen.db");
    JdbcUsageStore.open(StoreLocation.parse(store)).close();
    try (JdbcUsageStore again = JdbcUsageStore.open(StoreLocation.parse(store))) {
      // the schema the fast path trusted is really there: the tables answer
      assertThat(again.recent(10)).isEmpty();
    }
  }

  private static List<String> scriptVersions(String dialect) throws IOException {
    try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/usage", dialect))) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.matches("V\\d+__.*\\.sql"))
          .map(n -> n.substring(1, n.indexOf("__")))
          .sorted(Comparator.comparingInt(Integer::parseInt))
          .toList();
    }
  }
}
