package io.recllm.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.json.Json;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parameter checking, limits and auth of the usage endpoints (the answers themselves: UsageQueryContract). */
class UsageEndpointTest {

  static GatewayHarness open;
  static GatewayHarness keyed;

  @BeforeAll
  static void start() {
    open = GatewayHarness.start(Traffic.MOCK_PRICED, Map.of());
    keyed = GatewayHarness.start(Traffic.MOCK_PRICED + "api_key: sk-gateway-test\n", Map.of());
    for (int i = 0; i < 150; i++) {
      open.gateway.usage().record(new UsageRecord("r" + i, 1_700_000_000_000L + i, "openai", "gpt-4o", null, 200, false,
          TokenUsage.of(1, 1), 0, null, 5, -1, "stop", null, null));
    }
  }

  @AfterAll
  static void stop() {
    open.close();
    keyed.close();
  }

  @Test
  void theHarnessKeepsUsageInMemory() {
    assertThat(open.gateway.usage().store()).isEqualTo("memory");
  }

  @ParameterizedTest(name = "{0} -> 400 on {1}")
  @CsvSource(delimiter = '|', value = {
      "/v1/usage?date=2025-1-10                  | date",
      "/v1/usage?date=yesterday                  | date",
      "/v1/usage?from=2025-02-30                 | from",
      "/v1/usage?to=                             | to",
      "/v1/usage?from=2025-01-11&to=2025-01-10   | from",
      "/v1/usage?date=2025-01-10&from=2025-01-01 | date",
      "/v1/usage?group_by=day                    | group_by",
      "/v1/usage?group_by=date,                  | group_by",
      "/v1/usage?group_by=                       | group_by",
      "/v1/usage?format=xml                      | format",
      "/v1/usage?provider=a&provider=b           | provider",
      "/v1/usage?group-by=date                   | group-by",
      "/v1/usage?limit=5                         | limit",
      "/v1/usage/requests?limit=0                | limit",
      "/v1/usage/requests?limit=1001             | limit",
      "/v1/usage/requests?limit=ten              | limit",
      "/v1/usage/requests?date=2025-01-10        | date",
  })
  void badParametersAre400InOpenAiFormatNamingTheParameter(String path, String param) throws Exception {
    HttpResponse<String> resp = open.get(path);
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(400);
    assertThat(resp.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode error = Json.MAPPER.readTree(resp.body()).get("error");
    assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.get("param").asText()).isEqualTo(param);
    assertThat(error.get("message").asText()).isNotBlank();
    assertThat(error.get("code").asText()).isIn("invalid_value", "unknown_parameter");
  }

  @Test
  void requestLogDefaultsTo100AndAllowsUpTo1000() throws Exception {
    JsonNode rows = Json.MAPPER.readTree(open.get("/v1/usage/requests").body()).get("data");
    assertThat(rows).hasSize(UsageHandlerLimits.DEFAULT);
    assertThat(rows.get(0).get("request_id").asText()).isEqualTo("r149");
    assertThat(Json.MAPPER.readTree(open.get("/v1/usage/requests?limit=1000").body()).get("data")).hasSize(150);
    String csv = open.get("/v1/usage/requests?limit=3&format=csv").body();
    assertThat(csv.split("\r\n")).hasSize(4);
    assertThat(csv).startsWith("request_id,time,timestamp_ms,provider,model,");
  }

  @Test
  void withAGatewayKeyTheUsageEndpointsNeedIt() throws Exception {
    for (String path : new String[] {"/v1/usage", "/v1/usage/requests", "/v1/usage?format=csv"}) {
      HttpResponse<String> anonymous = keyed.get(path);
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(Json.MAPPER.readTree(anonymous.body()).path("error").path("type").asText())
          .isEqualTo("authentication_error");
      assertThat(keyed.get(path, "authorization", "Bearer wrong").statusCode()).isEqualTo(401);
      assertThat(keyed.get(path, "authorization", "Bearer sk-gateway-test").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void answersAreNotCached() throws Exception {
    assertThat(open.get("/v1/usage").headers().firstValue("cache-control")).hasValue("no-store");
  }

  /** The documented default, spelled out here so that a change to it is a visible test change. */
  static final class UsageHandlerLimits {
    static final int DEFAULT = 100;
  }
}
