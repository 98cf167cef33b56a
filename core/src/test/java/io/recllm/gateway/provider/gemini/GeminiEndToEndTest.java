package io.recllm.gateway.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.fakes.StrictGeminiValidator;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.usage.UsageRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK and LangChain4j's OpenAI chat model talking to {@code gemini:*} models
 * through the gateway (plain, stream, tools), against a fake Gemini API that rejects requests the way
 * the real one would and replays recorded answers.
 */
class GeminiEndToEndTest {

  static final String KEY = "fake-gemini-key-for-tests";
  static FakeUpstream upstream;
  static GatewayHarness gw;
  static OpenAIClient sdk;
  /** The request URIs (path and query) the fake saw, in order. */
  static final List<String> uris = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeUpstream.start();
    gw = GatewayHarness.start("""
        providers:
          gemini: { type: gemini, base_url: "http://127.0.0.1:%d", api_key: "${GEMINI_API_KEY}" }
        usage: { store: memory }
        """.formatted(upstream.port()), Map.of("GEMINI_API_KEY", KEY));
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
    uris.clear();
  }

  static void answerJson(String fixture) {
    String body = Fixtures.read("gemini/" + fixture);
    upstream.respond((req, b) -> {
      uris.add(req.uri());
      String error = StrictGeminiValidator.validate(req.headers(), b.toString(), KEY);
      if (error != null || !req.path().endsWith(":generateContent")) {
        req.response().setStatusCode(400).putHeader("content-type", "application/json")
            .end(StrictGeminiValidator.errorBody(error != null ? error : "wrong method " + req.path()));
      } else {
        req.response().putHeader("content-type", "application/json; charset=UTF-8").end(body);
      }
    });
  }

  static void answerSse(String fixture) {
    List<String> events = FakeUpstream.splitEvents(Fixtures.read("gemini/" + fixture));
    upstream.respond((req, b) -> {
      uris.add(req.uri());
      String error = StrictGeminiValidator.validate(req.headers(), b.toString(), KEY);
      if (error != null || !req.uri().endsWith(":streamGenerateContent?alt=sse")) {
        req.response().setStatusCode(400).putHeader("content-type", "application/json")
            .end(StrictGeminiValidator.errorBody(error != null ? error : "wrong method " + req.uri()));
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

  static final Map<String, Object> COUNTRY_TOOL = Map.of("type", "function", "function",
      Map.of("name", "get_user_country", "description", "The user's country",
          "parameters", Map.of("type", "object", "properties", Map.of())));

  // ---- the OpenAI Java SDK --------------------------------------------------------------------

  @Test
  void sdkPlainChatWithSystemMessage() {
    answerJson("generate_text_system_instruction.json");
    ChatCompletion c = sdk.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gemini:gemini-2.0-flash")
        .addSystemMessage("You are a helpful assistant.")
        .addUserMessage("What is the capital of France?")
        .temperature(0.2)
        .build());

    assertThat(c.choices().get(0).message().content()).hasValue("The capital of France is Paris.\n");
    assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(13);
    assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(8);
    assertThat(uris).containsExactly("/v1beta/models/gemini-2.0-flash:generateContent");
    JsonNode sent = sentBody();
    assertThat(sent.at("/systemInstruction/parts/0/text").asText()).isEqualTo("You are a helpful assistant.");
    assertThat(sent.at("/generationConfig/temperature").asDouble()).isEqualTo(0.2);
    assertThat(upstream.lastRequest().headers().get("x-goog-api-key")).isEqualTo(KEY);
  }

  @Test
  void sdkStreamDeliversTheTextAndOneUsageChunk() {
    answerSse("stream_text.sse");
    StringBuilder text = new StringBuilder();
    List<ChatCompletionChunk> usage = new ArrayList<>();
    List<String> finish = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
        .model("gemini:gemini-2.0-flash")
        .addUserMessage("What is the capital of France?")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
        .build())) {
      stream.stream().forEach(chunk -> {
        if (chunk.usage().isPresent()) usage.add(chunk);
        chunk.choices().forEach(ch -> {
          ch.delta().content().ifPresent(text::append);
          ch.finishReason().ifPresent(f -> finish.add(f.asString()));
        });
      });
    }
    assertThat(text.toString()).isEqualTo("The capital of France is Paris.\n");
    assertThat(finish).containsExactly("stop");
    assertThat(usage).hasSize(1);
    assertThat(usage.get(0).usage().orElseThrow().totalTokens()).isEqualTo(21);
    assertThat(uris).containsExactly("/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
  }

  @Test
  void sdkToolCallRoundTrip() {
    answerJson("generate_tools_call.json");
    ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder()
        .model("gemini:gemini-2.0-flash")
        .addUserMessage("What is the largest city in the user country?")
        .putAdditionalBodyProperty("tools", JsonValue.from(List.of(COUNTRY_TOOL)));
    ChatCompletion first = sdk.chat().completions().create(params.build());

    assertThat(first.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    var message = first.choices().get(0).message();
    ChatCompletionMessageFunctionToolCall call = message.toolCalls().orElseThrow().get(0).asFunction();
    assertThat(call.function().name()).isEqualTo("get_user_country");
    assertThat(call.function().arguments()).isEqualTo("{}");
    assertThat(sentBody().at("/tools/0/functionDeclarations/0/name").asText()).isEqualTo("get_user_country");

    answerJson("generate_text_system_instruction.json");
    params.addMessage(message);
    params.addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("Mexico").build());
    ChatCompletion second = sdk.chat().completions().create(params.build());

    assertThat(second.choices().get(0).message().content()).isPresent();
    JsonNode contents = sentBody().get("contents");
    assertThat(contents).hasSize(3);
    assertThat(contents.at("/1/parts/0/functionCall/id").asText()).isEqualTo(call.id());
    assertThat(contents.at("/2/parts/0/functionResponse")).isEqualTo(readTree(
        "{\"id\":\"" + call.id() + "\",\"name\":\"get_user_country\",\"response\":{\"output\":\"Mexico\"}}"));
  }

  /** Gemini 3 refuses a function-call turn without its thought signature; reasoning_details carries it across. */
  @Test
  void thoughtSignaturesTravelThroughTheGatewayAndBack() throws Exception {
    answerJson("generate_tools_thought_signature_call.json");
    String question = "{\"model\":\"gemini:gemini-2.5-pro\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of France?\"}],"
        + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_capital\",\"parameters\":{\"type\":\"object\"}}}]}";
    var first = gw.post("/v1/chat/completions", question);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    JsonNode message = readTree(first.body()).at("/choices/0/message");
    assertThat(message.at("/reasoning_details/0/format").asText()).isEqualTo("google-gemini-v1");
    String signature = readTree(Fixtures.read("gemini/generate_tools_thought_signature_call.json"))
        .at("/candidates/0/content/parts/0/thoughtSignature").asText();
    assertThat(message.at("/reasoning_details/0/data").asText()).isEqualTo(signature);

    answerJson("generate_text_system_instruction.json");
    ObjectNode next = (ObjectNode) readTree(question);
    ArrayNode messages = (ArrayNode) next.get("messages");
    messages.add(message);
    messages.addObject().put("role", "tool").put("tool_call_id", message.at("/tool_calls/0/id").asText()).put("content", "Paris");
    var second = gw.post("/v1/chat/completions", next.toString());
    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    JsonNode part = sentBody().at("/contents/1/parts/0");
    assertThat(part.at("/functionCall/name").asText()).isEqualTo("get_capital");
    assertThat(part.get("thoughtSignature").asText()).isEqualTo(signature);
  }

  @Test
  void aBlockedPromptIsA400WithTheReasonStreamedOrNot() throws Exception {
    upstream.respond((req, b) -> req.response().putHeader("content-type", "application/json")
        .end(Fixtures.read("gemini/generate_prompt_blocked_safety.vertex.json")));
    assertThatThrownBy(() -> sdk.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gemini:gemini-2.0-flash").addUserMessage("something harmful").build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> {
          assertThat(e.getMessage()).contains("Gemini blocked the prompt");
          assertThat(e.code()).hasValue("content_filter");
        });

    answerSse("stream_prompt_blocked_safety.sse");
    var resp = gw.post("/v1/chat/completions", "{\"model\":\"gemini:gemini-2.0-flash\",\"stream\":true,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"something harmful\"}]}");
    assertThat(resp.statusCode()).isEqualTo(400);
    assertThat(readTree(resp.body()).at("/error/message").asText()).contains("blockReason SAFETY");
  }

  @Test
  void aQuotaErrorReachesTheClientWithGooglesRetryDelay() {
    upstream.respond((req, b) -> req.response().setStatusCode(429).putHeader("content-type", "application/json")
        .end(Fixtures.read("gemini/error_429_resource_exhausted.json")));
    assertThatThrownBy(() -> sdk.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gemini:gemini-2.5-flash").addUserMessage("Hi").build()))
        .isInstanceOfSatisfying(RateLimitException.class,
            e -> assertThat(e.headers().values("retry-after")).containsExactly("26"));
  }

  @Test
  void anUnsupportedFieldIsA400NotASilentDrop() {
    assertThatThrownBy(() -> sdk.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gemini:gemini-2.5-flash").addUserMessage("Hi").logprobs(true).build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> {
          assertThat(e.code()).hasValue("unsupported_parameter");
          assertThat(e.param()).hasValue("logprobs");
        });
    assertThat(upstream.requests()).isEmpty();
  }

  /** Cached prompt tokens at the cache-read rate, thinking tokens at the output rate (gemini-2.5-flash: 0.3 / 0.03 / 2.5 per 1M). */
  @Test
  void costCountsCachedAndThinkingTokens() throws Exception {
    answerJson("generate_cached_content_usage.json");
    var resp = gw.post("/v1/chat/completions", "{\"model\":\"gemini:gemini-2.5-flash\",\"cachedContent\":\"cachedContents/abc\","
        + "\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of France?\"}]}");
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    JsonNode body = readTree(resp.body());
    assertThat(body.at("/usage/completion_tokens_details/reasoning_tokens").asLong()).isEqualTo(42);
    // (3520 - 3512) * 0.3 + 3512 * 0.03 + (2 + 42) * 2.5, per 1M tokens
    assertThat(body.at("/x_rec_llm/cost_usd").decimalValue()).isEqualByComparingTo("0.00021776");
    assertThat(sentBody().get("cachedContent").asText()).isEqualTo("cachedContents/abc");
  }

  // ---- LangChain4j ----------------------------------------------------------------------------

  static OpenAiChatModel langchain() {
    return OpenAiChatModel.builder().baseUrl(gw.baseUrl() + "/v1").apiKey("sk-client")
        .modelName("gemini:gemini-2.0-flash").maxRetries(0).build();
  }

  @Test
  void langchain4jPlainChat() {
    answerJson("generate_text_system_instruction.json");
    ChatResponse r = langchain().chat(SystemMessage.from("You are a helpful assistant."),
        UserMessage.from("What is the capital of France?"));
    assertThat(r.aiMessage().text()).isEqualTo("The capital of France is Paris.\n");
    assertThat(r.tokenUsage().inputTokenCount()).isEqualTo(13);
    assertThat(r.tokenUsage().outputTokenCount()).isEqualTo(8);
    assertThat(sentBody().at("/systemInstruction/parts/0/text").asText()).isEqualTo("You are a helpful assistant.");
  }

  @Test
  void langchain4jStream() throws Exception {
    answerSse("stream_text.sse");
    OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder().baseUrl(gw.baseUrl() + "/v1").apiKey("sk-client")
        .modelName("gemini:gemini-2.0-flash").build();
    StringBuilder partial = new StringBuilder();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    model.chat("What is the capital of France?", new StreamingChatResponseHandler() {
      @Override
      public void onPartialResponse(String text) {
        partial.append(text);
      }

      @Override
      public void onCompleteResponse(ChatResponse response) {
        done.complete(response);
      }

      @Override
      public void onError(Throwable error) {
        done.completeExceptionally(error);
      }
    });
    ChatResponse r = done.get(30, TimeUnit.SECONDS);
    assertThat(partial.toString()).isEqualTo("The capital of France is Paris.\n");
    assertThat(r.aiMessage().text()).isEqualTo("The capital of France is Paris.\n");
    assertThat(r.tokenUsage().totalTokenCount()).isEqualTo(21);
    UsageRecord record = gw.records.stream().filter(UsageRecord::stream).reduce((a, b) -> b).orElseThrow();
    assertThat(record.usage().promptTokens()).isEqualTo(13);
  }

  @Test
  void langchain4jTools() {
    answerJson("generate_tools_call.json");
    ToolSpecification tool = ToolSpecification.builder().name("get_user_country").description("The user's country")
        .parameters(JsonObjectSchema.builder().build()).build();
    UserMessage question = UserMessage.from("What is the largest city in the user country?");
    ChatResponse first = langchain().chat(ChatRequest.builder().messages(question).toolSpecifications(tool).build());
    assertThat(first.aiMessage().hasToolExecutionRequests()).isTrue();
    ToolExecutionRequest call = first.aiMessage().toolExecutionRequests().get(0);
    assertThat(call.name()).isEqualTo("get_user_country");

    answerJson("generate_text_system_instruction.json");
    AiMessage ai = first.aiMessage();
    ChatResponse second = langchain().chat(ChatRequest.builder()
        .messages(question, ai, ToolExecutionResultMessage.from(call, "Mexico")).toolSpecifications(tool).build());
    assertThat(second.aiMessage().text()).isNotBlank();
    JsonNode response = sentBody().at("/contents/2/parts/0/functionResponse");
    assertThat(response.get("id").asText()).isEqualTo(call.id());
    assertThat(response.get("name").asText()).isEqualTo("get_user_country");
    assertThat(response.at("/response/output").asText()).isEqualTo("Mexico");
  }
}
