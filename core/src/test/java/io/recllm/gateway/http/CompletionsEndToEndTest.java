package io.recllm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.TokenCounter;
import io.recllm.gateway.usage.UsageRecord;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The legacy {@code POST /v1/completions}, passed through to an OpenAI-compatible fake upstream and the
 * mock, plain and streamed, with the official OpenAI SDK's {@code completions()}. The upstream's answers
 * are constructed from the API reference (see fixtures/openai-completions/README.md).
 */
class CompletionsEndToEndTest {

  static FakeUpstream upstream;
  static GatewayHarness gw;
  static OpenAIClient sdk;

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeUpstream.start();
    gw = GatewayHarness.start("""
        providers:
          openai: { type: openai, base_url: "http://127.0.0.1:%d/v1", api_key: "sk-test-fake-upstream" }
        pricing:
          gpt-3.5-turbo-instruct: { input: 1.5, output: 2.0 }
        usage: { store: memory }
        """.formatted(upstream.port()), Map.of());
    sdk = OpenAIOkHttpClient.builder().apiKey("sk-test-fake-key").baseUrl(gw.baseUrl() + "/v1").maxRetries(0).build();
  }

  @AfterAll
  static void stop() throws Exception {
    sdk.close();
    gw.close();
    upstream.close();
  }

  @BeforeEach
  void reset() {
    upstream.reset();
  }

  static CompletionCreateParams params(String model, String prompt) {
    return CompletionCreateParams.builder().model(model).prompt(prompt).maxTokens(7).build();
  }

  /** The recorded call to the fake upstream's model, streamed or not; records come just after the response. */
  static UsageRecord record(boolean stream) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      for (UsageRecord r : gw.records) {
        if (r.model().equals("gpt-3.5-turbo-instruct") && r.stream() == stream && r.status() == 200) return r;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no record");
  }

  @Test
  void theSdkGetsTheUpstreamsCompletionAndTheCallIsRecorded() throws Exception {
    upstream.respondJson(200, Fixtures.read("openai-completions/completion.json"));
    Completion c = sdk.completions().create(params("gpt-3.5-turbo-instruct", "Say this is a test"));
    assertThat(c.choices().get(0).text()).isEqualTo("\n\nThis is indeed a test");
    assertThat(c.usage().orElseThrow().totalTokens()).isEqualTo(12);
    assertThat(c._additionalProperties()).containsKey("x_rec_llm");
    assertThat(upstream.lastRequest().path()).isEqualTo("/v1/completions");
    UsageRecord r = record(false);
    assertThat(r.endpoint()).isEqualTo("completions");
    assertThat(r.finishReason()).isEqualTo("length");
    assertThat(r.usage().promptTokens()).isEqualTo(5);
    assertThat(r.usage().completionTokens()).isEqualTo(7);
    // 5 x 1.5 + 7 x 2.0 per 1M tokens
    assertThat(r.costUsdExact()).isEqualByComparingTo("0.0000215");
  }

  @Test
  void theSdksStreamGetsEveryChunk() throws Exception {
    upstream.respondSse(Fixtures.read("openai-completions/stream_include_usage.sse"), 0);
    StringBuilder text = new StringBuilder();
    try (StreamResponse<Completion> stream = sdk.completions().createStreaming(params("gpt-3.5-turbo-instruct", "x"))) {
      stream.stream().forEach(c -> c.choices().forEach(ch -> text.append(ch.text())));
    }
    assertThat(text.toString()).isEqualTo("This is a test");
    JsonNode sent = Json.MAPPER.readTree(upstream.lastRequest().body());
    assertThat(sent.get("stream").asBoolean()).isTrue();
    assertThat(sent.path("stream_options").path("include_usage").asBoolean()).as("the gateway always asks").isTrue();
    UsageRecord r = record(true);
    assertThat(r.endpoint()).isEqualTo("completions");
    assertThat(r.stream()).isTrue();
    assertThat(r.usage().totalTokens()).isEqualTo(9);
    assertThat(r.usage().estimated()).isFalse();
    assertThat(r.ttftMs()).isGreaterThanOrEqualTo(0);
  }

  /** Every upstream event reaches the client as sent; the usage chunk gains x_rec_llm, nothing else changes. */
  @Test
  void streamEventsPassThroughByteForByte() throws Exception {
    String transcript = Fixtures.read("openai-completions/stream_include_usage.sse");
    upstream.respondSse(transcript, 0);
    HttpResponse<String> resp = gw.post("/v1/completions", "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":\"x\","
        + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
    List<String> sent = Fixtures.sseData(transcript);
    List<String> got = Fixtures.sseData(resp.body());
    assertThat(got).hasSameSizeAs(sent);
    for (int i = 0; i < sent.size(); i++) {
      if (sent.get(i).contains("\"usage\"")) {
        assertThat(got.get(i)).startsWith(sent.get(i).substring(0, sent.get(i).length() - 1) + ",\"x_rec_llm\":{");
      } else {
        assertThat(got.get(i)).isEqualTo(sent.get(i));
      }
    }
  }

  @Test
  void theMockCompletesOfflineInBothModes() throws Exception {
    Completion c = sdk.completions().create(params("mock:any", "echo me back"));
    assertThat(c.choices().get(0).text()).isEqualTo("echo me back");
    StringBuilder text = new StringBuilder();
    try (StreamResponse<Completion> stream = sdk.completions().createStreaming(params("mock:any", "echo me back"))) {
      stream.stream().forEach(x -> x.choices().forEach(ch -> text.append(ch.text())));
    }
    assertThat(text.toString()).isEqualTo("echo me back");
    HttpResponse<String> missing = gw.post("/v1/completions", "{\"model\":\"mock:any\"}");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).contains("'prompt'");
  }

  /** Some compatible servers answer without usage: the call is recorded with the tokenizer's counts, marked estimated. */
  @Test
  void anAnswerWithoutUsageIsRecordedAsEstimated() throws Exception {
    ObjectNode answer = (ObjectNode) Json.MAPPER.readTree(Fixtures.read("openai-completions/completion.json"));
    answer.remove("usage");
    upstream.respondJson(200, answer.toString());
    HttpResponse<String> resp = gw.post("/v1/completions",
        "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":[\"Say this is a test\",\"and again\"],\"max_tokens\":7}");
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(resp.body()).has("usage")).as("the body stays as the upstream sent it").isFalse();
    UsageRecord r = gw.recordFor(resp);
    assertThat(r.usage().estimated()).isTrue();
    assertThat(r.usage().promptTokens()).isEqualTo(TokenCounter.count("Say this is a test") + TokenCounter.count("and again"));
    assertThat(r.usage().completionTokens()).isEqualTo(TokenCounter.count("\n\nThis is indeed a test"));
    assertThat(r.costNanoUsd()).isPositive();
  }
}
