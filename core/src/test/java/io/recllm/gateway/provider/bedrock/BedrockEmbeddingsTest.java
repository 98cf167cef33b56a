package io.recllm.gateway.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/embeddings} to Bedrock's Titan and Cohere embedding models: the official OpenAI SDK's
 * {@code embeddings()} through the gateway against a fake Bedrock Runtime that checks each InvokeModel
 * request's SigV4 signature and answers the recorded bodies with their token-count header. The requests
 * are held to the recorded ones, the answers to golden files.
 */
class BedrockEmbeddingsTest {

  static final String SECRET = "fake-secret-access-key-for-tests";
  static final String TITAN = "bedrock:amazon.titan-embed-text-v2:0";
  static final String COHERE = "bedrock:cohere.embed-english-v3";
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

  /** Checks the signature and the InvokeModel path, then answers what {@code answer} makes of the body. */
  static void answer(String path, Function<JsonNode, String> answer, String tokenCount) {
    upstream.respond((req, b) -> {
      String problem = StrictBedrockValidator.signatureProblem(req.path(), req.headers(), b.toString(), "us-east-1",
          BedrockContractTest.KEY_ID, SECRET);
      if (problem == null && !req.path().equals(path)) problem = "unexpected path " + req.path();
      if (problem != null) {
        req.response().setStatusCode(400).putHeader("x-amzn-ErrorType", "ValidationException")
            .end("{\"message\":\"fake upstream: " + problem.replace("\"", "'") + "\"}");
        return;
      }
      JsonNode body;
      try {
        body = Json.MAPPER.readTree(b.toString());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      var r = req.response().putHeader("content-type", "application/json");
      if (tokenCount != null) r.putHeader("x-amzn-bedrock-input-token-count", tokenCount);
      r.end(answer.apply(body));
    });
  }

  /** The SDK's call with the usage record of exactly that call (a previous test's may still arrive). */
  record Answer(CreateEmbeddingResponse body, UsageRecord record) {}

  static Answer embed(EmbeddingCreateParams params) throws InterruptedException {
    var raw = sdk.embeddings().withRawResponse().create(params);
    CreateEmbeddingResponse body = raw.parse();
    return new Answer(body, gw.recordFor(raw.headers().values("x-request-id").get(0)));
  }

  static JsonNode fixture(String name) throws IOException {
    return Json.MAPPER.readTree(Fixtures.read("bedrock/" + name));
  }

  /** The recorded Titan v2 call: dimensions 256 and Titan's own normalize flag; usage is Bedrock's count. */
  @Test
  void titanThroughTheSdk() throws Exception {
    answer("/model/amazon.titan-embed-text-v2%3A0/invoke", body -> Fixtures.read("bedrock/invoke_model_titan_embed_v2.json"), "4");
    Answer a = embed(EmbeddingCreateParams.builder().model(TITAN)
        .input("Test embedding dimensions").dimensions(256)
        .putAdditionalBodyProperty("normalize", JsonValue.from(true)).build());
    CreateEmbeddingResponse r = a.body();
    assertThat(Json.MAPPER.readTree(upstream.lastRequest().body())).isEqualTo(fixture("invoke_model_titan_embed_v2.request.json"));
    JsonNode want = fixture("invoke_model_titan_embed_v2.json").get("embedding");
    List<Float> got = r.data().get(0).embedding();
    assertThat(got).hasSize(256);
    for (int i = 0; i < 256; i++) assertThat(got.get(i)).isEqualTo(want.get(i).floatValue());
    assertThat(r.usage().promptTokens()).isEqualTo(4);
    UsageRecord rec = a.record();
    assertThat(rec.endpoint()).isEqualTo("embeddings");
    assertThat(rec.usage().promptTokens()).isEqualTo(4);
    assertThat(rec.usage().estimated()).isFalse();
    // amazon.titan-embed-text-v2:0 at USD 0.02 per 1M input tokens
    assertThat(rec.costUsdExact()).isEqualByComparingTo("0.00000008");
  }

  @Test
  void titanFloatAnswerGolden() throws Exception {
    answer("/model/amazon.titan-embed-text-v2%3A0/invoke", body -> Fixtures.read("bedrock/invoke_model_titan_embed_v2.json"), null);
    HttpResponse<String> resp = gw.post("/v1/embeddings", "{\"model\":\"" + TITAN + "\",\"input\":\"Test embedding dimensions\","
        + "\"dimensions\":256,\"encoding_format\":\"float\"}");
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    ObjectNode body = (ObjectNode) Json.MAPPER.readTree(resp.body());
    assertThat(body.remove("x_rec_llm").get("provider").asText()).isEqualTo("bedrock");
    assertThat(body.at("/usage/prompt_tokens").asLong()).as("the body's inputTextTokenCount without the header").isEqualTo(4);
    golden("bedrock_titan_embed_v2.json", body);
  }

  /** Titan takes one text per call: a batch is one call per text, answered in input order. */
  @Test
  void aTitanBatchIsOneCallPerTextInOrder() throws Exception {
    answer("/model/amazon.titan-embed-text-v2%3A0/invoke", body -> {
      int n = body.get("inputText").asText().length();
      return "{\"embedding\":[" + n + ".0,0.5],\"inputTextTokenCount\":" + n + "}";
    }, null);
    List<String> texts = new ArrayList<>();
    for (int i = 1; i <= 20; i++) texts.add("x".repeat(i));
    CreateEmbeddingResponse r = sdk.embeddings().create(EmbeddingCreateParams.builder().model(TITAN)
        .inputOfArrayOfStrings(texts).build());
    assertThat(upstream.requests()).hasSize(20);
    assertThat(r.data()).hasSize(20);
    for (int i = 0; i < 20; i++) {
      assertThat(r.data().get(i).index()).isEqualTo(i);
      assertThat(r.data().get(i).embedding().get(0)).isEqualTo(i + 1f);
    }
    assertThat(r.usage().promptTokens()).isEqualTo(210); // 1 + 2 + ... + 20
  }

  /** The recorded Cohere call, with Cohere's own input_type and truncate passed on. */
  @Test
  void cohereThroughTheSdkAndGolden() throws Exception {
    answer("/model/cohere.embed-english-v3/invoke", body -> Fixtures.read("bedrock/invoke_model_cohere_embed_v3.json"), "4");
    Answer a = embed(EmbeddingCreateParams.builder().model(COHERE)
        .inputOfArrayOfStrings(List.of("Test input type setting"))
        .putAdditionalBodyProperty("input_type", JsonValue.from("classification"))
        .putAdditionalBodyProperty("truncate", JsonValue.from("NONE")).build());
    CreateEmbeddingResponse r = a.body();
    assertThat(Json.MAPPER.readTree(upstream.lastRequest().body())).isEqualTo(fixture("invoke_model_cohere_embed_v3.request.json"));
    JsonNode want = fixture("invoke_model_cohere_embed_v3.json").at("/embeddings/0");
    assertThat(r.data().get(0).embedding()).hasSize(1024);
    assertThat(r.data().get(0).embedding().get(1023)).isEqualTo(want.get(1023).floatValue());
    assertThat(r.usage().promptTokens()).isEqualTo(4);
    UsageRecord rec = a.record();
    assertThat(rec.costUsdExact()).isEqualByComparingTo("0.0000004"); // 4 tokens at USD 0.10 per 1M

    HttpResponse<String> resp = gw.post("/v1/embeddings", "{\"model\":\"" + COHERE + "\",\"input\":[\"Test input type setting\"],"
        + "\"input_type\":\"classification\",\"truncate\":\"NONE\",\"encoding_format\":\"float\"}");
    ObjectNode body = (ObjectNode) Json.MAPPER.readTree(resp.body());
    body.remove("x_rec_llm");
    golden("bedrock_cohere_embed_v3.json", body);
  }

  /** Without an input_type Cohere v3 refuses the call; the gateway sends the one that fits stored documents. */
  @Test
  void cohereGetsADefaultInputType() throws Exception {
    answer("/model/cohere.embed-english-v3/invoke", body -> Fixtures.read("bedrock/invoke_model_cohere_embed_v3.json"), "4");
    HttpResponse<String> resp = gw.post("/v1/embeddings", "{\"model\":\"" + COHERE + "\",\"input\":\"Test input type setting\"}");
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(upstream.lastRequest().body()).get("input_type").asText()).isEqualTo("search_document");
  }

  @Test
  void dimensionsAModelCannotHonourAndOtherModelsAreClear400s() throws Exception {
    HttpResponse<String> cohere = gw.post("/v1/embeddings", "{\"model\":\"" + COHERE + "\",\"input\":\"x\",\"dimensions\":256}");
    assertThat(cohere.statusCode()).isEqualTo(400);
    JsonNode error = Json.MAPPER.readTree(cohere.body()).get("error");
    assertThat(error.get("code").asText()).isEqualTo("unsupported_parameter");
    assertThat(error.get("param").asText()).isEqualTo("dimensions");
    HttpResponse<String> titanV1 = gw.post("/v1/embeddings",
        "{\"model\":\"bedrock:amazon.titan-embed-text-v1\",\"input\":\"x\",\"dimensions\":256}");
    assertThat(titanV1.statusCode()).isEqualTo(400);
    assertThat(titanV1.body()).contains("unsupported_parameter");
    HttpResponse<String> image = gw.post("/v1/embeddings", "{\"model\":\"bedrock:amazon.titan-embed-image-v1\",\"input\":\"x\"}");
    assertThat(image.statusCode()).isEqualTo(400);
    assertThat(image.body()).contains("amazon.titan-embed-text-v2:0");
    HttpResponse<String> foreign = gw.post("/v1/embeddings", "{\"model\":\"" + TITAN + "\",\"input\":\"x\",\"input_type\":\"query\"}");
    assertThat(foreign.statusCode()).as("Cohere's field is not Titan's").isEqualTo(400);
    assertThat(upstream.requests()).isEmpty();

    upstream.respond((req, b) -> req.response().setStatusCode(400).putHeader("x-amzn-ErrorType", "ValidationException")
        .putHeader("content-type", "application/json").end(Fixtures.read("bedrock/error_400_validation_invalid_model.json")));
    HttpResponse<String> refused = gw.post("/v1/embeddings", "{\"model\":\"" + TITAN + "\",\"input\":\"x\"}");
    assertThat(refused.statusCode()).as("an invalid model identifier reads as OpenAI's model not found").isEqualTo(404);
    assertThat(Json.MAPPER.readTree(refused.body()).at("/error/message").asText()).contains("model identifier is invalid");
  }

  static void golden(String name, JsonNode actual) throws IOException {
    String text = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(actual) + "\n";
    Path file = Path.of("src/test/resources/golden/embeddings", name);
    if (Boolean.getBoolean("golden.update") || !Files.exists(file)) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
      if (!Boolean.getBoolean("golden.update")) throw new AssertionError("golden file written, check it in: " + file);
    }
    assertThat(text).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
  }
}
