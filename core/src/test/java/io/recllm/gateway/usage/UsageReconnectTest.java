package io.recllm.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.config.UsageSettings;
import io.recllm.gateway.fakes.PostgresDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** PostgreSQL drops the gateway's connections (a restart, a failover): queued calls are written once it is back. */
class UsageReconnectTest {

  @Test
  void writesSurviveKilledConnections() throws Exception {
    try (PostgresDatabase db = PostgresDatabase.create("reconnect");
         Usage usage = Usage.open(UsageSettings.DEFAULT.withStore(db.storeUrl()))) {
      for (int i = 0; i < 10; i++) usage.record(UsageRetentionTest.record("a" + i, System.currentTimeMillis()));
      assertThat(usage.flush(Duration.ofSeconds(10))).isTrue();

      try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
        ps.setString(1, db.name);
        ps.execute();
      }

      for (int i = 0; i < 10; i++) usage.record(UsageRetentionTest.record("b" + i, System.currentTimeMillis()));
      assertThat(usage.flush(Duration.ofSeconds(20))).isTrue();
      assertThat(usage.recentRequests(100)).hasSize(20);
      assertThat(usage.total(UsageQuery.all()).calls()).isEqualTo(20);
      assertThat(usage.droppedRecords()).isZero();
    }
  }
}
