package io.recllm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.json.Json;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a client reads as a cost, exactly and in plain decimal. 17 prompt tokens of gpt-4o-mini at 0.15 per
 * 1M cost 0.00000255 USD, which was 0.0000025499999999999997 in a double (2.5499999999999997E-6 in JSON);
 * 106 prompt and 100 completion tokens cost 0.0000759, which Jackson wrote as 7.59E-5.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MoneyFormatEndToEndTest {

  FakeUpstream upstream;
  GatewayHarness gw;

  @BeforeAll
  void start() throws Exception {
    upstream = FakeUpstream.start();
    gw = GatewayHarness.start("""
        providers:
          openai: { type: openai, base_url: "http://127.0.0.1:%d/v1", api_key: "${OPENAI_API_KEY}" }
        usage: { store: memory }
        """.formatted(upstream.port()), Map.of("OPENAI_API_KEY", "sk-test"));

    upstream.respondJson(200, completion("gpt-4o-mini-2024-07-18", 17, 0));
    String small = body(post("gpt-4o-mini", false));
    assertThat(small).contains("\"cost_usd\":0.00000255").doesNotContain("E-");
    assertThat(Json.MAPPER.readTree(small).at("/x_rec_llm/cost_usd").decimalValue())
        .as("still a JSON number").isEqualTo(new BigDecimal("0.00000255"));

    upstream.respondSse(stream("gpt-4o-mini-2024-07-18", 17, 0), 0);
    String streamed = body(post("gpt-4o-mini", true));
    assertThat(streamed).contains("\"cost_usd\":0.00000255").doesNotContain("E-");

    upstream.respondJson(200, completion("gpt-4o-mini-2024-07-18", 106, 100));
    assertThat(body(post("gpt-4o-mini-2024-07-18", false))).contains("\"cost_usd\":0.0000759");
  }

  @AfterAll
  void stop() throws Exception {
    gw.close();
    upstream.close();
  }

  @Test
  void usageJsonWritesTotalsAsPlainDecimalNumbers() throws Exception {
    String json = body(gw.get("/v1/usage?group_by=model"));
    assertThat(json).doesNotContain("E-")
        .contains("\"model\":\"gpt-4o-mini\",\"calls\":2,\"prompt_tokens\":34,\"completion_tokens\":0,"
            + "\"total_tokens\":34,\"cost_usd\":0.0000051,")
        .contains("\"model\":\"gpt-4o-mini-2024-07-18\",\"calls\":1,\"prompt_tokens\":106,\"completion_tokens\":100,"
            + "\"total_tokens\":206,\"cost_usd\":0.0000759,");
    JsonNode total = Json.MAPPER.readTree(json).get("total");
    assertThat(total.get("cost_usd").isNumber()).isTrue();
    assertThat(total.get("cost_usd").decimalValue()).isEqualTo(new BigDecimal("0.000081"));
  }

  @Test
  void usageCsvWritesPlainDecimals() throws Exception {
    String[] lines = body(gw.get("/v1/usage?group_by=model&format=csv")).split("\r\n");
    assertThat(lines).hasSize(3);
    assertThat(lines[0]).contains(",cost_usd,");
    assertThat(lines[1]).startsWith(",,gpt-4o-mini,2,34,0,34,0.0000051,");
    assertThat(lines[2]).startsWith(",,gpt-4o-mini-2024-07-18,1,106,100,206,0.0000759,");
  }

  @Test
  void theRequestLogHasEachCallsExactCost() throws Exception {
    String json = body(gw.get("/v1/usage/requests"));
    assertThat(json).doesNotContain("E-");
    JsonNode rows = Json.MAPPER.readTree(json).get("data");
    assertThat(rows).extracting(r -> r.get("cost_usd").decimalValue().toPlainString())
        .containsExactly("0.0000759", "0.00000255", "0.00000255");
    String csv = body(gw.get("/v1/usage/requests?format=csv"));
    assertThat(csv).contains(",0.0000759,", ",0.00000255,").doesNotContain("0.0000025499999999999997");
  }

  private HttpResponse<String> post(String model, boolean stream) throws Exception {
    return gw.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"stream\":" + stream
        + (stream ? ",\"stream_options\":{\"include_usage\":true}" : "")
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
  }

  private static String body(HttpResponse<String> resp) {
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    return resp.body();
  }

  static String completion(String model, long prompt, long completion) {
    return """
        {"id":"chatcmpl-1","object":"chat.completion","created":1744043456,"model":"%s",
         "choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}
        """.formatted(model, prompt, completion, prompt + completion);
  }

  static String stream(String model, long prompt, long completion) {
    String head = "{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"created\":1744043456,\"model\":\"" + model + "\",";
    return "data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"ok\"},"
        + "\"finish_reason\":null}],\"usage\":null}\n\n"
        + "data: " + head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
        + "data: " + head + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":"
        + completion + ",\"total_tokens\":" + (prompt + completion) + "}}\n\n"
        + "data: [DONE]\n\n";
  }
}
