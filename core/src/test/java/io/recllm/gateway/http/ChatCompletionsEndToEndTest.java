package io.recllm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.TokenCounter;
import io.recllm.gateway.usage.UsageRecord;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Non-streaming calls through the real HTTP server against a fake OpenAI upstream replaying recorded answers. */
class ChatCompletionsEndToEndTest {

  static FakeUpstream upstream;
  static GatewayHarness gw;

  static final String HELLO = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}";

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeUpstream.start();
    String base = "http://127.0.0.1:" + upstream.port() + "/v1";
    gw = GatewayHarness.start("""
        providers:
          openai:  { type: openai, base_url: "%s", api_key: "${OPENAI_API_KEY}" }
          local:   { type: openai, base_url: "%s" }
          nokey:   { type: openai, base_url: "%s", api_key: "${NOKEY_API_KEY}" }
          down:    { type: openai, base_url: "http://127.0.0.1:1/v1" }
          slow:    { type: openai, base_url: "%s", timeouts: { first_byte_ms: 5000, total_ms: 500 } }
        timeouts: { first_byte_ms: 400 }
        limits: { max_body_bytes: 4096 }
        usage: { store: memory }
        """.formatted(base, base, base, base), Map.of("OPENAI_API_KEY", "sk-upstream-secret"));
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
    upstream.close();
  }

  @BeforeEach
  void clear() {
    upstream.reset();
    gw.records.clear();
  }

  @Test
  void passesTheRecordedAnswerThroughWithExtensionsAndCost() throws Exception {
    upstream.respondJson(200, Fixtures.read("openai/chat_completion_text.json"), "x-request-id", "req_upstream_1");
    HttpResponse<String> resp = gw.post("/v1/chat/completions", HELLO, "x-request-id", "client-req-7");

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("x-request-id")).hasValue("client-req-7");
    JsonNode body = Json.MAPPER.readTree(resp.body());
    JsonNode recorded = Json.MAPPER.readTree(Fixtures.read("openai/chat_completion_text.json"));
    assertThat(body.get("choices")).isEqualTo(recorded.get("choices"));
    assertThat(body.get("usage")).isEqualTo(recorded.get("usage"));
    assertThat(body.get("id").asText()).isEqualTo("chatcmpl-BJjf61mLb9z5H45ClJzbx0UWKwjo1");
    assertThat(body.path("x_rec_llm").path("provider").asText()).isEqualTo("openai");
    assertThat(body.path("x_rec_llm").path("latency_ms").isIntegralNumber()).isTrue();
    // gpt-4o-2024-08-06 at $2.50 / $10.00 per 1M tokens: 24 prompt + 8 completion tokens
    assertThat(body.path("x_rec_llm").path("cost_usd").asDouble()).isCloseTo(24 * 2.5e-6 + 8 * 10e-6, org.assertj.core.data.Offset.offset(1e-12));

    UsageRecord r = gw.recordFor(resp);
    assertThat(r.requestId()).isEqualTo("client-req-7");
    assertThat(r.provider()).isEqualTo("openai");
    assertThat(r.model()).isEqualTo("gpt-4o");
    assertThat(r.responseModel()).isEqualTo("gpt-4o-2024-08-06");
    assertThat(r.usage().promptTokens()).isEqualTo(24);
    assertThat(r.usage().completionTokens()).isEqualTo(8);
    assertThat(r.finishReason()).isEqualTo("stop");
    assertThat(r.priceVersion()).startsWith("builtin:gpt-4o");
  }

  @Test
  void anAnswerWithoutUsageIsRecordedWithEstimatedTokensAndPassedOnAsSent() throws Exception {
    ObjectNode text = (ObjectNode) Json.MAPPER.readTree(Fixtures.read("openai/chat_completion_text.json"));
    text.remove("usage");
    upstream.respondJson(200, text.toString());
    HttpResponse<String> resp = gw.post("/v1/chat/completions", HELLO, "x-request-id", "no-usage-1");

    assertThat(resp.statusCode()).isEqualTo(200);
    JsonNode body = Json.MAPPER.readTree(resp.body());
    assertThat(body.has("usage")).as("the client gets the answer as the upstream sent it").isFalse();
    assertThat(body.get("choices")).isEqualTo(text.get("choices"));
    UsageRecord r = gw.recordFor(resp);
    assertThat(r.usage().estimated()).isTrue();
    assertThat(r.usage().promptTokens()).isEqualTo(TokenCounter.countPrompt(Json.MAPPER.readTree(HELLO).get("messages")));
    assertThat(r.usage().completionTokens()).isEqualTo(TokenCounter.count("The capital of France is Paris."));
    assertThat(r.usage().totalTokens()).isEqualTo(r.usage().promptTokens() + r.usage().completionTokens());
    assertThat(r.costUsd()).as("priced like counted tokens").isGreaterThan(0);

    JsonNode row = null;
    long deadline = System.currentTimeMillis() + 10_000;
    while (row == null && System.currentTimeMillis() < deadline) {
      for (JsonNode e : Json.MAPPER.readTree(gw.get("/v1/usage/requests").body()).get("data")) {
        if (e.get("request_id").asText().equals("no-usage-1")) row = e;
      }
      if (row == null) Thread.sleep(20);
    }
    assertThat(row).as("the request log lists the call").isNotNull();
    assertThat(row.get("estimated").asBoolean()).isTrue();
    assertThat(row.get("total_tokens").asLong()).isEqualTo(r.usage().totalTokens());

    // a tool call's name and arguments are its output
    ObjectNode tools = (ObjectNode) Json.MAPPER.readTree(Fixtures.read("openai/chat_completion_tool_calls.json"));
    tools.remove("usage");
    upstream.respondJson(200, tools.toString());
    UsageRecord t = gw.recordFor(gw.post("/v1/chat/completions", HELLO));
    assertThat(t.usage().estimated()).isTrue();
    assertThat(t.usage().completionTokens()).isEqualTo(TokenCounter.count("get_user_country{}"));
  }

  @Test
  void forwardsEveryFieldUntouchedAndOnlyRewritesTheModel() throws Exception {
    upstream.respondJson(200, Fixtures.read("openai/chat_completion_tool_calls.json"));
    String request = """
        {"model":"openai:gpt-4o-mini","messages":[{"role":"user","content":"hi","name":"bob"}],
         "temperature":0.25,"max_tokens":12,"max_completion_tokens":13,"top_p":0.5,"frequency_penalty":0.1,
         "presence_penalty":0.2,"stop":["x"],"n":2,"seed":42,"user":"u1","tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],
         "tool_choice":"auto","response_format":{"type":"json_object"},"logprobs":true,"a_field_from_the_future":{"x":[1,2.50,"3"]}}""";
    HttpResponse<String> resp = gw.post("/v1/chat/completions", request, "authorization", "Bearer client-key-must-not-leak");
    assertThat(resp.statusCode()).isEqualTo(200);

    FakeUpstream.Received sent = upstream.lastRequest();
    assertThat(sent.path()).isEqualTo("/v1/chat/completions");
    JsonNode expected = Json.MAPPER.readTree(request);
    ((com.fasterxml.jackson.databind.node.ObjectNode) expected).put("model", "gpt-4o-mini");
    assertThat(Json.MAPPER.readTree(sent.body())).isEqualTo(expected);
    assertThat(sent.headers().get("authorization")).isEqualTo("Bearer sk-upstream-secret");
    assertThat(sent.headers().toString()).doesNotContain("client-key-must-not-leak");
  }

  @Test
  void unchangedBodiesTravelAsTheExactBytesBothWays() throws Exception {
    String answer = Fixtures.read("openai/chat_completion_text.json");
    upstream.respondJson(200, answer);
    String request = "{ \"model\" : \"gpt-4o\", \"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}], \"temperature\": 1.50 }";
    HttpResponse<String> resp = gw.post("/v1/chat/completions", request);
    assertThat(upstream.lastRequest().body()).as("bare model: the client's bytes go upstream as sent").isEqualTo(request);
    String closing = answer.stripTrailing();
    assertThat(resp.body()).as("the upstream's bytes come back with x_rec_llm added at the end")
        .startsWith(closing.substring(0, closing.length() - 1))
        .contains(",\"x_rec_llm\":{\"provider\":\"openai\"");
    assertThat(Json.MAPPER.readTree(resp.body()).get("x_rec_llm").get("provider").asText()).isEqualTo("openai");
  }

  @Test
  void anUpstreamGatewaysOwnExtensionIsReplacedNotRepeated() throws Exception {
    String answer = Fixtures.read("openai/chat_completion_text.json").stripTrailing();
    upstream.respondJson(200, answer.substring(0, answer.length() - 1) + ",\"x_rec_llm\":{\"provider\":\"far-away\"}}");
    String body = gw.post("/v1/chat/completions",
        "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").body();
    assertThat(body.split("x_rec_llm", -1)).hasSize(2);
    assertThat(Json.MAPPER.readTree(body).at("/x_rec_llm/provider").asText()).isEqualTo("openai");
  }

  @Test
  void modelNamesWithColonsReachTheDefaultProviderIntact() throws Exception {
    upstream.respondJson(200, Fixtures.read("openai/chat_completion_text.json"));
    for (String model : new String[] {"ft:gpt-4o-mini:acme:custom:id", "llama3:8b"}) {
      gw.post("/v1/chat/completions", HELLO.replace("gpt-4o", model));
      assertThat(Json.MAPPER.readTree(upstream.lastRequest().body()).get("model").asText()).isEqualTo(model);
    }
  }

  @Test
  void aProviderWithoutKeyNeedsNoneAndSendsNoAuthorization() throws Exception {
    upstream.respondJson(200, Fixtures.read("openai/chat_completion_text.json"));
    HttpResponse<String> resp = gw.post("/v1/chat/completions", HELLO.replace("gpt-4o", "local:llama3:8b"));
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(upstream.lastRequest().headers().get("authorization")).isNull();
    assertThat(Json.MAPPER.readTree(upstream.lastRequest().body()).get("model").asText()).isEqualTo("llama3:8b");
  }

  @Test
  void missingProviderKeyIs500NamingTheVariable() throws Exception {
    HttpResponse<String> resp = gw.post("/v1/chat/completions", HELLO.replace("gpt-4o", "nokey:gpt-4o"));
    assertError(resp, 500, "api_error", "missing_api_key");
    assertThat(error(resp).get("message").asText())
        .isEqualTo("Missing API key for provider \"nokey\": set NOKEY_API_KEY");
    assertThat(upstream.requests()).isEmpty();
  }

  @Test
  void badJsonIs400() throws Exception {
    assertError(gw.post("/v1/chat/completions", "{\"model\": "), 400, "invalid_request_error", "invalid_json");
    assertError(gw.post("/v1/chat/completions", "[1,2]"), 400, "invalid_request_error", "invalid_json");
    assertError(gw.post("/v1/chat/completions", ""), 400, "invalid_request_error", "invalid_json");
  }

  @Test
  void badFieldsAre400NamingTheField() throws Exception {
    assertParam(gw.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), "model");
    assertParam(gw.post("/v1/chat/completions", "{\"model\":\"\",\"messages\":[{\"role\":\"user\"}]}"), "model");
    assertParam(gw.post("/v1/chat/completions", "{\"model\":7,\"messages\":[{\"role\":\"user\"}]}"), "model");
    assertParam(gw.post("/v1/chat/completions", "{\"model\":\"gpt-4o\"}"), "messages");
    assertParam(gw.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}"), "messages");
    assertParam(gw.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":{}}"), "messages");
    assertParam(gw.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[\"hi\"]}"), "messages[0]");
    assertParam(gw.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\"},{\"content\":\"x\"}]}"),
        "messages[1].role");
    assertParam(gw.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":5}]}"), "messages[0].role");
    assertParam(gw.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\"}]}"),
        "stream");
    assertThat(upstream.requests()).isEmpty();
  }

  @Test
  void unconfiguredWellKnownProviderIs400ListingConfiguredOnes() throws Exception {
    HttpResponse<String> resp = gw.post("/v1/chat/completions", HELLO.replace("gpt-4o", "gemini:gemini-2.0-flash"));
    assertError(resp, 400, "invalid_request_error", "provider_not_configured");
    assertThat(error(resp).get("message").asText()).contains("openai", "local", "mock", "providers:");
  }

  @Test
  void bodyOverTheLimitIs413() throws Exception {
    String big = HELLO.replace("Hello!", "x".repeat(5000));
    assertError(gw.post("/v1/chat/completions", big), 413, "invalid_request_error", "request_too_large");
    assertThat(upstream.requests()).isEmpty();
  }

  @Test
  void upstreamRateLimitIs429WithRetryAfterPassedThrough() throws Exception {
    upstream.respondJson(429, Fixtures.read("openai/error_429_rate_limit_exceeded.json"), "retry-after", "27");
    HttpResponse<String> resp = gw.post("/v1/chat/completions", HELLO);
    assertError(resp, 429, "tokens", "rate_limit_exceeded");
    assertThat(resp.headers().firstValue("retry-after")).hasValue("27");
    assertThat(error(resp).get("message").asText()).startsWith("Rate limit reached for gpt-4");
    UsageRecord r = gw.recordFor(resp);
    assertThat(r.status()).isEqualTo(429);
    assertThat(r.errorType()).isEqualTo("tokens");
  }

  @Test
  void upstream4xxKeepStatusAndProviderMessage() throws Exception {
    upstream.respondJson(401, Fixtures.read("openai/error_401_invalid_api_key.json"));
    HttpResponse<String> resp = gw.post("/v1/chat/completions", HELLO);
    assertError(resp, 401, "invalid_request_error", "invalid_api_key");
    assertThat(error(resp).get("message").asText()).startsWith("Incorrect API key provided");

    upstream.respondJson(404, Fixtures.read("openai/error_404_model_not_found.json"));
    resp = gw.post("/v1/chat/completions", HELLO);
    assertError(resp, 404, "invalid_request_error", "model_not_found");

    upstream.respondJson(400, Fixtures.read("openai/error_400_context_length_exceeded.json"));
    resp = gw.post("/v1/chat/completions", HELLO);
    assertError(resp, 400, "invalid_request_error", "context_length_exceeded");
    assertThat(error(resp).get("param").asText()).isEqualTo("messages");
  }

  @Test
  void upstream5xxIs500ApiErrorWithProviderMessage() throws Exception {
    upstream.respondJson(503, "{\"error\":{\"message\":\"The engine is currently overloaded\",\"type\":\"server_error\"}}");
    HttpResponse<String> resp = gw.post("/v1/chat/completions", HELLO);
    assertThat(resp.statusCode()).isEqualTo(500);
    assertThat(error(resp).get("type").asText()).isEqualTo("api_error");
    assertThat(error(resp).get("message").asText()).isEqualTo("The engine is currently overloaded");

    upstream.respond((req, b) -> req.response().setStatusCode(502).end("<html>Bad Gateway</html>"));
    resp = gw.post("/v1/chat/completions", HELLO);
    assertThat(resp.statusCode()).isEqualTo(500);
    assertThat(error(resp).get("message").asText()).contains("502", "Bad Gateway");
  }

  @Test
  void unreachableUpstreamIs500() throws Exception {
    HttpResponse<String> resp = gw.post("/v1/chat/completions", HELLO.replace("gpt-4o", "down:m"));
    assertError(resp, 500, "api_error", "upstream_unreachable");
    assertThat(error(resp).get("message").asText()).contains("\"down\"", "127.0.0.1:1");
  }

  @Test
  void silentUpstreamIs504AfterTheFirstByteTimeout() throws Exception {
    upstream.stall();
    int closedBefore = upstream.closedConnections();
    HttpResponse<String> resp = gw.post("/v1/chat/completions", HELLO);
    assertError(resp, 504, "timeout_error", "first_byte_timeout");
    long deadline = System.currentTimeMillis() + 5000;
    while (upstream.closedConnections() <= closedBefore && System.currentTimeMillis() < deadline) Thread.sleep(10);
    assertThat(upstream.closedConnections()).as("the timed-out upstream connection is released").isGreaterThan(closedBefore);
  }

  @Test
  void answerThatNeverFinishesIs504AfterTheTotalTimeout() throws Exception {
    upstream.respond((req, b) -> req.response().setChunked(true).putHeader("content-type", "application/json")
        .write("{\"id\":\"chatcmpl-1\",")); // headers and half a body, then silence
    HttpResponse<String> resp = gw.post("/v1/chat/completions", HELLO.replace("gpt-4o", "slow:gpt-4o"));
    assertError(resp, 504, "timeout_error", "total_timeout");
    assertThat(error(resp).get("message").asText()).contains("500 ms", "timeouts.total_ms");
  }

  @Test
  void modelsHealthAndUnknownRoutes() throws Exception {
    HttpResponse<String> models = gw.get("/v1/models");
    assertThat(models.statusCode()).isEqualTo(200);
    JsonNode list = Json.MAPPER.readTree(models.body());
    assertThat(list.get("object").asText()).isEqualTo("list");
    assertThat(list.get("data").findValuesAsText("id")).contains("mock:echo");
    assertThat(gw.get("/health").body()).contains("ok");
    assertError(gw.get("/v1/nothing-here"), 404, "invalid_request_error", "unknown_url");
  }

  @Test
  void mockAnswersOfflineAndDeterministically() throws Exception {
    String req = "{\"model\":\"mock:echo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}";
    JsonNode a = Json.MAPPER.readTree(gw.post("/v1/chat/completions", req).body());
    JsonNode b = Json.MAPPER.readTree(gw.post("/v1/chat/completions", req).body());
    assertThat(a.get("object").asText()).isEqualTo("chat.completion");
    assertThat(a.at("/choices/0/message/content").asText()).isEqualTo("Hello!");
    assertThat(a.get("choices")).isEqualTo(b.get("choices"));
    assertThat(a.get("usage")).isEqualTo(b.get("usage"));
    assertThat(a.at("/usage/completion_tokens").asInt()).isEqualTo(2); // "Hello" "!" in o200k_base
    assertError(gw.post("/v1/chat/completions", req.replace("mock:echo", "mock:error-429")), 429, "mock_error", "mock_429");
  }

  @Test
  void requestIdIsGeneratedWhenAbsentAndReturnedOnErrorsToo() throws Exception {
    HttpResponse<String> resp = gw.get("/v1/models");
    assertThat(resp.headers().firstValue("x-request-id")).hasValueSatisfying(id -> assertThat(id).startsWith("req_"));
    resp = gw.post("/v1/chat/completions", "nope", "x-request-id", "bad id with spaces");
    assertThat(resp.statusCode()).isEqualTo(400);
    assertThat(resp.headers().firstValue("x-request-id")).hasValueSatisfying(id -> assertThat(id).startsWith("req_"));
  }

  static JsonNode error(HttpResponse<String> resp) throws Exception {
    return Json.MAPPER.readTree(resp.body()).get("error");
  }

  static void assertError(HttpResponse<String> resp, int status, String type, String code) throws Exception {
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(status);
    assertThat(resp.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode e = error(resp);
    assertThat(e.get("type").asText()).isEqualTo(type);
    assertThat(e.get("code").asText()).isEqualTo(code);
    assertThat(e.has("param")).isTrue();
    assertThat(e.get("message").asText()).isNotBlank();
  }

  static void assertParam(HttpResponse<String> resp, String param) throws Exception {
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(400);
    assertThat(error(resp).get("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error(resp).get("param").asText()).isEqualTo(param);
  }
}
