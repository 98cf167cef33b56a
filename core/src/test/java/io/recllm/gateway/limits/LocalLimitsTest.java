package io.recllm.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.usage.UsageRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One node, in-process counters, keys from the config file. The mock echoes the last message: "hello
 * there" is 9 prompt tokens and a 2-token answer, so with {@code max_tokens: 2} a call's worst case is
 * exactly what it uses: 9 x 1 + 2 x 2 = 13 micro-USD at the prices below.
 */
class LocalLimitsTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final String MASTER = "sk-test-fake-master-key";
  static final String KEY = "sk-test-fake-virtual-key-0001";
  static final long CALL_NANO_USD = 13_000;

  GatewayHarness gw;

  @AfterEach
  void stop() {
    if (gw != null) gw.close();
  }

  static String config(String limits, String mockExtra) {
    return """
        api_key: %s
        providers: { mock: { type: mock, models: [echo]%s } }
        default_provider: mock
        pricing: { echo: { input: 1.0, output: 2.0 } }
        keys:
          app: { key: %s, %s }
        """.formatted(MASTER, mockExtra, KEY, limits);
  }

  static HttpResponse<String> call(GatewayHarness gw, String key, boolean stream) throws Exception {
    return HTTP.send(request(gw.baseUrl(), key, stream), HttpResponse.BodyHandlers.ofString());
  }

  static HttpRequest request(String baseUrl, String key, boolean stream) {
    return HttpRequest.newBuilder(URI.create(baseUrl + "/v1/chat/completions")).timeout(Duration.ofSeconds(60))
        .header("authorization", "Bearer " + key).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"mock:echo\",\"max_tokens\":2,\"stream\":" + stream
            + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}")).build();
  }

  static JsonNode error(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body()).get("error");
  }

  @Test
  void requestsPerMinuteRefuseTheCallOverTheLimitWithOpenAisHeaders() throws Exception {
    gw = GatewayHarness.start(config("rpm: 3", ""), Map.of());
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> ok = call(gw, KEY, false);
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
      assertThat(ok.headers().firstValue("x-ratelimit-limit-requests")).hasValue("3");
      assertThat(ok.headers().firstValue("x-ratelimit-remaining-requests")).hasValue(String.valueOf(2 - i));
      assertThat(ok.headers().firstValue("x-ratelimit-reset-requests")).isPresent();
    }
    HttpResponse<String> refused = call(gw, KEY, false);
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(error(refused).get("type").asText()).isEqualTo("rate_limit_error");
    assertThat(error(refused).get("code").asText()).isEqualTo("rate_limit_exceeded");
    assertThat(refused.headers().firstValue("retry-after").map(Integer::parseInt).orElse(0)).isBetween(1, 60);
    assertThat(refused.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
    // the master key has no limits
    assertThat(call(gw, MASTER, false).statusCode()).isEqualTo(200);
    assertThat(call(gw, MASTER, false).headers().firstValue("x-ratelimit-limit-requests")).isEmpty();
  }

  @Test
  void tokensPerMinuteCountThePromptAndTheReservedOutput() throws Exception {
    gw = GatewayHarness.start(config("tpm: 30", ""), Map.of()); // 11 tokens a call: two fit
    assertThat(call(gw, KEY, false).statusCode()).isEqualTo(200);
    HttpResponse<String> second = call(gw, KEY, false);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.headers().firstValue("x-ratelimit-remaining-tokens")).hasValue("8");
    HttpResponse<String> third = call(gw, KEY, false);
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(error(third).get("message").asText()).contains("tokens per minute");
  }

  /** A Responses call's prompt is its instructions and input, not chat's messages: a long input needs more than the limit. */
  @Test
  void tokensPerMinuteCountAResponsesCallsInput() throws Exception {
    gw = GatewayHarness.start(config("tpm: 30", ""), Map.of());
    String longInput = "hello there ".repeat(20);
    HttpResponse<String> small = HTTP.send(responses(gw.baseUrl(), "\"hello there\""), HttpResponse.BodyHandlers.ofString());
    assertThat(small.statusCode()).as(small.body()).isEqualTo(200);
    HttpResponse<String> large = HTTP.send(responses(gw.baseUrl(), "[{\"role\":\"user\",\"content\":\"" + longInput + "\"}]"),
        HttpResponse.BodyHandlers.ofString());
    assertThat(large.statusCode()).isEqualTo(429);
    UsageRecord r = gw.recordFor(small.headers().firstValue("x-request-id").orElseThrow());
    assertThat(r.endpoint()).isEqualTo("responses");
    assertThat(r.clientKeyId()).isEqualTo("cfg-app");
  }

  static HttpRequest responses(String baseUrl, String input) {
    return HttpRequest.newBuilder(URI.create(baseUrl + "/v1/responses")).timeout(Duration.ofSeconds(60))
        .header("authorization", "Bearer " + KEY).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"mock:echo\",\"max_output_tokens\":2,\"input\":" + input + "}"))
        .build();
  }

  @Test
  void theBudgetRefusesTheCallThatWouldExceedIt() throws Exception {
    gw = GatewayHarness.start(config("budget_usd: 0.000039", ""), Map.of()); // 3 calls of 13 micro-USD
    for (int i = 0; i < 3; i++) assertThat(call(gw, KEY, i == 1).statusCode()).isEqualTo(200);
    HttpResponse<String> refused = call(gw, KEY, false);
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(error(refused).get("type").asText()).isEqualTo("insufficient_quota");
    assertThat(error(refused).get("code").asText()).isEqualTo("budget_exceeded");
    List<UsageRecord> records = gw.awaitRecords(4);
    assertThat(records).allSatisfy(r -> assertThat(r.clientKeyId()).isEqualTo("cfg-app"));
    assertThat(records.stream().mapToLong(UsageRecord::costNanoUsd).sum()).isEqualTo(3 * CALL_NANO_USD);
  }

  @Test
  void aRestartedNodeCountsWhatTheKeySpentBefore(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    String yaml = config("budget_usd: 0.000039, budget_period: daily", "") // 3 calls of 13 micro-USD
        + "usage: { store: \"sqlite:" + dir.resolve("usage.db") + "\" }\n";
    gw = GatewayHarness.start(yaml, Map.of());
    assertThat(call(gw, KEY, false).statusCode()).isEqualTo(200);
    assertThat(call(gw, KEY, false).statusCode()).isEqualTo(200);
    gw.close();
    gw = GatewayHarness.start(yaml, Map.of());
    assertThat(call(gw, KEY, false).statusCode()).isEqualTo(200);
    HttpResponse<String> refused = call(gw, KEY, false);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
    assertThat(error(refused).get("code").asText()).isEqualTo("budget_exceeded");
  }

  @Test
  void aReservationIsSettledToTheRealCostSoTheRestOfTheBudgetStaysUsable() throws Exception {
    // max_tokens 2 costs 13 micro-USD at worst; the budget fits one such worst case plus a settled call of 13
    gw = GatewayHarness.start(config("budget_usd: 0.000026", ""), Map.of());
    assertThat(call(gw, KEY, false).statusCode()).isEqualTo(200);
    assertThat(call(gw, KEY, false).statusCode()).isEqualTo(200);
    assertThat(call(gw, KEY, false).statusCode()).isEqualTo(429);
  }

  @Test
  void parallelCallsOverTheLimitAreRefusedWhileOneIsInFlight() throws Exception {
    gw = GatewayHarness.start(config("max_parallel: 1", ", delay_ms: 3000"), Map.of());
    CompletableFuture<HttpResponse<String>> first = HTTP.sendAsync(request(gw.baseUrl(), KEY, false),
        HttpResponse.BodyHandlers.ofString());
    long t0 = System.nanoTime();
    java.util.regex.Pattern oneActive = java.util.regex.Pattern.compile("(?m)^rec_llm_gateway_requests_active(\\{[^}]*})? 1(\\.0)?$");
    while (!oneActive.matcher(gw.get("/metrics").body()).find()) { // the first is in flight
      assertThat(System.nanoTime() - t0).isLessThan(3_000_000_000L);
      Thread.sleep(20);
    }
    HttpResponse<String> second = call(gw, KEY, false);
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(error(second).get("message").asText()).contains("parallel");
    assertThat(first.get().statusCode()).isEqualTo(200);
    assertThat(call(gw, KEY, false).statusCode()).isEqualTo(200); // released when the first was recorded
  }

  @Test
  void withoutKeysNothingChanges() throws Exception {
    gw = GatewayHarness.start("api_key: " + MASTER + "\n", Map.of());
    HttpResponse<String> r = call(gw, MASTER, false);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().map().keySet()).noneMatch(h -> h.startsWith("x-ratelimit"));
    assertThat(io.recllm.gateway.keys.Keys.openIfUsed(gw.gateway.config())).isNull();
  }
}
