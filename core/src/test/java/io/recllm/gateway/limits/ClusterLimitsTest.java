package io.recllm.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.fakes.PostgresDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two gateways sharing the local Redis (127.0.0.1:6379) and PostgreSQL, each test under its own Redis
 * prefix and database. Prices and the call as in {@link LocalLimitsTest}: each call's worst case is
 * exactly its real cost, 13 micro-USD and 11 tokens.
 */
class ClusterLimitsTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  static final String ADMIN = "admin-test-fake-key-0002";
  static final String MASTER = LocalLimitsTest.MASTER;
  static final String STATIC_KEY = "sk-test-fake-shared-key-0001";

  PostgresDatabase db;
  String prefix;
  GatewayHarness a;
  GatewayHarness b;

  @BeforeEach
  void database() throws Exception {
    db = PostgresDatabase.create("keys");
    prefix = "rlgtest:" + UUID.randomUUID().toString().substring(0, 8) + ":";
  }

  @AfterEach
  void stop() throws Exception {
    if (a != null) a.close();
    if (b != null) b.close();
    db.close();
  }

  String config(String keyLimits) {
    return """
        api_key: %s
        usage: { store: "%s", flush_interval_ms: 100 }
        providers: { mock: { type: mock, models: [echo] } }
        default_provider: mock
        pricing: { echo: { input: 1.0, output: 2.0 } }
        limits: { redis: "redis://127.0.0.1:6379", redis_prefix: "%s" }
        keys:
          shared: { key: %s, %s }
        """.formatted(MASTER, db.storeUrl(), prefix, STATIC_KEY, keyLimits);
  }

  void startBoth(String keyLimits) throws Exception {
    a = GatewayHarness.start(config(keyLimits), Map.of("REC_LLM_GATEWAY_ADMIN_KEY", ADMIN));
    b = GatewayHarness.start(config(keyLimits), Map.of("REC_LLM_GATEWAY_ADMIN_KEY", ADMIN));
    // a first call through each (tokenizer, Redis connections, scripts loaded) with the master key: no limits
    for (GatewayHarness gw : List.of(a, b)) {
      assertThat(LocalLimitsTest.call(gw, MASTER, false).statusCode()).isEqualTo(200);
    }
  }

  /** 200 calls at once, alternating between the nodes; answers the error code of each (null for a 200). */
  List<String> burst(String key) throws Exception {
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String base = (i % 2 == 0 ? a : b).baseUrl();
      calls.add(HTTP.sendAsync(LocalLimitsTest.request(base, key, i % 5 == 0), HttpResponse.BodyHandlers.ofString()));
    }
    List<String> outcomes = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> c : calls) {
      HttpResponse<String> r = c.get();
      if (r.statusCode() == 200) {
        outcomes.add(null);
      } else {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
        outcomes.add(JSON.readTree(r.body()).at("/error/code").asText());
      }
    }
    return outcomes;
  }

  JsonNode admin(GatewayHarness gw, String method, String path, String body) throws Exception {
    HttpResponse<String> r = io.recllm.gateway.keys.AdminCalls.send(gw.baseUrl(), method, path, ADMIN, body);
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
    return JSON.readTree(r.body());
  }

  int modelsStatus(GatewayHarness gw, String key) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/models")).header("authorization", "Bearer " + key)
        .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** Milliseconds until {@code gw} answers {@code status} to the key, failing after 10 s. */
  long untilStatus(GatewayHarness gw, String key, int status) throws Exception {
    long t0 = System.nanoTime();
    while (modelsStatus(gw, key) != status) {
      assertThat(System.nanoTime() - t0).as("waiting for status " + status).isLessThan(10_000_000_000L);
      Thread.sleep(50);
    }
    return (System.nanoTime() - t0) / 1_000_000;
  }

  @Test
  void aBudgetForFiftyWorstCasesLetsFiftyOfTwoHundredConcurrentCallsThroughAcrossTwoNodes() throws Exception {
    startBoth("rpm: 100000");
    JsonNode key = admin(a, "POST", "/admin/keys", "{\"name\":\"burst\",\"budget_usd\":0.00065,\"budget_period\":\"daily\"}"); // 50 x 13e-6
    String secret = key.get("key").asText();
    untilStatus(b, secret, 200);
    List<String> outcomes = burst(secret);
    long ok = outcomes.stream().filter(o -> o == null).count();
    assertThat(ok).isEqualTo(50);
    assertThat(outcomes).filteredOn(o -> o != null).containsOnly("budget_exceeded");
    a.close();
    b.close(); // flushes the usage of both
    a = null;
    b = null;
    try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
        "SELECT COUNT(*), COALESCE(SUM(cost_nano_usd), 0) FROM usage_requests WHERE client_key_id = ? AND status = 200")) {
      s.setString(1, key.get("id").asText());
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(50);
        assertThat(rs.getLong(2)).isLessThanOrEqualTo(650_000);
      }
    }
  }

  @Test
  void requestsPerMinuteHoldAcrossTwoNodes() throws Exception {
    startBoth("rpm: 50");
    List<String> outcomes = burst(STATIC_KEY);
    assertThat(outcomes.stream().filter(o -> o == null).count()).isEqualTo(50);
    assertThat(outcomes).filteredOn(o -> o != null).containsOnly("rate_limit_exceeded");
  }

  @Test
  void revocationAndExpiryReachTheOtherNodeWithinFiveSeconds() throws Exception {
    startBoth("rpm: 1000");
    JsonNode key = admin(a, "POST", "/admin/keys", "{\"name\":\"short\"}");
    String secret = key.get("key").asText();
    assertThat(untilStatus(b, secret, 200)).isLessThan(5000);
    admin(a, "DELETE", "/admin/keys/" + key.get("id").asText(), null);
    assertThat(untilStatus(b, secret, 401)).isLessThan(5000);

    Instant expires = Instant.now().plusSeconds(3);
    JsonNode expiring = admin(a, "POST", "/admin/keys", "{\"name\":\"expiring\",\"expires_at\":\"" + expires + "\"}");
    String s2 = expiring.get("key").asText();
    untilStatus(b, s2, 200);
    untilStatus(b, s2, 401);
    assertThat(Instant.now()).isAfterOrEqualTo(expires.minusMillis(100));
    assertThat(Duration.between(expires, Instant.now()).toMillis()).isLessThan(5000);
  }
}
