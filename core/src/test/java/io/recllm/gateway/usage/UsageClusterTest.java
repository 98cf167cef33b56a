package io.recllm.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.fakes.PostgresDatabase;
import io.recllm.gateway.json.Json;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two gateways behind a load balancer, one PostgreSQL: either one answers for both. */
class UsageClusterTest {

  @Test
  void bothNodesShowTheSumOfBoth() throws Exception {
    try (PostgresDatabase db = PostgresDatabase.create("cluster")) {
      String yaml = Traffic.MOCK_PRICED + "usage: { store: \"" + db.storeUrl() + "\", flush_interval_ms: 100 }\n";
      try (GatewayHarness a = GatewayHarness.start(yaml, Map.of()); GatewayHarness b = GatewayHarness.start(yaml, Map.of())) {
        Traffic.Tally onA = Traffic.Tally.ZERO;
        Traffic.Tally onB = Traffic.Tally.ZERO;
        for (int i = 0; i < 20; i++) onA = onA.plus(Traffic.call(a, "mock:echo", i % 2 == 0, Traffic.text(1, i)));
        for (int i = 0; i < 30; i++) onB = onB.plus(Traffic.call(b, i < 10 ? "mock:other" : "mock:echo", i % 3 == 0, Traffic.text(2, i)));
        a.awaitRecords(20);
        b.awaitRecords(30);
        assertThat(a.gateway.usage().flush(Duration.ofSeconds(10))).isTrue();
        assertThat(b.gateway.usage().flush(Duration.ofSeconds(10))).isTrue();

        Traffic.Tally both = onA.plus(onB);
        JsonNode fromA = Json.MAPPER.readTree(a.get("/v1/usage").body());
        JsonNode fromB = Json.MAPPER.readTree(b.get("/v1/usage").body());
        both.assertMatches(fromA.get("total"));
        assertThat(fromB).isEqualTo(fromA);
        assertThat(fromA.get("data")).extracting(n -> n.get("model").asText() + "=" + n.get("calls").asLong())
            .containsExactly("echo=40", "other=10");

        both.assertMatches(a.gateway.usage().total(UsageQuery.all()));
        both.assertMatches(b.gateway.usage().total(UsageQuery.all()));
        assertThat(b.get("/v1/usage?group_by=provider&format=csv").body())
            .isEqualTo(a.get("/v1/usage?group_by=provider&format=csv").body());
        assertThat(Json.MAPPER.readTree(a.get("/v1/usage/requests?limit=1000").body()).get("data")).hasSize(50);
      }
    }
  }
}
