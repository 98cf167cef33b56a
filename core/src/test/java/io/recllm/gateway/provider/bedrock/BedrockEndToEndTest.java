package io.recllm.gateway.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.usage.UsageRecord;
import io.vertx.core.buffer.Buffer;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK and LangChain4j's OpenAI chat models talking to {@code bedrock:*} models
 * through the gateway, against a fake Bedrock Runtime that checks each request's SigV4 signature and
 * answers with recorded Converse bodies and event streams.
 */
class BedrockEndToEndTest {

  static final String SECRET = "fake-secret-access-key-for-tests";
  static final String NOVA = "bedrock:us.amazon.nova-micro-v1:0";
  static FakeUpstream upstream;
  static GatewayHarness gw;
  static OpenAIClient sdk;

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeUpstream.start();
    gw = GatewayHarness.start("""
        providers:
          bedrock: { type: bedrock, region: us-east-1, base_url: "http://127.0.0.1:%d", access_key_id: %s, secret_access_key: "${AWS_SECRET}" }
        usage: { store: memory }
        """.formatted(upstream.port(), BedrockContractTest.KEY_ID), Map.of("AWS_SECRET", SECRET));
    sdk = OpenAIOkHttpClient.builder().apiKey("sk-client-fake").baseUrl(gw.baseUrl() + "/v1").maxRetries(0).build();
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
    gw.records.clear();
  }

  /** Checks the signature, then answers with the fixture: JSON for /converse, binary frames for /converse-stream. */
  static void answer(String fixture) {
    answer(fixture.endsWith(".bin") ? Fixtures.bytes("bedrock/" + fixture) : null,
        fixture.endsWith(".bin") ? null : Fixtures.read("bedrock/" + fixture));
  }

  static void answer(byte[] stream, String json) {
    upstream.respond((req, b) -> {
      String problem = StrictBedrockValidator.validate(req.path(), req.headers(), b.toString(), "us-east-1",
          BedrockContractTest.KEY_ID, SECRET);
      boolean streaming = req.path().endsWith("/converse-stream");
      if (problem == null && streaming != (stream != null)) problem = "unexpected path " + req.path();
      if (problem != null) {
        req.response().setStatusCode(400).putHeader("x-amzn-ErrorType", "ValidationException")
            .end("{\"message\":\"fake upstream: " + problem.replace("\"", "'") + "\"}");
        return;
      }
      if (stream == null) {
        req.response().putHeader("content-type", "application/json").putHeader("x-amzn-requestid", "rid-e2e").end(json);
        return;
      }
      var r = req.response().setChunked(true).putHeader("content-type", BedrockClient.EVENT_STREAM);
      for (int from = 0; from < stream.length; from += 61) {
        r.write(Buffer.buffer().appendBytes(stream, from, Math.min(61, stream.length - from)));
      }
      r.end();
    });
  }

  static JsonNode sentBody() {
    try {
      return Json.MAPPER.readTree(upstream.lastRequest().body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- the official OpenAI Java SDK

  @Test
  void sdkPlainChat() throws Exception {
    answer("converse_text_system.json");
    ChatCompletion c = sdk.chat().completions().create(ChatCompletionCreateParams.builder()
        .model(NOVA).addSystemMessage("You are a helpful assistant.").addUserMessage("What is the capital of France?").build());
    assertThat(c.id()).isEqualTo("chatcmpl-rid-e2e");
    assertThat(c.choices().get(0).message().content().orElseThrow()).startsWith("The capital of France is Paris.");
    assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(13);
    assertThat(sentBody().at("/system/0/text").asText()).isEqualTo("You are a helpful assistant.");
    assertThat(upstream.lastRequest().path()).isEqualTo("/model/us.amazon.nova-micro-v1%3A0/converse");
  }

  @Test
  void sdkStreamWithUsage() throws Exception {
    answer("converse_stream_basic.bin");
    StringBuilder text = new StringBuilder();
    long[] usage = new long[2];
    ChatCompletionChunk.Choice.FinishReason[] finish = new ChatCompletionChunk.Choice.FinishReason[1];
    try (StreamResponse<ChatCompletionChunk> s = sdk.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
        .model(NOVA).addUserMessage("Hello").streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      s.stream().forEach(chunk -> {
        chunk.choices().forEach(ch -> {
          ch.delta().content().ifPresent(text::append);
          ch.finishReason().ifPresent(f -> finish[0] = f);
        });
        chunk.usage().ifPresent(u -> {
          usage[0] = u.promptTokens();
          usage[1] = u.completionTokens();
        });
      });
    }
    assertThat(text.toString()).isEqualTo("Hello! How can I assist you today? Whether you have a question, need information,"
        + " or just want to chat, I'm here to help.");
    assertThat(finish[0]).isEqualTo(ChatCompletionChunk.Choice.FinishReason.STOP);
    assertThat(usage).containsExactly(2, 32);
    UsageRecord r = gw.awaitRecords(1).get(0);
    assertThat(r.usage().completionTokens()).isEqualTo(32);
    assertThat(r.provider()).isEqualTo("bedrock");
  }

  @Test
  void sdkToolRoundTrip() throws Exception {
    answer("converse_tool_use.json");
    Map<String, Object> schema = Map.of("type", "object", "properties", Map.of("country", Map.of("type", "string")),
        "required", List.of("country"));
    ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model(NOVA)
        .addUserMessage("What is the capital of France?")
        .putAdditionalBodyProperty("tools", JsonValue.from(List.of(Map.of("type", "function", "function",
            Map.of("name", "get_capital", "description", "Get the capital of a country.", "parameters", schema)))));
    ChatCompletion first = sdk.chat().completions().create(params.build());
    var message = first.choices().get(0).message();
    assertThat(first.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    ChatCompletionMessageFunctionToolCall call = message.toolCalls().orElseThrow().get(0).asFunction();
    assertThat(call.id()).isEqualTo("tooluse_Ze_bgl9CSqu8aJv7XD-_Dw");
    assertThat(Json.MAPPER.readTree(call.function().arguments()).path("country").asText()).isEqualTo("France");
    assertThat(sentBody().at("/toolConfig/tools/0/toolSpec/inputSchema/json/properties/country/type").asText()).isEqualTo("string");

    answer("converse_after_tool_result_error.json");
    params.addMessage(message);
    params.addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("The country is not supported.").build());
    ChatCompletion second = sdk.chat().completions().create(params.build());
    assertThat(second.choices().get(0).message().content().orElseThrow()).contains("The capital of France is Paris.");
    JsonNode sent = sentBody();
    assertThat(sent.at("/messages/1/content/1/toolUse/toolUseId").asText()).isEqualTo(call.id());
    assertThat(sent.at("/messages/2/content/0/toolResult/toolUseId").asText()).isEqualTo(call.id());
  }

  @Test
  void sdkStreamedToolCall() throws Exception {
    answer("converse_stream_tool_use.bin");
    StringBuilder args = new StringBuilder();
    String[] idAndName = new String[2];
    try (StreamResponse<ChatCompletionChunk> s = sdk.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
        .model(NOVA).addUserMessage("What is the temperature of the capital of France?")
        .putAdditionalBodyProperty("tools", JsonValue.from(List.of(Map.of("type", "function", "function",
            Map.of("name", "get_temperature", "parameters", Map.of("type", "object")))))).build())) {
      s.stream().forEach(chunk -> chunk.choices().forEach(ch -> ch.delta().toolCalls().ifPresent(calls -> calls.forEach(tc -> {
        tc.id().ifPresent(id -> idAndName[0] = id);
        tc.function().flatMap(f -> f.name()).ifPresent(n -> idAndName[1] = n);
        tc.function().flatMap(f -> f.arguments()).ifPresent(args::append);
      }))));
    }
    assertThat(idAndName).containsExactly("tooluse_lAG_zP8QRHmSYOwZzzaCqA", "get_temperature");
    assertThat(Json.MAPPER.readTree(args.toString()).path("city").asText()).isEqualTo("Paris");
  }

  /** A Bedrock API key in {@code api_key} is sent as a bearer token, and nothing is signed. */
  @Test
  void anApiKeyIsABearerTokenInsteadOfASignature() throws Exception {
    upstream.respond((req, b) -> req.response().putHeader("content-type", "application/json")
        .end(Fixtures.read("bedrock/converse_text_system.json")));
    try (GatewayHarness keyed = GatewayHarness.start("""
        providers:
          bedrock: { type: bedrock, region: us-east-1, base_url: "http://127.0.0.1:%d", api_key: "${AWS_BEARER_TOKEN_BEDROCK}" }
        usage: { store: memory }
        """.formatted(upstream.port()), Map.of("AWS_BEARER_TOKEN_BEDROCK", "bedrock-api-key-fake-123"))) {
      HttpResponse<String> resp = keyed.post("/v1/chat/completions", "{\"model\":\"" + NOVA + "\","
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
      assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    }
    var headers = upstream.lastRequest().headers();
    assertThat(headers.get("authorization")).isEqualTo("Bearer bedrock-api-key-fake-123");
    assertThat(headers.contains("x-amz-date")).isFalse();
  }

  // ---- failures a client sees

  @Test
  void anExceptionInTheStreamEndsItWithTheSseErrorEvent() throws Exception {
    byte[] body = EventStreamFrames.concat(EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}"),
        EventStreamFrames.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hel\"}}"),
        EventStreamFrames.exception("throttlingException", "{\"message\":\"Too many tokens, please wait before trying again.\"}"));
    answer(body, null);
    HttpResponse<String> resp = gw.post("/v1/chat/completions", "{\"model\":\"" + NOVA + "\",\"stream\":true,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    assertThat(resp.statusCode()).isEqualTo(200);
    List<String> data = Fixtures.sseData(resp.body());
    assertThat(data).doesNotContain("[DONE]");
    JsonNode error = Json.MAPPER.readTree(data.get(data.size() - 1)).path("error");
    assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
    assertThat(error.path("message").asText()).isEqualTo("Too many tokens, please wait before trying again.");
    assertThat(data.get(1)).contains("\"content\":\"Hel\"");
  }

  @Test
  void aCorruptFrameEndsTheStreamCleanly() throws Exception {
    byte[] body = Fixtures.bytes("bedrock/converse_stream_basic.bin").clone();
    body[600] ^= 0x40;
    answer(body, null);
    HttpResponse<String> resp = gw.post("/v1/chat/completions", "{\"model\":\"" + NOVA + "\",\"stream\":true,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    List<String> data = Fixtures.sseData(resp.body());
    JsonNode error = Json.MAPPER.readTree(data.get(data.size() - 1)).path("error");
    assertThat(error.path("code").asText()).isEqualTo("bad_upstream_stream");
    assertThat(error.path("message").asText()).contains("checksum");
  }

  @Test
  void anHttpsImageIsAClear400AndNothingIsSent() throws Exception {
    HttpResponse<String> resp = gw.post("/v1/chat/completions", "{\"model\":\"" + NOVA + "\",\"messages\":[{\"role\":\"user\","
        + "\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.png\"}}]}]}");
    assertThat(resp.statusCode()).isEqualTo(400);
    JsonNode error = Json.MAPPER.readTree(resp.body()).path("error");
    assertThat(error.path("code").asText()).isEqualTo("unsupported_value");
    assertThat(error.path("message").asText()).contains("image bytes, not URLs");
    assertThat(upstream.requests()).isEmpty();
  }

  // ---- LangChain4j's OpenAI chat models

  private static OpenAiChatModel.OpenAiChatModelBuilder lc4j() {
    return OpenAiChatModel.builder().baseUrl(gw.baseUrl() + "/v1").apiKey("sk-client-fake").modelName(NOVA).maxRetries(0);
  }

  @Test
  void langChain4jPlainAndTools() throws Exception {
    answer("converse_text_system.json");
    ChatResponse plain = lc4j().build().chat(ChatRequest.builder().messages(UserMessage.from("What is the capital of France?")).build());
    assertThat(plain.aiMessage().text()).startsWith("The capital of France is Paris.");
    assertThat(plain.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(plain.tokenUsage().inputTokenCount()).isEqualTo(13);

    answer("converse_tool_use.json");
    ToolSpecification spec = ToolSpecification.builder().name("get_capital").description("Get the capital of a country.")
        .parameters(JsonObjectSchema.builder().addStringProperty("country").required("country").build()).build();
    UserMessage question = UserMessage.from("What is the capital of France?");
    OpenAiChatModel model = lc4j().build();
    ChatResponse first = model.chat(ChatRequest.builder().messages(question).toolSpecifications(spec).build());
    ToolExecutionRequest call = first.aiMessage().toolExecutionRequests().get(0);
    assertThat(call.id()).isEqualTo("tooluse_Ze_bgl9CSqu8aJv7XD-_Dw");
    assertThat(call.name()).isEqualTo("get_capital");
    assertThat(first.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);

    answer("converse_after_tool_result_error.json");
    AiMessage assistant = first.aiMessage();
    ChatResponse second = model.chat(ChatRequest.builder().messages(question, assistant,
        ToolExecutionResultMessage.from(call, "The country is not supported.")).toolSpecifications(spec).build());
    assertThat(second.aiMessage().text()).contains("Paris");
    assertThat(sentBody().at("/messages/2/content/0/toolResult/toolUseId").asText()).isEqualTo(call.id());
  }

  @Test
  void langChain4jStreaming() throws Exception {
    answer("converse_stream_basic.bin");
    OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder().baseUrl(gw.baseUrl() + "/v1").apiKey("sk-client-fake")
        .modelName(NOVA).build();
    StringBuilder partial = new StringBuilder();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    model.chat(ChatRequest.builder().messages(UserMessage.from("Hello")).build(), new StreamingChatResponseHandler() {
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
    ChatResponse response = done.get(30, TimeUnit.SECONDS);
    assertThat(partial.toString()).startsWith("Hello! How can I assist you today?");
    assertThat(response.aiMessage().text()).isEqualTo(partial.toString());
    assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
  }
}
