package io.recllm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.errors.BadRequestException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStopEvent;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.fasterxml.jackson.databind.JsonNode;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/messages} with the official Anthropic Java SDK: plain, streamed and with tools, to an
 * anthropic fake upstream (passed through, byte for byte) and to an OpenAI-compatible fake upstream
 * (translated; the translations are held to golden files under golden/messages/). Upstream answers are
 * the recorded fixtures of each API.
 */
class MessagesIngressTest {

  static final String GATEWAY_KEY = "sk-test-fake-gateway-key";
  static FakeUpstream anthropic;
  static FakeUpstream openai;
  static GatewayHarness gw;
  static AnthropicClient sdk;

  @BeforeAll
  static void start() throws Exception {
    anthropic = FakeUpstream.start();
    openai = FakeUpstream.start();
    gw = GatewayHarness.start("""
        api_key: "%s"
        default_provider: anthropic
        providers:
          anthropic: { type: anthropic, base_url: "http://127.0.0.1:%d", api_key: "sk-ant-test-fake-upstream" }
          openai: { type: openai, base_url: "http://127.0.0.1:%d/v1", api_key: "sk-test-fake-upstream" }
        usage: { store: memory }
        """.formatted(GATEWAY_KEY, anthropic.port(), openai.port()), Map.of());
    sdk = AnthropicOkHttpClient.builder().apiKey(GATEWAY_KEY).baseUrl(gw.baseUrl()).maxRetries(0).build();
  }

  @AfterAll
  static void stop() throws Exception {
    sdk.close();
    gw.close();
    anthropic.close();
    openai.close();
  }

  @BeforeEach
  void reset() {
    anthropic.reset();
    openai.reset();
  }

  static MessageCreateParams.Builder params(String model) {
    return MessageCreateParams.builder().model(model).maxTokens(1024).addUserMessage("What is the capital of France?");
  }

  static Tool weatherTool() {
    return Tool.builder().name("get_weather").description("Weather in a city")
        .inputSchema(Tool.InputSchema.builder()
            .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
            .required(List.of("city")).build())
        .build();
  }

  static UsageRecord record(String model, boolean stream) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      for (UsageRecord r : gw.records) if (r.model().equals(model) && r.stream() == stream) return r;
      Thread.sleep(5);
    }
    throw new AssertionError("no record for " + model);
  }

  // ---- to an anthropic provider: pass-through

  @Test
  void plainToAnthropicPassesThrough() throws Exception {
    anthropic.respondJson(200, Fixtures.read("anthropic/message_text_system_string.json"));
    Message m = sdk.messages().create(params("anthropic:claude-sonnet-4-5").build());
    String want = Json.MAPPER.readTree(Fixtures.read("anthropic/message_text_system_string.json"))
        .path("content").path(0).path("text").asText();
    assertThat(m.content().get(0).asText().text()).isEqualTo(want);
    FakeUpstream.Received sent = anthropic.lastRequest();
    assertThat(sent.path()).isEqualTo("/v1/messages");
    assertThat(sent.headers().get("x-api-key")).isEqualTo("sk-ant-test-fake-upstream");
    assertThat(Json.MAPPER.readTree(sent.body()).get("model").asText()).isEqualTo("claude-sonnet-4-5");
    UsageRecord r = record("claude-sonnet-4-5", false);
    assertThat(r.endpoint()).isEqualTo("messages");
    assertThat(r.usage().promptTokens()).isPositive();
    assertThat(r.costNanoUsd()).isPositive();
  }

  @Test
  void theClientsBytesGoUpAndTheUpstreamsComeBackWithBetasKept() throws Exception {
    String upstreamBody = Fixtures.read("anthropic/message_cache_usage.json");
    anthropic.respondJson(200, upstreamBody);
    String request = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":64,\"system\":[{\"type\":\"text\",\"text\":\"Be brief.\","
        + "\"cache_control\":{\"type\":\"ephemeral\"}}],\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    HttpResponse<String> resp = gw.post("/v1/messages", request, "x-api-key", GATEWAY_KEY,
        "anthropic-version", "2023-06-01", "anthropic-beta", "prompt-caching-2024-07-31,some-future-beta");
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(anthropic.lastRequest().body()).isEqualTo(request);
    assertThat(anthropic.lastRequest().headers().get("anthropic-beta")).isEqualTo("prompt-caching-2024-07-31,some-future-beta");
    int ext = resp.body().lastIndexOf(",\"x_rec_llm\":");
    assertThat(ext).as("the one documented addition").isPositive();
    assertThat(resp.body().substring(0, ext) + upstreamBody.substring(upstreamBody.lastIndexOf('}')))
        .isEqualTo(upstreamBody);
    UsageRecord r = gw.recordFor(resp);
    assertThat(r.usage().cachedTokens() + r.usage().cacheWriteTokens()).as("cache usage kept").isPositive();
  }

  @Test
  void streamToAnthropicIsTheUpstreamsEventsByteForByte() throws Exception {
    String transcript = Fixtures.read("anthropic/stream_text.sse");
    anthropic.respondSse(transcript, 0);
    HttpResponse<String> resp = gw.post("/v1/messages", "{\"model\":\"anthropic:claude-sonnet-4-5\",\"max_tokens\":64,"
        + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "authorization", "Bearer " + GATEWAY_KEY);
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
    JsonNode ext = extensionOfMessageStop(resp.body());
    assertThat(withoutExtension(resp.body())).as("the upstream's bytes, but for x_rec_llm in message_stop").isEqualTo(transcript);
    assertThat(ext.get("provider").asText()).isEqualTo("anthropic");
    assertThat(ext.get("time_to_first_token_ms").asLong()).isNotNegative();
    UsageRecord r = gw.recordFor(resp);
    assertThat(ext.get("cost_usd").decimalValue()).isEqualByComparingTo(r.costUsdExact()).isPositive();
    assertThat(ext.get("latency_ms").asLong()).isEqualTo(r.latencyMs());
    assertThat(r.endpoint()).isEqualTo("messages");
    assertThat(r.usage().promptTokens()).isEqualTo(17);
    assertThat(r.usage().completionTokens()).isEqualTo(10);
    assertThat(r.finishReason()).isEqualTo("end_turn");
  }

  @Test
  void sdkStreamAndToolsToAnthropic() {
    anthropic.respondSse(Fixtures.read("anthropic/stream_text.sse"), 0);
    MessageAccumulator acc = MessageAccumulator.create();
    RawMessageStopEvent stop = streamInto(acc, params("anthropic:claude-sonnet-4-5").build());
    assertThat(acc.message().content().get(0).asText().text()).isEqualTo("- Captain\n- Scoop");
    assertThat(stop._additionalProperties()).as("the SDK keeps the gateway's member").containsKey("x_rec_llm");
    assertThat(stop._additionalProperties().get("x_rec_llm").toString()).contains("cost_usd");

    anthropic.respondSse(Fixtures.read("anthropic/stream_tool_use_parallel.sse"), 0);
    MessageAccumulator tools = MessageAccumulator.create();
    streamInto(tools, params("anthropic:claude-sonnet-4-5").addTool(weatherTool()).build());
    assertThat(tools.message().stopReason()).hasValue(StopReason.TOOL_USE);
    assertThat(tools.message().content()).filteredOn(ContentBlock::isToolUse).hasSize(2);

    anthropic.respondJson(200, Fixtures.read("anthropic/message_tool_use.json"));
    Message m = sdk.messages().create(params("anthropic:claude-sonnet-4-5").addTool(weatherTool()).build());
    assertThat(m.stopReason()).hasValue(StopReason.TOOL_USE);
    assertThat(m.content()).filteredOn(ContentBlock::isToolUse).extracting(b -> b.asToolUse().name())
        .containsExactly("get_weather", "get_elevation");
  }

  // ---- to an OpenAI-compatible provider: translated

  @Test
  void plainToOpenAiIsTranslatedBothWays() throws Exception {
    openai.respondJson(200, Fixtures.read("openai/chat_completion_text.json"));
    Message m = sdk.messages().create(params("openai:gpt-4o").system("Answer in one sentence.")
        .putAdditionalBodyProperty("temperature", JsonValue.from(0.2)).build());
    assertThat(m.content().get(0).asText().text()).isEqualTo("The capital of France is Paris.");
    assertThat(m.stopReason()).hasValue(StopReason.END_TURN);
    assertThat(m.usage().inputTokens()).isEqualTo(24);
    assertThat(m.usage().outputTokens()).isEqualTo(8);
    assertThat(openai.lastRequest().path()).isEqualTo("/v1/chat/completions");
    golden("request_text.json", Json.MAPPER.readTree(openai.lastRequest().body()));
    UsageRecord r = record("gpt-4o", false);
    assertThat(r.endpoint()).isEqualTo("messages");
    assertThat(r.costNanoUsd()).isPositive();
  }

  @Test
  void toolsToOpenAi() throws Exception {
    openai.respondJson(200, Fixtures.read("openai/chat_completion_tool_calls.json"));
    Message m = sdk.messages().create(params("openai:gpt-4o").addTool(weatherTool())
        .toolChoice(com.anthropic.models.messages.ToolChoiceAuto.builder().disableParallelToolUse(true).build()).build());
    assertThat(m.stopReason()).hasValue(StopReason.TOOL_USE);
    assertThat(m.content().get(0).asToolUse().name()).isEqualTo("get_user_country");
    assertThat(m.content().get(0).asToolUse().id()).isEqualTo("call_iXFttys57ap0o16JSlC8yhYo");
    golden("request_tools.json", Json.MAPPER.readTree(openai.lastRequest().body()));
    golden("response_tools.json", withoutGatewayFields(Json.MAPPER.readTree(
        gw.post("/v1/messages", "{\"model\":\"openai:gpt-4o\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
            "x-api-key", GATEWAY_KEY).body())));
  }

  /** A tool result turn: the assistant's tool_use and the user's tool_result become chat's tool_calls and tool message. */
  @Test
  void aToolResultTurnIsTranslated() throws Exception {
    openai.respondJson(200, Fixtures.read("openai/chat_completion_text.json"));
    String request = Fixtures.read("anthropic/message_after_tool_result.request.json");
    JsonNode body = Json.MAPPER.readTree(request);
    ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("model", "openai:gpt-4o");
    HttpResponse<String> resp = gw.post("/v1/messages", body.toString(), "x-api-key", GATEWAY_KEY);
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    golden("request_after_tool_result.json", Json.MAPPER.readTree(openai.lastRequest().body()));
  }

  @Test
  void streamToOpenAiBecomesAnthropicEvents() throws Exception {
    openai.respondSse(Fixtures.read("openai/stream_text_include_usage.sse"), 0);
    MessageAccumulator acc = MessageAccumulator.create();
    RawMessageStopEvent stop = streamInto(acc, params("openai:gpt-4o").build());
    assertThat(stop._additionalProperties()).containsKey("x_rec_llm");
    Message m = acc.message();
    assertThat(m.content().get(0).asText().text()).isEqualTo("The capital of Mexico is Mexico City.");
    assertThat(m.stopReason()).hasValue(StopReason.END_TURN);
    assertThat(m.usage().outputTokens()).isPositive();
    assertThat(Json.MAPPER.readTree(openai.lastRequest().body()).path("stream_options").path("include_usage").asBoolean()).isTrue();
    UsageRecord r = record("gpt-4o", true);
    assertThat(r.endpoint()).isEqualTo("messages");
    assertThat(r.usage().totalTokens()).isEqualTo(22);

    openai.respondSse(Fixtures.read("openai/stream_text_include_usage.sse"), 0);
    HttpResponse<String> raw = gw.post("/v1/messages", "{\"model\":\"openai:gpt-4o\",\"max_tokens\":64,\"stream\":true,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "x-api-key", GATEWAY_KEY);
    assertThat(extensionOfMessageStop(raw.body()).get("provider").asText()).isEqualTo("openai");
    golden("stream_text.sse", withoutExtension(raw.body()).replaceAll("\"id\":\"msg_[^\"]*\"", "\"id\":\"msg_ID\""));
  }

  @Test
  void streamedToolCallsToOpenAi() throws Exception {
    openai.respondSse(Fixtures.read("openai/stream_tool_call.sse"), 0);
    MessageAccumulator acc = MessageAccumulator.create();
    try (StreamResponse<RawMessageStreamEvent> s = sdk.messages().createStreaming(
        params("openai:gpt-4o").addTool(weatherTool()).build())) {
      s.stream().forEach(acc::accumulate);
    }
    Message m = acc.message();
    assertThat(m.stopReason()).hasValue(StopReason.TOOL_USE);
    ContentBlock call = m.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow();
    assertThat(call.asToolUse().name()).isEqualTo("get_weather");
    assertThat(call.asToolUse()._input().toString()).contains("city");
  }

  @Test
  void countTokensGoesToAnthropicOrIsEstimated() throws Exception {
    anthropic.respondJson(200, Fixtures.read("anthropic-ingress/count_tokens.json"));
    String request = Fixtures.read("anthropic-ingress/count_tokens.request.json");
    HttpResponse<String> counted = gw.post("/v1/messages/count_tokens?beta=true", request, "x-api-key", GATEWAY_KEY,
        "anthropic-version", "2023-06-01");
    assertThat(counted.statusCode()).isEqualTo(200);
    assertThat(counted.body()).isEqualTo(Fixtures.read("anthropic-ingress/count_tokens.json"));
    assertThat(anthropic.lastRequest().path()).isEqualTo("/v1/messages/count_tokens");

    HttpResponse<String> estimated = gw.post("/v1/messages/count_tokens",
        request.replace("claude-sonnet-4-5", "openai:gpt-4o"), "x-api-key", GATEWAY_KEY);
    assertThat(estimated.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(estimated.body()).get("input_tokens").asLong()).isBetween(10L, 30L);
    assertThat(openai.requests()).as("an estimate, no upstream call").isEmpty();
  }

  // ---- errors, in Anthropic's shape

  @Test
  void whatChatCannotExpressIsRefusedInAnthropicsShape() throws Exception {
    assertThatThrownBy(() -> sdk.messages().create(params("openai:gpt-4o").putAdditionalBodyProperty("top_k", JsonValue.from(5)).build()))
        .isInstanceOf(BadRequestException.class).hasMessageContaining("top_k");
    HttpResponse<String> resp = gw.post("/v1/messages", "{\"model\":\"openai:gpt-4o\",\"max_tokens\":5,"
        + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
        "x-api-key", GATEWAY_KEY);
    assertThat(resp.statusCode()).isEqualTo(400);
    JsonNode err = Json.MAPPER.readTree(resp.body());
    assertThat(err.get("type").asText()).isEqualTo("error");
    assertThat(err.path("error").path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(err.path("error").path("message").asText()).contains("thinking");
    assertThat(openai.requests()).isEmpty();

    AnthropicClient wrongKey = AnthropicOkHttpClient.builder().apiKey("sk-test-wrong").baseUrl(gw.baseUrl())
        .maxRetries(0).build();
    try {
      assertThatThrownBy(() -> wrongKey.messages().create(params("openai:gpt-4o").build()))
          .isInstanceOf(UnauthorizedException.class);
    } finally {
      wrongKey.close();
    }
    anthropic.respondJson(529, Fixtures.read("anthropic/error_529_overloaded_error.json"));
    HttpResponse<String> overloaded = gw.post("/v1/messages", "{\"model\":\"anthropic:claude-sonnet-4-5\",\"max_tokens\":5,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "x-api-key", GATEWAY_KEY);
    assertThat(Json.MAPPER.readTree(overloaded.body()).path("error").path("type").asText()).isIn("overloaded_error", "api_error");
  }

  /** Streams a call through the SDK into {@code acc}; the message_stop event it parsed. */
  private static RawMessageStopEvent streamInto(MessageAccumulator acc, MessageCreateParams params) {
    RawMessageStopEvent[] stop = {null};
    try (StreamResponse<RawMessageStreamEvent> s = sdk.messages().createStreaming(params)) {
      s.stream().forEach(e -> {
        acc.accumulate(e);
        if (e.isMessageStop()) stop[0] = e.asMessageStop();
      });
    }
    assertThat(stop[0]).as("a message_stop event").isNotNull();
    return stop[0];
  }

  private static final String EXTENSION = ",\"x_rec_llm\":";

  /**
   * The transcript without the gateway's one addition: the x_rec_llm member of message_stop's data, which
   * must be the data's last member and must appear nowhere else.
   */
  static String withoutExtension(String sse) {
    int at = sse.indexOf(EXTENSION);
    assertThat(at).as("x_rec_llm in the stream").isPositive();
    assertThat(sse.indexOf(EXTENSION, at + 1)).as("only once").isNegative();
    int lineStart = sse.lastIndexOf('\n', at) + 1;
    assertThat(sse.substring(sse.lastIndexOf("event: ", lineStart), lineStart)).isEqualTo("event: message_stop\n");
    int lineEnd = sse.indexOf('\n', at);
    int close = sse.lastIndexOf('}', lineEnd);
    return sse.substring(0, at) + sse.substring(close);
  }

  static JsonNode extensionOfMessageStop(String sse) throws IOException {
    int at = sse.indexOf(EXTENSION);
    assertThat(at).isPositive();
    int close = sse.lastIndexOf('}', sse.indexOf('\n', at));
    return Json.MAPPER.readTree(sse.substring(at + EXTENSION.length(), close));
  }

  // ---- golden files

  private static JsonNode withoutGatewayFields(JsonNode n) {
    ((com.fasterxml.jackson.databind.node.ObjectNode) n).remove("x_rec_llm");
    return n;
  }

  private static void golden(String name, JsonNode actual) throws IOException {
    golden(name, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(actual) + "\n");
  }

  /** Compared with src/test/resources/golden/messages/{name}; -Dgolden.update=true writes it instead. */
  private static void golden(String name, String actual) throws IOException {
    Path file = Path.of("src/test/resources/golden/messages", name);
    if (Boolean.getBoolean("golden.update") || !Files.exists(file)) {
      Files.writeString(file, actual, StandardCharsets.UTF_8);
      if (!Boolean.getBoolean("golden.update")) throw new AssertionError("golden file written, check it in: " + file);
    }
    assertThat(actual).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
  }
}
