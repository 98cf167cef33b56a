package io.recllm.gateway.provider.azure;

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
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.usage.UsageRecord;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK and LangChain4j's OpenAI chat models talking to an {@code azure} provider
 * through the gateway (plain, stream, tools), against a fake Azure replaying recorded answers. No tool call
 * through Azure was recorded: the tool answers are OpenAI's recording, the shape Azure answers in.
 */
class AzureClientsEndToEndTest {

  static final String KEY = "azure-test-fake-key";
  static final String MODEL = "azure:gpt-4o";
  static FakeUpstream upstream;
  static GatewayHarness gw;
  static OpenAIClient sdk;

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeUpstream.start();
    gw = GatewayHarness.start("providers:\n  azure: { type: azure, base_url: \"http://127.0.0.1:" + upstream.port()
        + "\", api_key: \"${AZURE_OPENAI_API_KEY}\", api_version: \"2024-10-21\", deployments: { gpt-4o: my-gpt4o-deployment, text-embedding-3-small: my-embedding-deployment } }\n",
        Map.of("AZURE_OPENAI_API_KEY", KEY));
    sdk = OpenAIOkHttpClient.builder().apiKey("sk-client-test-fake").baseUrl(gw.baseUrl() + "/v1").maxRetries(0).build();
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

  /** Answers like Azure when the deployment URL and key are right, else with Azure's 404 / 401. */
  static void answer(String body, String contentType) {
    upstream.respond((req, b) -> {
      if (!KEY.equals(req.getHeader("api-key"))) {
        req.response().setStatusCode(401).putHeader("content-type", "application/json")
            .end("{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid subscription key.\"}}");
      } else if (!req.path().equals("/openai/deployments/my-gpt4o-deployment/chat/completions")
          || !"api-version=2024-10-21".equals(req.query())) {
        req.response().setStatusCode(404).putHeader("content-type", "application/json")
            .end("{\"error\":{\"code\":\"DeploymentNotFound\",\"message\":\"The API deployment for this resource does not exist.\"}}");
      } else {
        req.response().putHeader("content-type", contentType).end(body);
      }
    });
  }

  static JsonNode sentBody() {
    try {
      return Json.MAPPER.readTree(upstream.lastRequest().body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static final List<Object> TOOLS = List.of(Map.of("type", "function", "function",
      Map.of("name", "get_user_country", "parameters", Map.of("type", "object", "properties", Map.of()))));

  // ---- the official OpenAI Java SDK

  /** embeddings() to an Azure deployment: Azure's URL and key, the recorded OpenAI answer passed through. */
  @Test
  void sdkEmbeddingsGoToTheDeployment() throws Exception {
    upstream.respond((req, b) -> {
      boolean right = KEY.equals(req.getHeader("api-key"))
          && req.path().equals("/openai/deployments/my-embedding-deployment/embeddings") && "api-version=2024-10-21".equals(req.query());
      req.response().setStatusCode(right ? 200 : 404).putHeader("content-type", "application/json")
          .end(right ? Fixtures.read("openai-embeddings/embeddings_base64_batch.json")
              : "{\"error\":{\"code\":\"DeploymentNotFound\",\"message\":\"The API deployment for this resource does not exist.\"}}");
    });
    CreateEmbeddingResponse r = sdk.embeddings().create(EmbeddingCreateParams.builder()
        .model("azure:text-embedding-3-small").inputOfArrayOfStrings(List.of("hello", "world")).build());
    assertThat(r.data()).hasSize(2);
    assertThat(r.data().get(1).embedding()).hasSize(1536);
    assertThat(r.usage().promptTokens()).isEqualTo(2);
    assertThat(r._additionalProperties()).containsKey("x_rec_llm");
    UsageRecord rec = null;
    for (long deadline = System.currentTimeMillis() + 10_000; rec == null && System.currentTimeMillis() < deadline; Thread.sleep(5)) {
      rec = gw.records.stream().filter(x -> x.endpoint().equals("embeddings")).findFirst().orElse(null);
    }
    assertThat(rec).as("the embeddings call's record").isNotNull();
    assertThat(rec.provider()).isEqualTo("azure");
    assertThat(rec.costUsdExact()).isEqualByComparingTo("0.00000004"); // 2 tokens at USD 0.02 per 1M
    gw.records.clear();
  }

  @Test
  void sdkPlainCallKeepsAzuresFilterResultsAndIsPricedAsOpenAisModel() throws Exception {
    answer(Fixtures.read("azure/chat_completion_deployments.json"), "application/json");

    ChatCompletion c = sdk.chat().completions().create(ChatCompletionCreateParams.builder()
        .model(MODEL).addUserMessage("What is the capital of France?").build());

    assertThat(c.choices().get(0).message().content()).hasValue("The capital of France is **Paris**.");
    assertThat(c._additionalProperties()).containsKey("prompt_filter_results");
    assertThat(c.usage().orElseThrow().totalTokens()).isEqualTo(23);
    UsageRecord r = gw.awaitRecords(1).get(0);
    assertThat(r.provider()).isEqualTo("azure");
    assertThat(r.priceVersion()).as("OpenAI's row of the model that answered").isEqualTo("builtin:gpt-4o-2024-11-20@2024-11-20");
    assertThat(r.costNanoUsd()).isEqualTo(14 * 2_500L + 9 * 10_000L); // $2.50 / $10 per 1M tokens
    gw.records.clear();
  }

  @Test
  void sdkStreamSkipsAzuresFilterOnlyFirstEventAndEndsWithUsage() {
    answer(Fixtures.read("azure/stream_chat_completion_include_usage.sse"), "text/event-stream");
    StringBuilder text = new StringBuilder();
    long usageChunks = 0;
    try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
        .model(MODEL).addUserMessage("Hi")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
        assertThat(chunk.id()).startsWith("chatcmpl-");
        if (chunk.usage().isPresent()) usageChunks++;
        chunk.choices().forEach(ch -> ch.delta().content().ifPresent(text::append));
      }
    }
    assertThat(text).hasToString("Hello! How can I assist you today?");
    assertThat(usageChunks).isEqualTo(1);
    assertThat(sentBody().path("model").asText()).isEqualTo("my-gpt4o-deployment");
    assertThat(sentBody().at("/stream_options/include_usage").asBoolean()).isTrue();
  }

  @Test
  void sdkToolCallRoundTrip() {
    answer(Fixtures.read("openai/chat_completion_tool_calls.json"), "application/json");
    ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder()
        .model(MODEL).addUserMessage("Which country am I in?").putAdditionalBodyProperty("tools", JsonValue.from(TOOLS));

    ChatCompletion first = sdk.chat().completions().create(params.build());

    var message = first.choices().get(0).message();
    ChatCompletionMessageFunctionToolCall call = message.toolCalls().orElseThrow().get(0).asFunction();
    assertThat(call.function().name()).isEqualTo("get_user_country");
    assertThat(sentBody().at("/tools/0/function/name").asText()).isEqualTo("get_user_country");

    answer(Fixtures.read("azure/chat_completion_deployments.json"), "application/json");
    params.addMessage(message);
    params.addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("France").build());
    ChatCompletion second = sdk.chat().completions().create(params.build());

    assertThat(second.choices().get(0).message().content()).isPresent();
    JsonNode sent = sentBody().get("messages");
    assertThat(sent.get(1).at("/tool_calls/0/id").asText()).isEqualTo(call.id());
    assertThat(sent.get(2).path("role").asText()).isEqualTo("tool");
    assertThat(sent.get(2).path("tool_call_id").asText()).isEqualTo(call.id());
  }

  // ---- LangChain4j's OpenAI chat models

  @Test
  void langChain4jPlainStreamAndTools() throws Exception {
    OpenAiChatModel chat = OpenAiChatModel.builder().baseUrl(gw.baseUrl() + "/v1").apiKey("sk-client-test-fake")
        .modelName(MODEL).maxRetries(0).build();

    answer(Fixtures.read("azure/chat_completion_deployments.json"), "application/json");
    assertThat(chat.chat("What is the capital of France?")).isEqualTo("The capital of France is **Paris**.");

    answer(Fixtures.read("openai/chat_completion_tool_calls.json"), "application/json");
    ToolSpecification tool = ToolSpecification.builder().name("get_user_country").description("The user's country").build();
    UserMessage question = UserMessage.from("Which country am I in?");
    ChatResponse first = chat.chat(ChatRequest.builder().messages(question).toolSpecifications(tool).build());
    AiMessage ai = first.aiMessage();
    assertThat(ai.hasToolExecutionRequests()).isTrue();
    ToolExecutionRequest request = ai.toolExecutionRequests().get(0);
    assertThat(request.name()).isEqualTo("get_user_country");

    answer(Fixtures.read("azure/chat_completion_deployments.json"), "application/json");
    ChatResponse second = chat.chat(ChatRequest.builder()
        .messages(question, ai, ToolExecutionResultMessage.from(request, "France")).toolSpecifications(tool).build());
    assertThat(second.aiMessage().text()).isNotBlank();
    assertThat(sentBody().at("/messages/2/tool_call_id").asText()).isEqualTo(request.id());

    answer(Fixtures.read("azure/stream_chat_completion.sse"), "text/event-stream");
    OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder().baseUrl(gw.baseUrl() + "/v1")
        .apiKey("sk-client-test-fake").modelName(MODEL).build();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    StringBuilder partial = new StringBuilder();
    streaming.chat("Say hello in German", new StreamingChatResponseHandler() {
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
    ChatResponse streamed = done.get(10, TimeUnit.SECONDS);
    assertThat(partial).hasToString("Hallo Welt!");
    assertThat(streamed.aiMessage().text()).isEqualTo("Hallo Welt!");
  }
}
