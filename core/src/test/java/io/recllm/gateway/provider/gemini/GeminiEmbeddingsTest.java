package io.recllm.gateway.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.usage.UsageRecord;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/embeddings} to {@code gemini:*} models: the official OpenAI SDK's {@code embeddings()}
 * through the gateway against a fake Gemini API that checks each request as Gemini would and answers the
 * recorded {@code batchEmbedContents} body (and the {@code embedContent} body made from it). The requests
 * the gateway builds are held to the recorded requests byte for byte; the answers to golden files.
 */
class GeminiEmbeddingsTest {

  static final String KEY = "fake-gemini-key-for-tests";
  static final String TEXT = "Some text goes here";
  static FakeUpstream upstream;
  static GatewayHarness gw;
  static OpenAIClient sdk;

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeUpstream.start();
    gw = GatewayHarness.start("""
        providers:
          gemini: { type: gemini, base_url: "http://127.0.0.1:%d", api_key: "%s" }
        usage: { store: memory }
        """.formatted(upstream.port(), KEY), Map.of());
    sdk = OpenAIOkHttpClient.builder().apiKey("sk-client-fake").baseUrl(gw.baseUrl() + "/v1").maxRetries(0).build();
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
    gw.records.clear();
  }

  /** What the Gemini API would refuse: a wrong key or path, fields EmbedContentRequest does not have. */
  static String problem(FakeUpstream.Received req, String method) {
    if (!KEY.equals(req.headers().get("x-goog-api-key"))) return "x-goog-api-key missing or wrong";
    if (!req.path().equals("/v1beta/models/gemini-embedding-001:" + method)) return "unexpected path " + req.path();
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(req.body());
    } catch (IOException e) {
      return "body is not JSON";
    }
    List<JsonNode> requests = new java.util.ArrayList<>();
    if (method.equals("batchEmbedContents")) body.path("requests").forEach(requests::add);
    else requests.add(body);
    if (requests.isEmpty()) return "no requests";
    for (JsonNode r : requests) {
      for (var it = r.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!Set.of("model", "content", "taskType", "title", "outputDimensionality").contains(f)) {
          return "Unknown name \"" + f + "\": Cannot find field.";
        }
      }
      if (!r.path("content").path("parts").path(0).path("text").isTextual()) return "content has no text part";
      if (!r.path("model").asText().equals("models/gemini-embedding-001")) return "model must be models/gemini-embedding-001";
    }
    return null;
  }

  static void answer(String method, String fixture) {
    String body = Fixtures.read("gemini/" + fixture);
    upstream.respond((req, b) -> {
      String problem = problem(new FakeUpstream.Received(req.method().name(), req.path(), req.headers(), b.toString(), req.query()), method);
      if (problem != null) {
        req.response().setStatusCode(400).putHeader("content-type", "application/json").end(
            "{\"error\":{\"code\":400,\"message\":\"" + problem.replace("\"", "'") + "\",\"status\":\"INVALID_ARGUMENT\"}}");
        return;
      }
      req.response().putHeader("content-type", "application/json; charset=UTF-8").end(body);
    });
  }

  /** The SDK's call with the usage record of exactly that call (a previous test's may still arrive). */
  record Answer(CreateEmbeddingResponse body, UsageRecord record) {}

  static Answer embed(EmbeddingCreateParams params) throws InterruptedException {
    var raw = sdk.embeddings().withRawResponse().create(params);
    CreateEmbeddingResponse body = raw.parse();
    return new Answer(body, gw.recordFor(raw.headers().values("x-request-id").get(0)));
  }

  static JsonNode fixtureValues(String fixture, String pointer) throws IOException {
    return Json.MAPPER.readTree(Fixtures.read("gemini/" + fixture)).at(pointer);
  }

  /** One string goes to embedContent; the SDK asks for base64 and decodes Gemini's values from it. */
  @Test
  void oneTextThroughTheSdkIsEmbedContent() throws Exception {
    answer("embedContent", "embed_content.constructed.json");
    Answer a = embed(EmbeddingCreateParams.builder()
        .model("gemini:gemini-embedding-001").input(TEXT).dimensions(768).build());
    CreateEmbeddingResponse r = a.body();
    assertThat(upstream.lastRequest().body()).as("the recorded request, byte for byte")
        .isEqualTo(Fixtures.read("gemini/embed_content.constructed.request.json"));
    JsonNode want = fixtureValues("embed_content.constructed.json", "/embedding/values");
    assertThat(r.data()).hasSize(1);
    List<Float> got = r.data().get(0).embedding();
    assertThat(got).hasSize(768);
    for (int i = 0; i < 768; i++) assertThat(got.get(i)).isEqualTo(want.get(i).floatValue());
    assertThat(r.model()).isEqualTo("gemini-embedding-001");
    assertThat(r._additionalProperties()).containsKey("x_rec_llm");

    UsageRecord rec = a.record();
    assertThat(rec.endpoint()).isEqualTo("embeddings");
    assertThat(rec.usage().estimated()).as("Gemini reports no token count for embeddings").isTrue();
    long tokens = rec.usage().promptTokens();
    assertThat(tokens).isBetween(3L, 6L);
    assertThat(r.usage().promptTokens()).isEqualTo(tokens);
    // gemini-embedding-001 at USD 0.15 per 1M input tokens
    assertThat(rec.costUsdExact()).isEqualByComparingTo(new BigDecimal("0.00000015").multiply(BigDecimal.valueOf(tokens)));
  }

  /** An array goes to batchEmbedContents; float vectors keep Gemini's numbers as they were sent. */
  @Test
  void anArrayIsBatchEmbedContentsAndFloatsPassAsSent() throws Exception {
    answer("batchEmbedContents", "batch_embed_contents.json");
    HttpResponse<String> resp = gw.post("/v1/embeddings", "{\"model\":\"gemini:gemini-embedding-001\",\"input\":[\"" + TEXT
        + "\"],\"dimensions\":768,\"encoding_format\":\"float\"}");
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    assertThat(upstream.lastRequest().body()).isEqualTo(Fixtures.read("gemini/batch_embed_contents.request.json"));
    ObjectNode body = (ObjectNode) Json.MAPPER.readTree(resp.body());
    JsonNode x = body.remove("x_rec_llm");
    assertThat(x.get("provider").asText()).isEqualTo("gemini");
    assertThat(body.at("/data/0/embedding")).isEqualTo(fixtureValues("batch_embed_contents.json", "/embeddings/0/values"));
    golden("gemini_batch_embed_contents.json", body);
  }

  /** The SDK's own batch: two texts, one upstream call, vectors in input order. */
  @Test
  void twoTextsAreOneBatchInOrder() throws Exception {
    upstream.respond((req, b) -> req.response().putHeader("content-type", "application/json")
        .end("{\"embeddings\":[{\"values\":[0.25,-0.5]},{\"values\":[0.75,1.0]}]}"));
    CreateEmbeddingResponse r = sdk.embeddings().create(EmbeddingCreateParams.builder()
        .model("gemini:gemini-embedding-001").inputOfArrayOfStrings(List.of("first", "second")).build());
    assertThat(upstream.requests()).hasSize(1);
    assertThat(Json.MAPPER.readTree(upstream.lastRequest().body()).at("/requests/1/content/parts/0/text").asText()).isEqualTo("second");
    assertThat(r.data().get(0).index()).isZero();
    assertThat(r.data().get(0).embedding()).containsExactly(0.25f, -0.5f);
    assertThat(r.data().get(1).index()).isEqualTo(1);
    assertThat(r.data().get(1).embedding()).containsExactly(0.75f, 1.0f);
  }

  /** batchEmbedContents takes 100 requests: 150 texts are two calls, answered as one list in input order. */
  @Test
  void moreThanABatchIsSeveralCallsInOrder() throws Exception {
    upstream.respond((req, b) -> {
      StringBuilder out = new StringBuilder("{\"embeddings\":[");
      try {
        JsonNode requests = Json.MAPPER.readTree(b.toString()).get("requests");
        for (int i = 0; i < requests.size(); i++) {
          if (i > 0) out.append(',');
          out.append("{\"values\":[").append(requests.get(i).at("/content/parts/0/text").asText().substring(1)).append("]}");
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      req.response().putHeader("content-type", "application/json").end(out.append("]}").toString());
    });
    StringBuilder input = new StringBuilder("[");
    for (int i = 0; i < 150; i++) input.append(i > 0 ? "," : "").append("\"t").append(i).append('"');
    HttpResponse<String> resp = gw.post("/v1/embeddings", "{\"model\":\"gemini:gemini-embedding-001\",\"input\":" + input
        + "],\"encoding_format\":\"float\"}");
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    assertThat(upstream.requests()).extracting(r -> Json.MAPPER.readTree(r.body()).get("requests").size())
        .containsExactlyInAnyOrder(100, 50);
    JsonNode data = Json.MAPPER.readTree(resp.body()).get("data");
    assertThat(data).hasSize(150);
    for (int i = 0; i < 150; i++) {
      assertThat(data.get(i).get("index").asInt()).isEqualTo(i);
      assertThat(data.get(i).at("/embedding/0").asInt()).isEqualTo(i);
    }
  }

  @Test
  void taskTypeGoesOnAsGeminisOwnField() throws Exception {
    answer("embedContent", "embed_content.constructed.json");
    sdk.embeddings().create(EmbeddingCreateParams.builder().model("gemini:gemini-embedding-001").input(TEXT)
        .putAdditionalBodyProperty("task_type", JsonValue.from("RETRIEVAL_QUERY")).build());
    JsonNode sent = Json.MAPPER.readTree(upstream.lastRequest().body());
    assertThat(sent.get("taskType").asText()).isEqualTo("RETRIEVAL_QUERY");
    assertThat(sent.has("outputDimensionality")).isFalse();
  }

  @Test
  void whatGeminiCannotTakeIsAClear400() throws Exception {
    HttpResponse<String> tokens = gw.post("/v1/embeddings", "{\"model\":\"gemini:gemini-embedding-001\",\"input\":[[1,2,3]]}");
    assertThat(tokens.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(tokens.body()).at("/error/code").asText()).isEqualTo("unsupported_value");
    HttpResponse<String> unknown = gw.post("/v1/embeddings",
        "{\"model\":\"gemini:gemini-embedding-001\",\"input\":\"x\",\"truncate\":\"END\"}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(unknown.body()).at("/error/code").asText()).isEqualTo("unsupported_parameter");
    assertThat(Json.MAPPER.readTree(unknown.body()).at("/error/param").asText()).isEqualTo("truncate");
    HttpResponse<String> format = gw.post("/v1/embeddings",
        "{\"model\":\"gemini:gemini-embedding-001\",\"input\":\"x\",\"encoding_format\":\"int8\"}");
    assertThat(format.statusCode()).isEqualTo(400);
    assertThat(format.body()).contains("encoding_format");
    assertThat(upstream.requests()).isEmpty();

    upstream.respondJson(400, Fixtures.read("gemini/error_400_invalid_argument.json"));
    assertThatThrownBy(() -> sdk.embeddings().create(EmbeddingCreateParams.builder()
        .model("gemini:gemini-embedding-001").input("x").build())).isInstanceOf(BadRequestException.class);
  }

  /** Compared with src/test/resources/golden/embeddings/{name}; -Dgolden.update=true writes it instead. */
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
