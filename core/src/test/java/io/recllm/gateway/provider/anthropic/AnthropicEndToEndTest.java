package io.recllm.gateway.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.chat.completions.ChatCompletionUserMessageParam;
import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.fakes.StrictAnthropicValidator;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ProviderCounters;
import io.recllm.gateway.usage.UsageRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK talking to {@code anthropic:*} models through the gateway, against a
 * fake Anthropic upstream that rejects requests the way the real API would.
 */
class AnthropicEndToEndTest {

  static final String KEY = "sk-ant-test-key";
  static FakeUpstream upstream;
  static GatewayHarness gw;
  static OpenAIClient sdk;

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeUpstream.start();
    gw = GatewayHarness.start("""
        providers:
          anthropic: { type: anthropic, base_url: "http://127.0.0.1:%d", api_key: "${ANTHROPIC_API_KEY}" }
        usage: { store: memory }
        """.formatted(upstream.port()), Map.of("ANTHROPIC_API_KEY", KEY));
    sdk = OpenAIOkHttpClient.builder().apiKey("sk-client").baseUrl(gw.baseUrl() + "/v1").maxRetries(0).build();
  }

  @AfterAll
  static void stop() throws Exception {
    sdk.close();
    gw.close();
    upstream.close();
  }

  @BeforeEach
  void clear() {
    upstream.reset();
  }

  /** Validate strictly, then answer with a recorded JSON message. */
  static void answerJson(String fixture) {
    String body = Fixtures.read("anthropic/" + fixture);
    upstream.respond((req, b) -> {
      String error = StrictAnthropicValidator.validate(req.headers(), b.toString(), KEY);
      if (error != null) {
        req.response().setStatusCode(400).putHeader("content-type", "application/json")
            .end(StrictAnthropicValidator.errorBody(error));
      } else {
        req.response().putHeader("content-type", "application/json").putHeader("request-id", "req_fake_1").end(body);
      }
    });
  }

  static void answerSse(String fixture) {
    List<String> events = FakeUpstream.splitEvents(Fixtures.read("anthropic/" + fixture));
    upstream.respond((req, b) -> {
      String error = StrictAnthropicValidator.validate(req.headers(), b.toString(), KEY);
      if (error != null || !Json.MAPPER.valueToTree(true).equals(readTree(b.toString()).get("stream"))) {
        req.response().setStatusCode(400).end(StrictAnthropicValidator.errorBody(error == null ? "stream missing" : error));
        return;
      }
      var r = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
      events.forEach(r::write);
      r.end();
    });
  }

  static JsonNode readTree(String s) {
    try {
      return Json.MAPPER.readTree(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode sentBody() {
    return readTree(upstream.lastRequest().body());
  }

  @Test
  void plainChatWithSystemMessage() {
    answerJson("message_text_system_string.json");
    ChatCompletion c = sdk.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("anthropic:claude-sonnet-4-5")
        .addSystemMessage("Be concise.")
        .addUserMessage("What is the capital of France?")
        .build());

    assertThat(c.choices().get(0).message().content()).hasValue("The capital of France is Paris.");
    assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(20);
    assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(10);
    JsonNode sent = sentBody();
    assertThat(sent.get("model").asText()).isEqualTo("claude-sonnet-4-5");
    assertThat(sent.get("system").toString()).contains("Be concise.");
    assertThat(sent.get("max_tokens").asInt()).as("default from the model table").isEqualTo(64000);
    assertThat(upstream.lastRequest().path()).isEqualTo("/v1/messages");
  }

  @Test
  void toolsRoundTrip() {
    answerJson("message_tool_use.json");
    Map<String, Object> schema = Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string")),
        "required", List.of("city"));
    List<Object> tools = List.of(
        Map.of("type", "function", "function", Map.of("name", "get_weather", "parameters", schema)),
        Map.of("type", "function", "function", Map.of("name", "get_elevation", "parameters", schema)));
    ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder()
        .model("anthropic:claude-sonnet-4-5")
        .addUserMessage("What's the weather and elevation in Denver?")
        .putAdditionalBodyProperty("tools", JsonValue.from(tools));
    ChatCompletion first = sdk.chat().completions().create(params.build());

    var message = first.choices().get(0).message();
    assertThat(first.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    List<ChatCompletionMessageFunctionToolCall> calls = message.toolCalls().orElseThrow().stream()
        .map(t -> t.asFunction()).toList();
    assertThat(calls).extracting(ChatCompletionMessageFunctionToolCall::id)
        .containsExactly("toolu_01BBTvQnxdxk7vPHD1ytXyGs", "toolu_017Q9pGQ9Hx126pyyLLnVqJV");
    assertThat(calls).extracting(c -> c.function().name()).containsExactly("get_weather", "get_elevation");
    assertThat(readTree(calls.get(0).function().arguments())).isEqualTo(readTree("{\"city\":\"Denver\"}"));
    assertThat(sentBody().at("/tools/0/input_schema/properties/city/type").asText()).isEqualTo("string");

    answerJson("message_after_tool_result.json");
    params.addMessage(message);
    params.addMessage(ChatCompletionToolMessageParam.builder().toolCallId(calls.get(0).id()).content("Sunny, 22C").build());
    params.addMessage(ChatCompletionToolMessageParam.builder().toolCallId(calls.get(1).id()).content("1609 m").build());
    ChatCompletion second = sdk.chat().completions().create(params.build());

    assertThat(second.choices().get(0).message().content()).isPresent();
    JsonNode sent = sentBody();
    assertThat(sent.get("messages")).hasSize(3);
    JsonNode results = sent.at("/messages/2/content");
    assertThat(results).hasSize(2);
    assertThat(results.get(0).get("type").asText()).isEqualTo("tool_result");
    assertThat(results.get(1).get("tool_use_id").asText()).isEqualTo("toolu_017Q9pGQ9Hx126pyyLLnVqJV");
    assertThat(sent.at("/messages/1/content/1/input/city").asText()).isEqualTo("Denver");
  }

  @Test
  void imageAsDataUrl() {
    answerJson("message_image_base64_input.json");
    String png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
    ChatCompletion c = sdk.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("anthropic:claude-sonnet-4-5")
        .addMessage(ChatCompletionUserMessageParam.builder().contentOfArrayOfContentParts(List.of(
            ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("What is this?").build()),
            ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder().imageUrl(
                ChatCompletionContentPartImage.ImageUrl.builder().url("data:image/png;base64," + png).build()).build())))
            .build())
        .build());

    assertThat(c.choices().get(0).message().content()).isPresent();
    JsonNode image = sentBody().at("/messages/0/content/1");
    assertThat(image.get("type").asText()).isEqualTo("image");
    assertThat(image.at("/source/type").asText()).isEqualTo("base64");
    assertThat(image.at("/source/media_type").asText()).isEqualTo("image/png");
    assertThat(image.at("/source/data").asText()).isEqualTo(png);
  }

  @Test
  void streamingTextMatchesTheRecordedDeltasAndUsageIsRecorded() throws Exception {
    answerSse("stream_text.sse");
    StringBuilder expected = new StringBuilder();
    for (String d : Fixtures.sseData(Fixtures.read("anthropic/stream_text.sse"))) {
      JsonNode e = readTree(d);
      if (e.at("/delta/type").asText().equals("text_delta")) expected.append(e.at("/delta/text").asText());
    }
    StringBuilder text = new StringBuilder();
    long usageChunks = 0;
    try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
        .model("anthropic:claude-sonnet-4-5")
        .addUserMessage("List some ships")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
        .build())) {
      for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
        if (chunk.usage().isPresent()) usageChunks++;
        chunk.choices().forEach(ch -> ch.delta().content().ifPresent(text::append));
      }
    }
    assertThat(text.toString()).isNotEmpty().isEqualTo(expected.toString());
    assertThat(usageChunks).isEqualTo(1);
    assertThat(sentBody().get("stream").asBoolean()).isTrue();
    assertThat(sentBody().has("stream_options")).isFalse();
  }

  @Test
  void aStreamClosedBeforeAnthropicSaidHowItEndedIsATruncationError() throws Exception {
    List<String> events = FakeUpstream.splitEvents(Fixtures.read("anthropic/stream_text.sse"));
    // message_start, the text block's start, a ping and three deltas; no message_delta, no message_stop
    upstream.respondSse(String.join("", events.subList(0, 6)), 0);
    var resp = gw.post("/v1/chat/completions", "{\"model\":\"anthropic:claude-sonnet-4-5\",\"stream\":true,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"List some ships\"}]}");

    assertThat(resp.statusCode()).isEqualTo(200);
    List<String> data = Fixtures.sseData(resp.body());
    assertThat(data).doesNotContain("[DONE]");
    JsonNode error = readTree(data.get(data.size() - 1)).get("error");
    assertThat(error.get("type").asText()).isEqualTo("api_error");
    assertThat(error.get("code").asText()).isEqualTo("upstream_truncated");
    UsageRecord r = gw.recordFor(resp);
    assertThat(r.status()).isEqualTo(502);
    assertThat(r.errorType()).isEqualTo("api_error");
    assertThat(r.usage().completionTokens()).as("the text that went out is recorded").isGreaterThan(0);
  }

  @Test
  void streamingToolCallsArriveWithTheirOwnIndexIdsAndArguments() {
    answerSse("stream_tool_use_parallel.sse");
    Map<Long, String> ids = new TreeMap<>();
    Map<Long, String> names = new TreeMap<>();
    Map<Long, StringBuilder> args = new TreeMap<>();
    List<String> finish = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
        .model("anthropic:claude-sonnet-4-5")
        .addUserMessage("Weather in Paris and London?")
        .build())) {
      stream.stream().forEach(chunk -> chunk.choices().forEach(ch -> {
        ch.finishReason().ifPresent(f -> finish.add(f.asString()));
        ch.delta().toolCalls().ifPresent(list -> list.forEach(tc -> {
          tc.id().ifPresent(id -> ids.put(tc.index(), id));
          tc.function().flatMap(f -> f.name()).ifPresent(n -> names.put(tc.index(), n));
          tc.function().flatMap(f -> f.arguments()).ifPresent(a -> args.computeIfAbsent(tc.index(), k -> new StringBuilder()).append(a));
        }));
      }));
    }
    List<String> recordedIds = new ArrayList<>();
    for (String d : Fixtures.sseData(Fixtures.read("anthropic/stream_tool_use_parallel.sse"))) {
      JsonNode e = readTree(d);
      if (e.at("/content_block/type").asText().equals("tool_use")) recordedIds.add(e.at("/content_block/id").asText());
    }
    assertThat(ids.keySet()).containsExactly(0L, 1L);
    assertThat(new ArrayList<>(ids.values())).isEqualTo(recordedIds);
    assertThat(names).isNotEmpty();
    args.values().forEach(a -> assertThat(readTree(a.toString()).isObject()).isTrue());
    assertThat(finish).containsExactly("tool_calls");
  }

  @Test
  void cachedTokensAreCountedAndPricedAtTheCachedRates() throws Exception {
    answerJson("message_cache_usage.json");
    var resp = gw.post("/v1/chat/completions",
        "{\"model\":\"anthropic:claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about Python\"}]}");
    JsonNode body = readTree(resp.body());
    assertThat(body.at("/usage/prompt_tokens").asLong()).isEqualTo(3 + 1111 + 418);
    assertThat(body.at("/usage/prompt_tokens_details/cached_tokens").asLong()).isEqualTo(1111);
    UsageRecord r = gw.recordFor(resp);
    assertThat(r.usage().cacheWriteTokens()).isEqualTo(418);
    // claude-sonnet-4-5: input 3, cached read 0.30, 5-minute cache write 3.75, output 15 (USD per 1M)
    double expected = (3 * 3.0 + 1111 * 0.30 + 418 * 3.75 + 33 * 15.0) / 1e6;
    assertThat(r.costUsd()).isCloseTo(expected, within(1e-12));
    assertThat(body.at("/x_rec_llm/cost_usd").asDouble()).isCloseTo(expected, within(1e-12));
  }

  @Test
  void anUnknownStopReasonMapsToStopAndIsCounted() throws Exception {
    String message = Fixtures.read("anthropic/message_text_system_string.json").replace("\"end_turn\"", "\"brand_new_reason\"");
    upstream.respondJson(200, message);
    long before = ProviderCounters.unknownStopReasons();
    var resp = gw.post("/v1/chat/completions",
        "{\"model\":\"anthropic:claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(readTree(resp.body()).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(ProviderCounters.unknownStopReasons()).isEqualTo(before + 1);
    var metrics = gw.get("/metrics");
    assertThat(metrics.body()).contains("rec_llm_gateway_upstream_unknown_stop_reasons_total " + (double) (before + 1));
  }

  @Test
  void anthropicErrorsKeepTheirMeaning() {
    upstream.respondJson(529, Fixtures.read("anthropic/error_529_overloaded_error.json"));
    assertThatThrownBy(() -> sdk.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("anthropic:claude-sonnet-4-5").addUserMessage("hi").build()))
        .isInstanceOf(InternalServerException.class).hasMessageContaining("Overloaded");

    upstream.respondJson(429, Fixtures.read("anthropic/error_429_rate_limit_error.json"), "retry-after", "12");
    assertThatThrownBy(() -> sdk.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("anthropic:claude-sonnet-4-5").addUserMessage("hi").build()))
        .isInstanceOfSatisfying(RateLimitException.class,
            e -> assertThat(e.headers().values("retry-after")).containsExactly("12"));
  }

  @Test
  void unsupportedParametersAreRejectedBeforeAnyUpstreamCall() throws Exception {
    var resp = gw.post("/v1/chat/completions",
        "{\"model\":\"anthropic:claude-sonnet-4-5\",\"n\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(resp.statusCode()).isEqualTo(400);
    JsonNode error = readTree(resp.body()).get("error");
    assertThat(error.get("code").asText()).isEqualTo("unsupported_parameter");
    assertThat(error.get("param").asText()).isEqualTo("n");
    assertThat(upstream.requests()).isEmpty();
  }
}
