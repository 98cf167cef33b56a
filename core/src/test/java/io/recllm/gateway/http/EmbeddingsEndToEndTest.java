package io.recllm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
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
 * {@code POST /v1/embeddings} through the whole call chain: the official OpenAI SDK's {@code embeddings()}
 * against an OpenAI-compatible fake upstream answering recorded wire data, pass-through byte for byte,
 * usage and cost, the mock's deterministic vectors, and providers that serve no embeddings.
 */
class EmbeddingsEndToEndTest {

  static FakeUpstream upstream;
  static GatewayHarness gw;
  static OpenAIClient sdk;

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeUpstream.start();
    gw = GatewayHarness.start("""
        providers:
          openai: { type: openai, base_url: "http://127.0.0.1:%d/v1", api_key: "${OPENAI_API_KEY}" }
          anthropic: { type: anthropic, base_url: "http://127.0.0.1:%d", api_key: "sk-ant-test-fake-key" }
        usage: { store: memory }
        """.formatted(upstream.port(), upstream.port()), Map.of("OPENAI_API_KEY", "sk-test-fake-upstream"));
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

  /** The SDK asks for base64 by default and decodes it itself; the recorded answer is base64 too. */
  @Test
  void theOpenAiSdkGetsTheUpstreamsVectors() throws Exception {
    upstream.respondJson(200, Fixtures.read("openai-embeddings/embeddings_base64_batch.json"));
    CreateEmbeddingResponse r = sdk.embeddings().create(EmbeddingCreateParams.builder()
        .model("text-embedding-3-small").inputOfArrayOfStrings(List.of("hello", "world")).build());
    assertThat(r.data()).hasSize(2);
    assertThat(r.data().get(0).embedding()).hasSize(1536);
    assertThat(r.usage().promptTokens()).isEqualTo(2);
    assertThat(r._additionalProperties()).containsKey("x_rec_llm");
    JsonNode sent = Json.MAPPER.readTree(upstream.lastRequest().body());
    assertThat(upstream.lastRequest().path()).isEqualTo("/v1/embeddings");
    assertThat(sent.get("encoding_format").asText()).isEqualTo("base64");
    assertThat(upstream.lastRequest().headers().get("authorization")).isEqualTo("Bearer sk-test-fake-upstream");
  }

  /** What the upstream sent is what the client gets, with only x_rec_llm added before the closing brace. */
  @Test
  void floatAnswersPassThroughByteForByte() throws Exception {
    String upstreamBody = Fixtures.read("openai-embeddings/embeddings_float.derived.json");
    upstream.respondJson(200, upstreamBody);
    String request = Fixtures.read("openai-embeddings/embeddings_float.derived.request.json");
    HttpResponse<String> resp = gw.post("/v1/embeddings", request);
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(upstream.lastRequest().body()).as("the client's bytes go upstream as sent").isEqualTo(request);
    String body = resp.body();
    int ext = body.lastIndexOf(",\"x_rec_llm\":");
    assertThat(ext).isPositive();
    String close = upstreamBody.substring(upstreamBody.lastIndexOf('}'));
    assertThat(body.substring(0, ext) + close).isEqualTo(upstreamBody);
    JsonNode x = Json.MAPPER.readTree(body.substring(ext + ",\"x_rec_llm\":".length(), body.lastIndexOf('}')));
    assertThat(x.get("provider").asText()).isEqualTo("openai");
    assertThat(x.has("cost_usd")).isTrue();
  }

  @Test
  void usageAndCostAreRecordedUnderTheEmbeddingsEndpoint() throws Exception {
    upstream.respondJson(200, Fixtures.read("openai-embeddings/embeddings_base64_batch.json"));
    HttpResponse<String> resp = gw.post("/v1/embeddings",
        Fixtures.read("openai-embeddings/embeddings_base64_batch.request.json"));
    assertThat(resp.statusCode()).isEqualTo(200);
    UsageRecord r = gw.recordFor(resp);
    assertThat(r.endpoint()).isEqualTo("embeddings");
    assertThat(r.usage().promptTokens()).isEqualTo(2);
    assertThat(r.usage().completionTokens()).isZero();
    // 2 tokens at USD 0.02 per 1M tokens
    assertThat(r.costUsdExact()).isEqualByComparingTo("0.00000004");
    assertThat(r.priceVersion()).contains("text-embedding-3-small");
    JsonNode x = Json.MAPPER.readTree(resp.body()).get("x_rec_llm");
    assertThat(x.get("cost_usd").decimalValue()).isEqualByComparingTo("0.00000004");

    JsonNode byEndpoint = Json.MAPPER.readTree(gw.get("/v1/usage?group_by=endpoint").body());
    assertThat(byEndpoint.get("group_by").toString()).isEqualTo("[\"endpoint\"]");
    JsonNode embeddings = null;
    for (JsonNode row : byEndpoint.get("data")) if (row.get("endpoint").asText().equals("embeddings")) embeddings = row;
    assertThat(embeddings).isNotNull();
    assertThat(embeddings.get("prompt_tokens").asLong()).isGreaterThanOrEqualTo(2);
    String requestsCsv = gw.get("/v1/usage/requests?format=csv").body();
    assertThat(requestsCsv.split("\r\n")[0]).contains(",endpoint,attempt");
  }

  @Test
  void theMockAnswersDeterministicallyInBothEncodings() throws Exception {
    String body = "{\"model\":\"mock:embed\",\"input\":[\"same text\",\"other\"],\"encoding_format\":\"float\"}";
    JsonNode first = Json.MAPPER.readTree(gw.post("/v1/embeddings", body).body());
    JsonNode again = Json.MAPPER.readTree(gw.post("/v1/embeddings", body).body());
    assertThat(first.get("data")).isEqualTo(again.get("data"));
    assertThat(first.get("data").get(0).get("embedding")).hasSize(8);
    assertThat(first.get("data").get(0).get("embedding")).isNotEqualTo(first.get("data").get(1).get("embedding"));
    CreateEmbeddingResponse viaSdk = sdk.embeddings().create(EmbeddingCreateParams.builder().model("mock:embed")
        .input("same text").dimensions(8).build()); // base64 on the wire, decoded by the SDK
    List<Float> decoded = viaSdk.data().get(0).embedding();
    for (int i = 0; i < 8; i++) {
      assertThat(decoded.get(i)).isEqualTo(first.get("data").get(0).get("embedding").get(i).floatValue());
    }
  }

  @Test
  void aProviderWithoutEmbeddingsAnswersAClear400() throws Exception {
    HttpResponse<String> resp = gw.post("/v1/embeddings", "{\"model\":\"anthropic:claude-sonnet-4-5\",\"input\":\"x\"}");
    assertThat(resp.statusCode()).isEqualTo(400);
    JsonNode error = Json.MAPPER.readTree(resp.body()).get("error");
    assertThat(error.get("code").asText()).isEqualTo("unsupported_endpoint");
    assertThat(error.get("message").asText()).contains("anthropic", "/v1/embeddings");
    assertThat(upstream.requests()).isEmpty();
    assertThatThrownBy(() -> sdk.embeddings().create(EmbeddingCreateParams.builder().model("openai:x").build()))
        .isInstanceOf(IllegalStateException.class); // the SDK itself requires input
    HttpResponse<String> noInput = gw.post("/v1/embeddings", "{\"model\":\"openai:text-embedding-3-small\"}");
    assertThat(noInput.statusCode()).isEqualTo(400);
    assertThat(noInput.body()).contains("missing_required_parameter", "'input'");
    assertThat(upstream.requests()).isEmpty();
    assertThatThrownBy(() -> sdk.embeddings().create(EmbeddingCreateParams.builder()
        .model("anthropic:claude-sonnet-4-5").input("x").build()))
        .isInstanceOf(BadRequestException.class).hasMessageContaining("does not serve /v1/embeddings");
  }

  /** An OpenAI-compatible server that answers without usage: recorded with the tokenizer's count, marked estimated. */
  @Test
  void anAnswerWithoutUsageIsRecordedAsEstimated() throws Exception {
    ObjectNode answer = (ObjectNode) Json.MAPPER.readTree(Fixtures.read("openai-embeddings/embeddings_float.derived.json"));
    answer.remove("usage");
    upstream.respondJson(200, answer.toString());
    HttpResponse<String> resp = gw.post("/v1/embeddings",
        "{\"model\":\"text-embedding-3-small\",\"input\":[\"hello world\",[1,2,3]],\"encoding_format\":\"float\"}");
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(resp.body()).has("usage")).as("the body stays as the upstream sent it").isFalse();
    UsageRecord r = gw.recordFor(resp);
    assertThat(r.usage().estimated()).isTrue();
    assertThat(r.usage().promptTokens()).as("text counted, token ids taken as they are").isEqualTo(TokenCounter.count("hello world") + 3);
    assertThat(r.costNanoUsd()).isPositive();
  }
}
