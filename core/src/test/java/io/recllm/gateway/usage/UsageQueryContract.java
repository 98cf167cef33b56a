package io.recllm.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.json.Json;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What {@code Usage} and {@code GET /v1/usage} answer for a fixed set of calls, the same whichever
 * store holds them. Latencies stay under 32 ms, where the in-memory histogram is exact, so the
 * percentiles agree with PostgreSQL's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class UsageQueryContract {

  static final LocalDate D1 = LocalDate.of(2025, 1, 10);
  static final LocalDate D2 = LocalDate.of(2025, 1, 11);
  static final String FORMULA_MODEL = "=HYPERLINK(\"http://x\",\"y\")";

  GatewayHarness gw;
  Usage usage;

  /** The {@code usage:} YAML section to run with. */
  abstract String usageYaml() throws Exception;

  void cleanUp() throws Exception {}

  @BeforeAll
  void start() throws Exception {
    gw = GatewayHarness.start(Traffic.MOCK_PRICED + usageYaml(), Map.of());
    usage = gw.gateway.usage();
    int second = 0;
    usage.record(call(D1, second++, "openai", "gpt-4o", 100, 50, 0, 0.00125, 10, null));
    usage.record(call(D1, second++, "openai", "gpt-4o", 200, 80, 50, 0.0023, 30, null));
    usage.record(call(D1, second++, "anthropic", "claude-sonnet-4-5", 0, 0, 0, 0, 20, "api_error"));
    usage.record(call(D2, second++, "openai", "gpt-4o", 10, 5, 0, 0.000075, 12, null));
    usage.record(call(D2, second++, "openai", "gpt-4o-mini", 1000, 10, 200, 0.000159, 25, null));
    usage.record(call(D2, second, "mock", FORMULA_MODEL, 3, 3, 0, 0, 1, null));
    assertThat(usage.flush(Duration.ofSeconds(10))).isTrue();
  }

  @AfterAll
  void stop() throws Exception {
    gw.close();
    cleanUp();
  }

  static UsageRecord call(LocalDate day, int second, String provider, String model, long prompt, long completion,
                          long cached, double cost, long latency, String errorType) {
    long ts = day.atTime(12, 0, second).toInstant(ZoneOffset.UTC).toEpochMilli();
    return new UsageRecord("req-" + day + "-" + second, ts, provider, model, model, errorType == null ? 200 : 500, false,
        new TokenUsage(prompt, completion, prompt + completion, cached, 0, 0, false), cost,
        cost > 0 ? "config:" + model : null, latency, -1, errorType == null ? "stop" : null, errorType,
        errorType == null ? null : "upstream failed");
  }

  @Test
  void getAllHasOneRowPerDateProviderAndModelInOrder() {
    List<UsageStats> all = usage.getAll();
    assertThat(all).extracting(UsageStats::date, UsageStats::provider, UsageStats::model).containsExactly(
        org.assertj.core.groups.Tuple.tuple(D1, "anthropic", "claude-sonnet-4-5"),
        org.assertj.core.groups.Tuple.tuple(D1, "openai", "gpt-4o"),
        org.assertj.core.groups.Tuple.tuple(D2, "mock", FORMULA_MODEL),
        org.assertj.core.groups.Tuple.tuple(D2, "openai", "gpt-4o"),
        org.assertj.core.groups.Tuple.tuple(D2, "openai", "gpt-4o-mini"));
    UsageStats gpt4o = all.get(1);
    assertThat(gpt4o.calls()).isEqualTo(2);
    assertThat(gpt4o.promptTokens()).isEqualTo(300);
    assertThat(gpt4o.completionTokens()).isEqualTo(130);
    assertThat(gpt4o.totalTokens()).isEqualTo(430);
    assertThat(gpt4o.cachedTokens()).isEqualTo(50);
    assertThat(gpt4o.costUsd()).isEqualTo(0.00355);
    assertThat(gpt4o.avgLatencyMs()).isEqualTo(20.0);
    assertThat(gpt4o.p50LatencyMs()).isEqualTo(10L);
    assertThat(gpt4o.p95LatencyMs()).isEqualTo(30L);
    assertThat(gpt4o.errors()).isZero();
    assertThat(all.get(0).errors()).isEqualTo(1);
    assertThatThrownBy(() -> all.add(gpt4o)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void getByDateAndGetByProvider() {
    assertThat(usage.getByDate(D1)).extracting(UsageStats::model).containsExactly("claude-sonnet-4-5", "gpt-4o");
    assertThat(usage.getByDate(D2.plusDays(1))).isEmpty();
    assertThat(usage.getByProvider("openai")).extracting(UsageStats::date, UsageStats::model).containsExactly(
        org.assertj.core.groups.Tuple.tuple(D1, "gpt-4o"),
        org.assertj.core.groups.Tuple.tuple(D2, "gpt-4o"),
        org.assertj.core.groups.Tuple.tuple(D2, "gpt-4o-mini"));
    assertThat(usage.getByProvider("nobody")).isEmpty();
  }

  @Test
  void totalAcrossEverything() {
    UsageStats total = usage.total(UsageQuery.all());
    assertThat(total.date()).isNull();
    assertThat(total.calls()).isEqualTo(6);
    assertThat(total.errors()).isEqualTo(1);
    assertThat(total.promptTokens()).isEqualTo(1313);
    assertThat(total.cachedTokens()).isEqualTo(250);
    assertThat(total.costUsd()).isCloseTo(0.003784, within(1e-12));
    assertThat(total.p50LatencyMs()).isEqualTo(12L);
    assertThat(total.p95LatencyMs()).isEqualTo(30L);
    UsageStats none = usage.total(UsageQuery.all().provider("nobody"));
    assertThat(none.calls()).isZero();
    assertThat(none.p50LatencyMs()).isNull();
  }

  @Test
  void httpFiltersByDateRangeProviderAndModel() throws Exception {
    assertThat(data("/v1/usage?date=2025-01-10")).extracting(n -> n.get("model").asText())
        .containsExactly("claude-sonnet-4-5", "gpt-4o");
    assertThat(data("/v1/usage?from=2025-01-11")).hasSize(3);
    assertThat(data("/v1/usage?to=2025-01-10")).hasSize(2);
    assertThat(data("/v1/usage?from=2025-01-10&to=2025-01-11")).hasSize(5);
    assertThat(data("/v1/usage?from=2025-01-12")).isEmpty();
    assertThat(data("/v1/usage?provider=openai")).hasSize(3);
    assertThat(data("/v1/usage?model=gpt-4o")).extracting(n -> n.get("date").asText())
        .containsExactly("2025-01-10", "2025-01-11");
    List<JsonNode> one = data("/v1/usage?provider=openai&model=gpt-4o&date=2025-01-10");
    assertThat(one).hasSize(1);
    JsonNode row = one.get(0);
    assertThat(row.get("calls").asLong()).isEqualTo(2);
    assertThat(row.get("prompt_tokens").asLong()).isEqualTo(300);
    assertThat(row.get("completion_tokens").asLong()).isEqualTo(130);
    assertThat(row.get("total_tokens").asLong()).isEqualTo(430);
    assertThat(row.get("cost_usd").asDouble()).isEqualTo(0.00355);
    assertThat(row.get("avg_latency_ms").asDouble()).isEqualTo(20.0);
    assertThat(row.get("cached_tokens").asLong()).isEqualTo(50);
    assertThat(row.get("errors").asLong()).isZero();
    assertThat(row.get("p50_latency_ms").asLong()).isEqualTo(10);
    assertThat(row.get("p95_latency_ms").asLong()).isEqualTo(30);
  }

  @Test
  void httpGroupsByAnyDimensions() throws Exception {
    List<JsonNode> byDate = data("/v1/usage?group_by=date");
    assertThat(byDate).extracting(n -> n.get("date").asText() + "=" + n.get("calls").asLong() + "/" + n.get("errors").asLong())
        .containsExactly("2025-01-10=3/1", "2025-01-11=3/0");
    assertThat(byDate.get(0).get("provider").isNull()).isTrue();
    assertThat(byDate.get(0).get("model").isNull()).isTrue();

    assertThat(data("/v1/usage?group_by=provider")).extracting(n -> n.get("provider").asText() + "=" + n.get("calls").asLong())
        .containsExactly("anthropic=1", "mock=1", "openai=4");
    assertThat(data("/v1/usage?group_by=model")).extracting(n -> n.get("model").asText() + "=" + n.get("calls").asLong())
        .containsExactly(FORMULA_MODEL + "=1", "claude-sonnet-4-5=1", "gpt-4o=3", "gpt-4o-mini=1");
    List<JsonNode> providerModel = data("/v1/usage?group_by=provider,model&provider=openai");
    assertThat(providerModel).extracting(n -> n.get("model").asText() + "=" + n.get("total_tokens").asLong())
        .containsExactly("gpt-4o=445", "gpt-4o-mini=1010");
    assertThat(data("/v1/usage?group_by=date&group_by=provider")).hasSize(4);

    JsonNode body = get("/v1/usage?group_by=date&from=2025-01-11");
    assertThat(body.get("group_by")).hasToString("[\"date\"]");
    assertThat(body.get("from").asText()).isEqualTo("2025-01-11");
    assertThat(body.get("to").isNull()).isTrue();
    assertThat(body.get("total").get("calls").asLong()).isEqualTo(3);
    assertThat(body.get("total").has("date")).isFalse();
  }

  @Test
  void httpCsvHasAHeaderAndOneLinePerRow() throws Exception {
    HttpResponse<String> resp = gw.get("/v1/usage?format=csv&date=2025-01-11");
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("content-type")).hasValue("text/csv; charset=utf-8");
    assertThat(resp.body().split("\r\n")).containsExactly(
        "date,provider,model,calls,prompt_tokens,completion_tokens,total_tokens,cost_usd,avg_latency_ms,errors,"
            + "cached_tokens,p50_latency_ms,p95_latency_ms,endpoint,cache_hits,saved_usd",
        // a client-chosen model name must not become a spreadsheet formula
        "2025-01-11,mock,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",1,3,3,6,0,1.0,0,0,1,1,,0,0",
        "2025-01-11,openai,gpt-4o,1,10,5,15,0.000075,12.0,0,0,12,12,,0,0",
        "2025-01-11,openai,gpt-4o-mini,1,1000,10,1010,0.000159,25.0,0,200,25,25,,0,0");
    String grouped = gw.get("/v1/usage?format=csv&group_by=provider").body();
    assertThat(grouped.split("\r\n")[3]).startsWith(",openai,,4,1310,145,1455,0.003784,");
  }

  /** Jackson writes a double below 0.001 in exponent notation (7.5E-5); costs are plain decimals. */
  @Test
  void costsAreWrittenAsPlainDecimals() throws Exception {
    String totals = gw.get("/v1/usage?date=2025-01-11&provider=openai").body();
    assertThat(totals).contains("\"cost_usd\":0.000075,", "\"cost_usd\":0.000159,", "\"cost_usd\":0.000234,")
        .doesNotContain("E-");
    String requests = gw.get("/v1/usage/requests").body();
    assertThat(requests).contains("\"cost_usd\":0.000075,", "\"cost_usd\":0.0023,", "\"cost_usd\":0,")
        .doesNotContain("E-");
  }

  @Test
  void requestLogIsNewestFirstWithEveryField() throws Exception {
    JsonNode rows = get("/v1/usage/requests?limit=2").get("data");
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).get("request_id").asText()).isEqualTo("req-2025-01-11-5");
    JsonNode r = rows.get(1);
    assertThat(r.get("request_id").asText()).isEqualTo("req-2025-01-11-4");
    assertThat(r.get("time").asText()).isEqualTo("2025-01-11T12:00:04Z");
    assertThat(r.get("provider").asText()).isEqualTo("openai");
    assertThat(r.get("model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(r.get("status").asInt()).isEqualTo(200);
    assertThat(r.get("prompt_tokens").asLong()).isEqualTo(1000);
    assertThat(r.get("cached_tokens").asLong()).isEqualTo(200);
    assertThat(r.get("cost_usd").asDouble()).isEqualTo(0.000159);
    assertThat(r.get("price_version").asText()).isEqualTo("config:gpt-4o-mini");
    assertThat(r.get("latency_ms").asLong()).isEqualTo(25);
    assertThat(r.get("ttft_ms").isNull()).isTrue();
    assertThat(r.get("finish_reason").asText()).isEqualTo("stop");
    assertThat(r.get("estimated").asBoolean()).isFalse();
    assertThat(r.has("client_key_id")).isTrue();
    assertThat(r.get("request_content").isNull()).isTrue();

    List<RequestLogEntry> all = usage.recentRequests(1000);
    assertThat(all).hasSize(6);
    RequestLogEntry failed = all.stream().filter(e -> e.provider().equals("anthropic")).findFirst().orElseThrow();
    assertThat(failed.status()).isEqualTo(500);
    assertThat(failed.errorType()).isEqualTo("api_error");
    assertThat(failed.errorMessage()).isEqualTo("upstream failed");
  }

  JsonNode get(String path) throws Exception {
    HttpResponse<String> resp = gw.get(path);
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    return Json.MAPPER.readTree(resp.body());
  }

  List<JsonNode> data(String path) throws Exception {
    List<JsonNode> out = new java.util.ArrayList<>();
    get(path).get("data").forEach(out::add);
    return out;
  }
}
