package io.recllm.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.fakes.GatewayProcess;
import io.recllm.gateway.fakes.PostgresDatabase;
import io.recllm.gateway.keys.AdminCalls;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node killed with SIGKILL while its call holds the key's only parallel slot and most of its budget:
 * the other node refuses until the reservation expires, then serves the key again. The node's output and
 * the database never show the key's secret.
 */
class CrashedNodeTest {

  static final String ADMIN = "admin-test-fake-key-0003";

  @TempDir Path dir;
  PostgresDatabase db;
  GatewayProcess crashing;
  GatewayHarness survivor;

  @AfterEach
  void stop() throws Exception {
    if (crashing != null) crashing.close();
    if (survivor != null) survivor.close();
    if (db != null) db.close();
  }

  @Test
  void reservationsOfAKilledNodeExpire() throws Exception {
    db = PostgresDatabase.create("keys_crash");
    String prefix = "rlgtest:" + UUID.randomUUID().toString().substring(0, 8) + ":";
    // the call's own timeout (3 s) and reservation_ttl_ms (1 s): its reservation lives about 4 s
    String yaml = """
        api_key: %s
        admin_key: %s
        usage: { store: "%s", flush_interval_ms: 100 }
        providers: { mock: { type: mock, models: [echo], delay_ms: 2500 } }
        default_provider: mock
        pricing: { echo: { input: 1.0, output: 2.0 } }
        timeouts: { total_ms: 3000 }
        limits: { redis: "redis://127.0.0.1:6379", redis_prefix: "%s", reservation_ttl_ms: 1000 }
        """.formatted(LocalLimitsTest.MASTER, ADMIN, db.storeUrl(), prefix);
    crashing = GatewayProcess.start(dir, yaml);
    String base = "http://127.0.0.1:" + crashing.port();
    HttpResponse<String> created = AdminCalls.send(base, "POST", "/admin/keys", ADMIN,
        "{\"name\":\"crash\",\"max_parallel\":1,\"budget_usd\":0.00003,\"budget_period\":\"daily\"}"); // two calls of 13 micro-USD fit, not three
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode key = AdminCalls.json(created);
    String secret = key.get("key").asText();

    survivor = GatewayHarness.start(yaml.replace("delay_ms: 2500", "delay_ms: 0"), Map.of());
    // spends 13 of 30 and is in the node's access log
    HttpResponse<String> logged = LocalLimitsTest.HTTP.send(LocalLimitsTest.request(base, secret, false),
        HttpResponse.BodyHandlers.ofString());
    assertThat(logged.statusCode()).isEqualTo(200);
    CompletableFuture<HttpResponse<String>> inFlight = LocalLimitsTest.HTTP.sendAsync(
        LocalLimitsTest.request(base, secret, false), HttpResponse.BodyHandlers.ofString());
    Thread.sleep(1000); // reserved, waiting on the mock
    crashing.kill();
    assertThat(crashing.waitFor(10)).isTrue();
    long killedAt = System.nanoTime();
    assertThat(inFlight.handle((r, e) -> r == null || r.statusCode() != 200).get()).isTrue();

    HttpResponse<String> refused = LocalLimitsTest.call(survivor, secret, false);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
    HttpResponse<String> served;
    do {
      Thread.sleep(200);
      served = LocalLimitsTest.call(survivor, secret, false);
    } while (served.statusCode() == 429 && System.nanoTime() - killedAt < 15_000_000_000L);
    assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
    assertThat((System.nanoTime() - killedAt) / 1_000_000).isBetween(2000L, 8000L);

    assertThat(crashing.output()).contains("access").doesNotContain(secret).doesNotContain(secret.substring(12));
    survivor.close();
    survivor = null;
    try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(
        "SELECT * FROM virtual_keys")) {
      while (rs.next()) {
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          assertThat(String.valueOf(rs.getString(i))).doesNotContain(secret.substring(7));
        }
      }
    }
  }
}
