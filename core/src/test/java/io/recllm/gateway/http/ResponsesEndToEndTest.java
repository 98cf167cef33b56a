package io.recllm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.WebSearchTool;
import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.usage.UsageRecord;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/responses} with the official OpenAI Java SDK's {@code responses()}: plain, streamed and
 * with a function tool, to an openai fake upstream (passed through, byte for byte, plus x_rec_llm) and to
 * chat-only providers (an anthropic fake, a groq preset fake and the offline mock; translated, the
 * translations held to golden files under golden/responses/). Upstream answers are recorded fixtures.
 */
class ResponsesEndToEndTest {

  static final String GATEWAY_KEY = "sk-FAKEtestOnly-gateway";
  static FakeUpstream openai;
  static FakeUpstream azure;
  static FakeUpstream anthropic;
  static FakeUpstream groq;
  static GatewayHarness gw;
  static OpenAIClient sdk;

  @BeforeAll
  static void start() throws Exception {
    openai = FakeUpstream.start();
    azure = FakeUpstream.start();
    anthropic = FakeUpstream.start();
    groq = FakeUpstream.start();
    gw = GatewayHarness.start("""
        api_key: "%s"
        default_provider: openai
        providers:
          openai: { type: openai, base_url: "http://127.0.0.1:%d/v1", api_key: "sk-FAKEtestOnly-openai" }
          azure: { type: azure, base_url: "http://127.0.0.1:%d", api_key: "FAKEtestOnly-azure" }
          anthropic: { type: anthropic, base_url: "http://127.0.0.1:%d", api_key: "sk-ant-FAKEtestOnly" }
          groq: { type: groq, base_url: "http://127.0.0.1:%d/openai/v1", api_key: "gsk_FAKEtestOnly" }
        pricing:
          gpt-4o-2024-08-06: { input: 2.5, output: 10 }
          gpt-5-2025-08-07: { input: 1.25, cached_input: 0.125, output: 10 }
        usage: { store: memory }
        """.formatted(GATEWAY_KEY, openai.port(), azure.port(), anthropic.port(), groq.port()), Map.of());
    sdk = OpenAIOkHttpClient.builder().apiKey(GATEWAY_KEY).baseUrl(gw.baseUrl() + "/v1").maxRetries(0).build();
  }

  @AfterAll
  static void stop() throws Exception {
    sdk.close();
    gw.close();
    for (FakeUpstream f : List.of(openai, azure, anthropic, groq)) f.close();
  }

  @BeforeEach
  void reset() {
    for (FakeUpstream f : List.of(openai, azure, anthropic, groq)) f.reset();
  }

  static FunctionTool capitalTool() {
    return FunctionTool.builder().name("get_capital").description("The capital of a country").strict(true)
        .parameters(FunctionTool.Parameters.builder()
            .putAdditionalProperty("type", JsonValue.from("object"))
            .putAdditionalProperty("properties", JsonValue.from(Map.of("country", Map.of("type", "string"))))
            .putAdditionalProperty("required", JsonValue.from(List.of("country")))
            .putAdditionalProperty("additionalProperties", JsonValue.from(false))
            .build())
        .build();
  }

  static ResponseCreateParams.Builder params(String model) {
    return ResponseCreateParams.builder().model(model).instructions("You are a helpful assistant.")
        .input("What is the capital of France?");
  }

  static HttpResponse<String> post(String body) throws Exception {
    return gw.post("/v1/responses", body, "authorization", "Bearer " + GATEWAY_KEY);
  }

  static UsageRecord record(String provider, boolean stream) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      for (UsageRecord r : gw.records) {
        if (r.provider().equals(provider) && r.stream() == stream && r.status() == 200) return r;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no record for " + provider);
  }

  static String streamText(Response r) {
    StringBuilder sb = new StringBuilder();
    r.output().forEach(item -> item.message().ifPresent(m -> m.content().forEach(c -> c.outputText().ifPresent(t -> sb.append(t.text())))));
    return sb.toString();
  }

  // ---- to OpenAI: pass-through

  @Test
  void sdkPlainToOpenAiIsPassedThroughAndPriced() throws Exception {
    openai.respondJson(200, Fixtures.read("openai-responses/response_text_instructions.json"));
    gw.records.clear();
    Response r = sdk.responses().create(params("gpt-4o").build());
    assertThat(streamText(r)).isEqualTo("The capital of France is Paris.");
    assertThat(r.id()).isEqualTo("resp_67f3fdfd9fa08191a3d5825db81b8df6003bc73febb56d77");
    assertThat(r._additionalProperties()).containsKey("x_rec_llm");
    FakeUpstream.Received sent = openai.lastRequest();
    assertThat(sent.path()).isEqualTo("/v1/responses");
    assertThat(sent.headers().get("authorization")).isEqualTo("Bearer sk-FAKEtestOnly-openai");
    UsageRecord u = record("openai", false);
    assertThat(u.endpoint()).isEqualTo("responses");
    assertThat(u.model()).isEqualTo("gpt-4o");
    assertThat(u.usage().promptTokens()).isEqualTo(24);
    assertThat(u.usage().completionTokens()).isEqualTo(8);
    assertThat(u.finishReason()).isEqualTo("completed");
    // 24 x 2.5 + 8 x 10 per 1M tokens, at the dated model's price
    assertThat(u.costUsdExact()).isEqualByComparingTo("0.00014");
  }

  @Test
  void sdkFunctionToolRoundTripToOpenAi() throws Exception {
    openai.respondJson(200, Fixtures.read("openai-responses/response_function_call.json"));
    Response first = sdk.responses().create(ResponseCreateParams.builder().model("gpt-4o")
        .input("What is the capital of PotatoLand?").addTool(capitalTool()).build());
    ResponseFunctionToolCall call = first.output().get(0).asFunctionCall();
    assertThat(call.name()).isEqualTo("get_capital");
    assertThat(call.callId()).isEqualTo("call_YfwRsW8sUxDKipwyhWTzOXCA");

    openai.respondJson(200, Fixtures.read("openai-responses/response_after_function_call_output.json"));
    Response second = sdk.responses().create(ResponseCreateParams.builder().model("gpt-4o").addTool(capitalTool())
        .inputOfResponse(List.of(
            com.openai.models.responses.ResponseInputItem.ofMessage(com.openai.models.responses.ResponseInputItem.Message.builder()
                .role(com.openai.models.responses.ResponseInputItem.Message.Role.USER)
                .addInputTextContent("What is the capital of PotatoLand?").build()),
            com.openai.models.responses.ResponseInputItem.ofFunctionCall(call),
            com.openai.models.responses.ResponseInputItem.ofFunctionCallOutput(
                com.openai.models.responses.ResponseInputItem.FunctionCallOutput.builder()
                    .callId(call.callId()).output("Potato City").build())))
        .build());
    assertThat(streamText(second)).isEqualTo("The capital of PotatoLand is Potato City.");
    JsonNode sent = Json.MAPPER.readTree(openai.lastRequest().body()).path("input");
    assertThat(sent.get(2).path("type").asText()).isEqualTo("function_call_output");
    assertThat(sent.get(2).path("call_id").asText()).isEqualTo("call_YfwRsW8sUxDKipwyhWTzOXCA");
  }

  /** What the client sent is what OpenAI gets; what OpenAI answered is what the client gets, plus x_rec_llm last. */
  @Test
  void plainPassThroughIsByteForByte() throws Exception {
    String upstreamBody = Fixtures.read("openai-responses/response_function_call.json");
    openai.respondJson(200, upstreamBody);
    String request = Fixtures.read("openai-responses/response_function_call.request.json");
    HttpResponse<String> resp = post(request);
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(openai.lastRequest().body()).isEqualTo(request);
    assertThat(resp.headers().firstValue("x-rec-llm-provider")).hasValue("openai");
    int ext = resp.body().lastIndexOf(",\"x_rec_llm\":");
    assertThat(ext).as("the one documented addition").isPositive();
    assertThat(resp.body().substring(0, ext) + "}").isEqualTo(upstreamBody);
    assertThat(Json.MAPPER.readTree(resp.body()).path("x_rec_llm").path("provider").asText()).isEqualTo("openai");
  }

  /** Every event as OpenAI sent it; the final event's data gains x_rec_llm as its last member, nothing else changes. */
  @Test
  void streamPassThroughIsByteForByte() throws Exception {
    String transcript = Fixtures.read("openai-responses/stream_text_after_function_call_output.sse");
    openai.respondSse(transcript, 0);
    String request = Fixtures.read("openai-responses/stream_text_after_function_call_output.request.json");
    HttpResponse<String> resp = post(request);
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
    assertThat(openai.lastRequest().body()).isEqualTo(request);
    List<String> sent = FakeUpstream.splitEvents(transcript);
    List<String> got = FakeUpstream.splitEvents(resp.body());
    assertThat(got).hasSameSizeAs(sent);
    for (int i = 0; i < sent.size() - 1; i++) assertThat(got.get(i)).isEqualTo(sent.get(i));
    String last = sent.get(sent.size() - 1).strip();
    String gotLast = got.get(got.size() - 1).strip();
    assertThat(gotLast).startsWith(last.substring(0, last.length() - 1) + ",\"x_rec_llm\":{");
    UsageRecord u = gw.recordFor(resp);
    assertThat(u.endpoint()).isEqualTo("responses");
    assertThat(u.stream()).isTrue();
    assertThat(u.usage().promptTokens()).isEqualTo(278);
    assertThat(u.usage().completionTokens()).isEqualTo(9);
    assertThat(u.ttftMs()).isGreaterThanOrEqualTo(0);
    assertThat(u.costNanoUsd()).isPositive();
  }

  @Test
  void sdkStreamWithAFunctionToolToOpenAi() throws Exception {
    openai.respondSse(Fixtures.read("openai-responses/stream_function_call.sse"), 0);
    ResponseAccumulator acc = ResponseAccumulator.create();
    try (StreamResponse<ResponseStreamEvent> s = sdk.responses().createStreaming(params("gpt-4o").addTool(capitalTool()).build())) {
      s.stream().forEach(acc::accumulate);
    }
    ResponseFunctionToolCall call = acc.response().output().get(0).asFunctionCall();
    assertThat(call.name()).isEqualTo("get_capital");
    assertThat(call.arguments()).isEqualTo("{\"country\":\"France\"}");
    assertThat(call.callId()).isEqualTo("call_kL0PCQV7M2WMoVX8V8OtYSAL");
    JsonNode sent = Json.MAPPER.readTree(openai.lastRequest().body());
    assertThat(sent.path("tools").path(0).path("name").asText()).isEqualTo("get_capital");
    assertThat(sent.path("stream").asBoolean()).isTrue();
  }

  @Test
  void cachedAndReasoningTokensAreRecordedAndPriced() throws Exception {
    openai.respondJson(200, Fixtures.read("openai-responses/response_reasoning_cached_tokens.json"));
    HttpResponse<String> plain = post("{\"model\":\"gpt-5\",\"input\":\"x\"}");
    UsageRecord u = gw.recordFor(plain);
    assertThat(u.usage().promptTokens()).isEqualTo(2087);
    assertThat(u.usage().cachedTokens()).isEqualTo(2048);
    assertThat(u.usage().completionTokens()).isEqualTo(124);
    // 39 x 1.25 + 2048 x 0.125 + 124 x 10 per 1M tokens
    assertThat(u.costUsdExact()).isEqualByComparingTo("0.00154475");

    openai.respondSse(Fixtures.read("openai-responses/stream_reasoning_usage.sse"), 0);
    HttpResponse<String> streamed = post(Fixtures.read("openai-responses/stream_reasoning_usage.request.json"));
    UsageRecord s = gw.recordFor(streamed);
    assertThat(s.usage().completionTokens()).isEqualTo(469);
    assertThat(s.usage().reasoningTokens()).isEqualTo(448);
    assertThat(s.usage().promptTokens()).isEqualTo(53);
    assertThat(s.model()).isEqualTo("gpt-5");
  }

  @Test
  void toAzureOnItsV1Path() throws Exception {
    String body = Fixtures.read("azure/responses_v1.json");
    azure.respondJson(200, body);
    HttpResponse<String> resp = post("{\"model\":\"azure:gpt-5.4\",\"input\":\"What is the capital of France? Answer in one word.\"}");
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    FakeUpstream.Received sent = azure.lastRequest();
    assertThat(sent.path()).isEqualTo("/openai/v1/responses");
    assertThat(sent.headers().get("api-key")).isEqualTo("FAKEtestOnly-azure");
    assertThat(Json.MAPPER.readTree(sent.body()).get("model").asText()).isEqualTo("gpt-5.4");
    UsageRecord u = gw.recordFor(resp);
    assertThat(u.provider()).isEqualTo("azure");
    assertThat(u.usage().promptTokens()).isEqualTo(18);
    assertThat(u.usage().completionTokens()).isEqualTo(5);
  }

  /** An upstream gone mid-stream: the events so far, then the Responses API's own error event; recorded as failed. */
  @Test
  void aStreamCutOffEndsWithAnErrorEvent() throws Exception {
    openai.respondSseThenReset(Fixtures.read("openai-responses/stream_text_after_function_call_output.sse"), 5);
    HttpResponse<String> resp = post("{\"model\":\"gpt-4o\",\"input\":\"x\",\"stream\":true}");
    assertThat(resp.statusCode()).isEqualTo(200);
    List<String> events = FakeUpstream.splitEvents(resp.body());
    assertThat(events).hasSize(6);
    String last = events.get(5);
    assertThat(last).startsWith("event: error\ndata: {\"type\":\"error\",");
    JsonNode error = Json.MAPPER.readTree(Fixtures.sseData(last).get(0));
    assertThat(error.path("message").asText()).isNotEmpty();
    assertThat(error.has("code")).isTrue();
    UsageRecord u = gw.recordFor(resp);
    assertThat(u.status()).isGreaterThanOrEqualTo(500);
    assertThat(u.endpoint()).isEqualTo("responses");
  }

  static final String FAILED_RESPONSE = "{\"id\":\"resp_failed1\",\"object\":\"response\",\"created_at\":1743082658,"
      + "\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":\"The model failed to generate a response.\"},"
      + "\"incomplete_details\":null,\"model\":\"gpt-4o-2024-08-06\",\"output\":[],"
      + "\"usage\":{\"input_tokens\":12,\"output_tokens\":3,\"total_tokens\":15}}";

  /** A response.failed event goes to the client as it came (plus x_rec_llm), and the call is recorded as failed. */
  @Test
  void aFailedStreamIsRelayedAndRecordedAsAFailure() throws Exception {
    String created = "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":"
        + "{\"id\":\"resp_failed1\",\"object\":\"response\",\"status\":\"in_progress\",\"model\":\"gpt-4o-2024-08-06\",\"output\":[]}}\n\n";
    String delta = "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":1,"
        + "\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"Par\"}\n\n";
    String failed = "event: response.failed\ndata: {\"type\":\"response.failed\",\"sequence_number\":2,\"response\":"
        + FAILED_RESPONSE + "}\n\n";
    openai.respondSse(created + delta + failed, 0);
    HttpResponse<String> resp = post("{\"model\":\"gpt-4o\",\"input\":\"x\",\"stream\":true}");
    assertThat(resp.statusCode()).isEqualTo(200);
    List<String> got = FakeUpstream.splitEvents(resp.body());
    assertThat(got).hasSize(3);
    assertThat(got.get(0)).isEqualTo(created);
    assertThat(got.get(1)).isEqualTo(delta);
    String last = failed.strip();
    assertThat(got.get(2).strip()).startsWith(last.substring(0, last.length() - 1) + ",\"x_rec_llm\":{");
    UsageRecord u = gw.recordFor(resp);
    assertThat(u.endpoint()).isEqualTo("responses");
    assertThat(u.status()).as("a failure, as an error that cuts a chat stream").isEqualTo(500);
    assertThat(u.errorType()).isNotNull();
    assertThat(u.errorMessage()).contains("The model failed to generate a response.");
    assertThat(u.finishReason()).isEqualTo("failed");
    assertThat(u.usage().totalTokens()).as("what the upstream counted is still recorded").isEqualTo(15);
  }

  @Test
  void aFailedPlainResponseIsSentAsItCameAndRecordedAsAFailure() throws Exception {
    openai.respondJson(200, FAILED_RESPONSE);
    HttpResponse<String> resp = post("{\"model\":\"gpt-4o\",\"input\":\"x\"}");
    assertThat(resp.statusCode()).isEqualTo(200);
    JsonNode body = Json.MAPPER.readTree(resp.body());
    assertThat(body.path("status").asText()).isEqualTo("failed");
    assertThat(body.at("/error/code").asText()).isEqualTo("server_error");
    UsageRecord u = gw.recordFor(resp);
    assertThat(u.status()).isEqualTo(500);
    assertThat(u.errorMessage()).contains("The model failed to generate a response.");
    assertThat(u.finishReason()).isEqualTo("failed");
    assertThat(u.usage().totalTokens()).isEqualTo(15);
  }

  @Test
  void upstreamErrorsKeepOpenAisShape() throws Exception {
    openai.respondJson(400, Fixtures.read("openai-responses/error_400_invalid_value.json"));
    assertThatThrownBy(() -> sdk.responses().create(params("gpt-4o").temperature(-1.0).build()))
        .isInstanceOf(BadRequestException.class).hasMessageContaining("temperature");
  }

  // ---- stored responses: GET / DELETE passed to OpenAI

  @Test
  void retrieveAndDeleteGoToTheDefaultOrNamedProvider() throws Exception {
    String stored = Fixtures.read("openai-responses/response_text_instructions.json");
    openai.respondJson(200, stored);
    Response r = sdk.responses().retrieve("resp_67f3fdfd9fa08191a3d5825db81b8df6003bc73febb56d77");
    assertThat(streamText(r)).isEqualTo("The capital of France is Paris.");
    FakeUpstream.Received got = openai.lastRequest();
    assertThat(got.method()).isEqualTo("GET");
    assertThat(got.path()).isEqualTo("/v1/responses/resp_67f3fdfd9fa08191a3d5825db81b8df6003bc73febb56d77");
    assertThat(got.headers().get("authorization")).isEqualTo("Bearer sk-FAKEtestOnly-openai");
    HttpResponse<String> raw = gw.get("/v1/responses/resp_abc?include[]=message.output_text.logprobs",
        "authorization", "Bearer " + GATEWAY_KEY, "x-request-id", "stored-get");
    assertThat(raw.body()).as("the upstream's bytes").isEqualTo(stored);
    assertThat(openai.lastRequest().query()).isEqualTo("include[]=message.output_text.logprobs");

    String deletedBody = "{\"id\":\"resp_abc\",\"object\":\"response.deleted\",\"deleted\":true}";
    openai.respondJson(200, deletedBody);
    sdk.responses().delete("resp_abc");
    assertThat(openai.lastRequest().method()).isEqualTo("DELETE");
    assertThat(openai.lastRequest().path()).isEqualTo("/v1/responses/resp_abc");

    azure.respondJson(200, deletedBody);
    HttpResponse<String> deleted = gw.send("DELETE", "/v1/responses/resp_abc?provider=azure",
        "authorization", "Bearer " + GATEWAY_KEY, "x-request-id", "stored-delete");
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(deleted.body()).isEqualTo(deletedBody);
    assertThat(azure.lastRequest().method()).isEqualTo("DELETE");
    assertThat(azure.lastRequest().path()).isEqualTo("/openai/v1/responses/resp_abc");
    assertThat(azure.lastRequest().query()).isNull();

    openai.respondJson(404, "{\"error\":{\"message\":\"Response with id 'resp_gone' not found.\",\"type\":\"invalid_request_error\","
        + "\"param\":null,\"code\":null}}");
    assertThatThrownBy(() -> sdk.responses().retrieve("resp_gone")).isInstanceOf(com.openai.errors.NotFoundException.class);

    HttpResponse<String> anthropicHasNone = gw.get("/v1/responses/resp_abc", "authorization", "Bearer " + GATEWAY_KEY,
        "x-rec-llm-provider", "anthropic");
    assertThat(anthropicHasNone.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(anthropicHasNone.body()).path("error").path("message").asText()).contains("keeps no responses");
    HttpResponse<String> badId = gw.get("/v1/responses/resp%2F..", "authorization", "Bearer " + GATEWAY_KEY);
    assertThat(badId.statusCode()).isEqualTo(400);
    Thread.sleep(100);
    assertThat(gw.records).as("not billed calls: no usage records")
        .noneMatch(x -> x.requestId().startsWith("stored-"));
  }

  // ---- to chat-only providers: translated

  @Test
  void sdkPlainToAnthropicIsTranslatedBothWays() throws Exception {
    anthropic.respondJson(200, Fixtures.read("anthropic/message_text_system_string.json"));
    Response r = sdk.responses().create(params("anthropic:claude-3-opus-20240229").maxOutputTokens(300).build());
    String want = Json.MAPPER.readTree(Fixtures.read("anthropic/message_text_system_string.json"))
        .path("content").path(0).path("text").asText();
    assertThat(streamText(r)).isEqualTo(want);
    assertThat(r.status()).hasValue(ResponseStatus.COMPLETED);
    assertThat(r.model()).isNotNull();
    JsonNode sent = Json.MAPPER.readTree(anthropic.lastRequest().body());
    assertThat(sent.path("system").toString()).contains("You are a helpful assistant.");
    assertThat(sent.path("max_tokens").asInt()).isEqualTo(300);
    assertThat(sent.path("messages").path(0).path("content").toString()).contains("What is the capital of France?");
    UsageRecord u = record("anthropic", false);
    assertThat(u.endpoint()).isEqualTo("responses");
    assertThat(u.usage().promptTokens()).isEqualTo(r.usage().orElseThrow().inputTokens());
    assertThat(u.costNanoUsd()).isPositive();
  }

  @Test
  void sdkFunctionToolToAnthropic() throws Exception {
    anthropic.respondJson(200, Fixtures.read("anthropic/message_tool_use.json"));
    Response r = sdk.responses().create(params("anthropic:claude-sonnet-4-5").addTool(capitalTool()).build());
    List<String> names = r.output().stream().filter(ResponseOutputItem::isFunctionCall)
        .map(i -> i.asFunctionCall().name()).collect(Collectors.toList());
    assertThat(names).containsExactly("get_weather", "get_elevation");
    ResponseFunctionToolCall first = r.output().stream().filter(ResponseOutputItem::isFunctionCall).findFirst()
        .orElseThrow().asFunctionCall();
    assertThat(first.callId()).startsWith("toolu_");
    assertThat(first.id()).hasValue("fc_" + first.callId());
    JsonNode tool = Json.MAPPER.readTree(anthropic.lastRequest().body()).path("tools").path(0);
    assertThat(tool.path("name").asText()).isEqualTo("get_capital");
    assertThat(tool.path("input_schema").path("required").path(0).asText()).isEqualTo("country");

    // the next turn: the calls and their outputs become Anthropic's tool_use and tool_result blocks
    List<com.openai.models.responses.ResponseInputItem> turn = new java.util.ArrayList<>();
    turn.add(com.openai.models.responses.ResponseInputItem.ofMessage(com.openai.models.responses.ResponseInputItem.Message.builder()
        .role(com.openai.models.responses.ResponseInputItem.Message.Role.USER).addInputTextContent("Weather and elevation?").build()));
    r.output().stream().filter(ResponseOutputItem::isFunctionCall).forEach(i -> turn.add(
        com.openai.models.responses.ResponseInputItem.ofFunctionCall(i.asFunctionCall())));
    r.output().stream().filter(ResponseOutputItem::isFunctionCall).forEach(i -> turn.add(
        com.openai.models.responses.ResponseInputItem.ofFunctionCallOutput(com.openai.models.responses.ResponseInputItem.FunctionCallOutput
            .builder().callId(i.asFunctionCall().callId()).output("result of " + i.asFunctionCall().name()).build())));
    anthropic.respondJson(200, Fixtures.read("anthropic/message_text_system_string.json"));
    sdk.responses().create(ResponseCreateParams.builder().model("anthropic:claude-sonnet-4-5").addTool(capitalTool())
        .inputOfResponse(turn).build());
    JsonNode messages = Json.MAPPER.readTree(anthropic.lastRequest().body()).path("messages");
    assertThat(messages).hasSize(3);
    assertThat(messages.get(1).path("role").asText()).isEqualTo("assistant");
    assertThat(messages.get(1).path("content").findValuesAsText("type")).containsExactly("tool_use", "tool_use");
    assertThat(messages.get(1).path("content").get(0).path("id").asText()).isEqualTo(first.callId());
    assertThat(messages.get(2).path("content").findValuesAsText("type")).containsExactly("tool_result", "tool_result");
    assertThat(messages.get(2).path("content").get(0).path("tool_use_id").asText()).isEqualTo(first.callId());
  }

  @Test
  void sdkStreamToAnthropicReconstructsFromItsDeltas() throws Exception {
    anthropic.respondSse(Fixtures.read("anthropic/stream_tool_use_docs_example.sse"), 0);
    ResponseAccumulator acc = ResponseAccumulator.createWithSnapshots();
    try (StreamResponse<ResponseStreamEvent> s = sdk.responses().createStreaming(
        params("anthropic:claude-sonnet-4-20250514").addTool(capitalTool()).build())) {
      s.stream().forEach(acc::accumulate);
    }
    Response done = acc.response();
    Response rebuilt = acc.reconstructedResponse();
    assertThat(rebuilt.output()).isEqualTo(done.output());
    assertThat(done.output()).anyMatch(ResponseOutputItem::isMessage);
    ResponseFunctionToolCall call = done.output().stream().filter(ResponseOutputItem::isFunctionCall).findFirst()
        .orElseThrow().asFunctionCall();
    assertThat(call.callId()).isEqualTo("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
    assertThat(Json.MAPPER.readTree(call.arguments()).has("location")).isTrue();
    assertThat(done.usage().orElseThrow().outputTokens()).isPositive();
    UsageRecord u = record("anthropic", true);
    assertThat(u.endpoint()).isEqualTo("responses");
    assertThat(u.usage().completionTokens()).isEqualTo(done.usage().orElseThrow().outputTokens());
  }

  @Test
  void theMockAnswersOfflineInBothModes() {
    Response r = sdk.responses().create(ResponseCreateParams.builder().model("mock:echo").input("echo me back").build());
    assertThat(streamText(r)).isEqualTo("echo me back");
    ResponseAccumulator acc = ResponseAccumulator.createWithSnapshots();
    try (StreamResponse<ResponseStreamEvent> s = sdk.responses().createStreaming(
        ResponseCreateParams.builder().model("mock:echo").input("echo me back").build())) {
      s.stream().forEach(acc::accumulate);
    }
    assertThat(streamText(acc.response())).isEqualTo("echo me back");
    assertThat(streamText(acc.reconstructedResponse())).isEqualTo("echo me back");
  }

  /** A function_call_output turn to a chat-only preset: the chat request and the answer against golden files. */
  @Test
  void aToolTurnToAPresetIsTranslated() throws Exception {
    groq.respondJson(200, Fixtures.read("openai/chat_completion_tool_calls.json"));
    ObjectNode request = (ObjectNode) Json.MAPPER.readTree(Fixtures.read("openai-responses/response_after_function_call_output.request.json"));
    request.put("model", "groq:llama-3.3-70b-versatile").put("instructions", "Answer briefly.").put("max_output_tokens", 100);
    request.putObject("text").putObject("format").put("type", "json_schema").put("name", "answer").put("strict", true)
        .putObject("schema").put("type", "object");
    HttpResponse<String> resp = post(request.toString());
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    assertThat(groq.lastRequest().path()).isEqualTo("/openai/v1/chat/completions");
    golden("request_tool_turn.json", Json.MAPPER.readTree(groq.lastRequest().body()));
    ObjectNode answer = (ObjectNode) Json.MAPPER.readTree(resp.body());
    answer.remove("x_rec_llm");
    golden("response_tool_call.json", answer);
  }

  @Test
  void streamsToAPresetBecomeResponsesEvents() throws Exception {
    groq.respondSse(Fixtures.read("openai/stream_text_include_usage.sse"), 0);
    HttpResponse<String> text = post("{\"model\":\"groq:llama-3.3-70b-versatile\",\"input\":\"What is the capital of Mexico?\",\"stream\":true}");
    assertThat(text.statusCode()).isEqualTo(200);
    golden("stream_text.sse", withoutExtension(text.body()));
    JsonNode sent = Json.MAPPER.readTree(groq.lastRequest().body());
    assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();
    UsageRecord u = gw.recordFor(text);
    assertThat(u.endpoint()).isEqualTo("responses");
    assertThat(u.usage().totalTokens()).isEqualTo(22);

    groq.respondSse(Fixtures.read("openai/stream_tool_call.sse"), 0);
    HttpResponse<String> tool = post("{\"model\":\"groq:llama-3.3-70b-versatile\",\"input\":\"Weather?\",\"stream\":true,"
        + "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}]}");
    golden("stream_tool_call.sse", withoutExtension(tool.body()));
  }

  // ---- what cannot be translated: 400 unsupported_parameter, nothing sent

  @Test
  void whatAChatProviderCannotDoIsRefusedNamingTheParameter() throws Exception {
    assertThatThrownBy(() -> sdk.responses().create(params("anthropic:claude-sonnet-4-5").previousResponseId("resp_123").build()))
        .isInstanceOf(BadRequestException.class).hasMessageContaining("previous_response_id");
    assertThatThrownBy(() -> sdk.responses().create(params("anthropic:claude-sonnet-4-5")
        .addTool(WebSearchTool.builder().type(WebSearchTool.Type.WEB_SEARCH).build()).build()))
        .isInstanceOf(BadRequestException.class).hasMessageContaining("web_search");
    Map<String, String> cases = Map.of(
        "\"previous_response_id\":\"resp_1\"", "previous_response_id",
        "\"tools\":[{\"type\":\"file_search\",\"vector_store_ids\":[\"vs_1\"]}]", "tools[0]",
        "\"store\":true", "store",
        "\"include\":[\"reasoning.encrypted_content\"]", "include",
        "\"background\":true", "background",
        "\"conversation\":\"conv_1\"", "conversation",
        "\"reasoning\":{\"summary\":\"detailed\"}", "reasoning.summary",
        "\"input\":[{\"type\":\"item_reference\",\"id\":\"msg_1\"}]", "input[0].type");
    for (var c : cases.entrySet()) {
      for (String model : List.of("anthropic:claude-sonnet-4-5", "groq:llama-3.3-70b-versatile", "mock:echo")) {
        String body = "{\"model\":\"" + model + "\"," + (c.getKey().startsWith("\"input\"") ? "" : "\"input\":\"x\",")
            + c.getKey() + "}";
        HttpResponse<String> resp = post(body);
        assertThat(resp.statusCode()).as(body).isEqualTo(400);
        JsonNode err = Json.MAPPER.readTree(resp.body()).path("error");
        assertThat(err.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(err.path("code").asText()).as(body).isEqualTo("unsupported_parameter");
        assertThat(err.path("param").asText()).as(body).isEqualTo(c.getValue());
      }
    }
    assertThat(anthropic.requests()).isEmpty();
    assertThat(groq.requests()).isEmpty();

    // the same to OpenAI is OpenAI's to judge
    openai.respondJson(200, Fixtures.read("openai-responses/response_text_instructions.json"));
    assertThat(post("{\"model\":\"gpt-4o\",\"input\":\"x\",\"previous_response_id\":\"resp_1\",\"store\":true}").statusCode())
        .isEqualTo(200);
  }

  @Test
  void aStreamRefusedBeforeItStartsIsAPlainJsonError() throws Exception {
    HttpResponse<String> resp = post("{\"model\":\"anthropic:claude-sonnet-4-5\",\"input\":\"x\",\"stream\":true,"
        + "\"previous_response_id\":\"resp_1\"}");
    assertThat(resp.statusCode()).isEqualTo(400);
    assertThat(resp.headers().firstValue("content-type").orElseThrow()).startsWith("application/json");
    assertThat(Json.MAPPER.readTree(resp.body()).path("error").path("param").asText()).isEqualTo("previous_response_id");
  }

  // ---- golden files

  /** The final event's x_rec_llm holds latencies; the golden file holds the rest. */
  private static String withoutExtension(String sse) {
    return sse.replaceAll(",\"x_rec_llm\":\\{.*}}", "}");
  }

  private static void golden(String name, JsonNode actual) throws IOException {
    golden(name, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(actual) + "\n");
  }

  /** Compared with src/test/resources/golden/responses/{name}; -Dgolden.update=true writes it instead. */
  private static void golden(String name, String actual) throws IOException {
    Path file = Path.of("src/test/resources/golden/responses", name);
    if (Boolean.getBoolean("golden.update") || !Files.exists(file)) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, actual, StandardCharsets.UTF_8);
      if (!Boolean.getBoolean("golden.update")) throw new AssertionError("golden file written, check it in: " + file);
    }
    assertThat(actual).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
  }
}
