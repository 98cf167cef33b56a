package io.recllm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.fakes.GatewayHarness;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK, unchanged, pointed at the gateway. */
class OpenAiSdkTest {

  static FakeUpstream upstream;
  static GatewayHarness gw;
  static OpenAIClient sdk;

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeUpstream.start();
    gw = GatewayHarness.start("""
        providers:
          openai: { type: openai, base_url: "http://127.0.0.1:%d/v1", api_key: "${OPENAI_API_KEY}" }
        usage: { store: memory }
        """.formatted(upstream.port()), Map.of("OPENAI_API_KEY", "sk-upstream"));
    sdk = OpenAIOkHttpClient.builder().apiKey("sk-test").baseUrl(gw.baseUrl() + "/v1").maxRetries(0).build();
  }

  @AfterAll
  static void stop() throws Exception {
    sdk.close();
    gw.close();
    upstream.close();
  }

  static ChatCompletionCreateParams params(String model, String prompt) {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage(prompt).build();
  }

  static String streamText(ChatCompletionCreateParams params) {
    StringBuilder text = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(params)) {
      stream.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
    }
    return text.toString();
  }

  @Test
  void nonStreamingThroughTheOpenAiProvider() {
    upstream.respondJson(200, Fixtures.read("openai/chat_completion_text.json"));
    ChatCompletion c = sdk.chat().completions().create(params("gpt-4o", "What is the capital of France?"));
    assertThat(c.choices().get(0).message().content()).hasValue("The capital of France is Paris.");
    assertThat(c.model()).isEqualTo("gpt-4o-2024-08-06");
    assertThat(c.usage().orElseThrow().totalTokens()).isEqualTo(32);
    assertThat(c._additionalProperties()).containsKey("x_rec_llm");
  }

  @Test
  void streamingGivesTheSameTextAsTheNonStreamingCall() {
    String prompt = "Streaming and non-streaming must agree on this sentence.";
    String whole = sdk.chat().completions().create(params("mock:echo", prompt)).choices().get(0).message().content().orElseThrow();
    assertThat(streamText(params("mock:echo", prompt))).isEqualTo(whole).isEqualTo(prompt);
  }

  @Test
  void streamingRecordedTranscriptWithUsage() {
    upstream.respondSse(Fixtures.read("openai/stream_text_include_usage.sse"), 0);
    long[] usage = {0};
    StringBuilder text = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("What is the capital of Mexico?")
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      stream.stream().forEach(c -> {
        c.usage().ifPresent(u -> usage[0] = u.totalTokens());
        c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append));
      });
    }
    assertThat(text.toString()).isEqualTo("The capital of Mexico is Mexico City.");
    assertThat(usage[0]).isEqualTo(22);
  }

  @Test
  void errorsArriveAsTheSdksOwnExceptions() {
    assertThatThrownBy(() -> sdk.chat().completions().create(params("gemini:gemini-pro", "x")))
        .isInstanceOf(BadRequestException.class).hasMessageContaining("Provider \"gemini\" is not configured");
    assertThatThrownBy(() -> sdk.chat().completions().create(params("mock:error-429", "x")))
        .isInstanceOf(RateLimitException.class);
  }
}
