package io.recllm.gateway.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.fakes.GatewayHarness;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage per key: {@code group_by=key} for the master key, a virtual key's own usage only. */
class KeyUsageTest {

  static final String MASTER = "sk-test-fake-master-key";
  static final String ONE = "sk-test-fake-key-one-000001";
  static final String TWO = "sk-test-fake-key-two-000002";

  @TempDir Path dir;
  GatewayHarness gw;

  @AfterEach
  void stop() {
    if (gw != null) gw.close();
  }

  @Test
  void usageIsGroupedByKeyAndAVirtualKeySeesOnlyItsOwn() throws Exception {
    gw = GatewayHarness.start("""
        api_key: %s
        usage: { store: "sqlite:%s", flush_interval_ms: 50 }
        providers: { mock: { type: mock, models: [echo] } }
        default_provider: mock
        pricing: { echo: { input: 1.0, output: 2.0 } }
        keys:
          one: { key: %s, budget_usd: 5 }
          two: { key: %s }
        """.formatted(MASTER, dir.resolve("usage.db"), ONE, TWO), Map.of());
    for (String key : new String[] {ONE, ONE, TWO, MASTER}) {
      assertThat(AdminCalls.chat(gw.baseUrl(), key, "mock:echo", 2).statusCode()).isEqualTo(200);
    }
    gw.awaitRecords(4);
    JsonNode all = null;
    for (int i = 0; i < 100; i++) {
      all = AdminCalls.json(AdminCalls.send(gw.baseUrl(), "GET", "/v1/usage?group_by=key", MASTER, null));
      if (all.get("data").size() == 3) break;
      Thread.sleep(50);
    }
    assertThat(all.get("data")).hasSize(3);
    JsonNode one = find(all, "cfg-one");
    assertThat(one.get("key_name").asText()).isEqualTo("one");
    assertThat(one.get("calls").asLong()).isEqualTo(2);
    assertThat(one.get("cost_usd").decimalValue()).isEqualByComparingTo("0.000026");
    assertThat(one.get("budget_usd").decimalValue()).isEqualByComparingTo("5");
    assertThat(find(all, "cfg-two").get("calls").asLong()).isEqualTo(1);
    assertThat(find(all, null).get("calls").asLong()).isEqualTo(1);

    JsonNode own = AdminCalls.json(AdminCalls.send(gw.baseUrl(), "GET", "/v1/usage", TWO, null));
    assertThat(own.get("data")).hasSize(1);
    assertThat(own.get("data").get(0).get("key_id").asText()).isEqualTo("cfg-two");
    JsonNode log = AdminCalls.json(AdminCalls.send(gw.baseUrl(), "GET", "/v1/usage/requests", TWO, null));
    assertThat(log.toString()).contains("cfg-two").doesNotContain("cfg-one");

    assertThat(AdminCalls.send(gw.baseUrl(), "GET", "/v1/usage?group_by=key,model", MASTER, null).statusCode()).isEqualTo(400);

    String metrics = AdminCalls.send(gw.baseUrl(), "GET", "/metrics", MASTER, null).body();
    assertThat(metrics).containsPattern("rec_llm_gateway_key_requests_total\\{key=\"one\"} 2")
        .containsPattern("rec_llm_gateway_key_requests_total\\{key=\"two\"} 1");
  }

  private static JsonNode find(JsonNode list, String id) {
    for (JsonNode row : list.get("data")) {
      if (id == null ? row.get("key_id").isNull() : id.equals(row.get("key_id").asText())) return row;
    }
    throw new AssertionError("no row for " + id + " in " + list);
  }
}
