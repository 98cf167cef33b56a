package io.recllm.gateway.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.fakes.StrictGeminiValidator;
import io.recllm.gateway.json.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vertex AI mode: a service-account JSON whose {@code token_uri} points at a fake OAuth2 token endpoint
 * (the key is generated here), and a fake Vertex endpoint that wants that token. No network.
 */
class GeminiVertexTest {

  static final String MODEL_PATH = "/v1/projects/test-project/locations/europe-west4/publishers/google/models/gemini-2.0-flash";

  @TempDir
  Path dir;
  KeyPair key;
  FakeUpstream tokens;
  FakeUpstream vertex;
  GatewayHarness gw;
  final AtomicInteger issued = new AtomicInteger();
  volatile long expiresIn = 3600;

  @BeforeEach
  void start() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    key = generator.generateKeyPair();
    tokens = FakeUpstream.start();
    tokens.respond((req, body) -> {
      String problem = checkAssertion(body.toString());
      if (problem != null) {
        req.response().setStatusCode(400).putHeader("content-type", "application/json")
            .end("{\"error\":\"invalid_grant\",\"error_description\":\"" + problem + "\"}");
        return;
      }
      req.response().putHeader("content-type", "application/json").end("{\"access_token\":\"ya29.fake-token-"
          + issued.incrementAndGet() + "\",\"expires_in\":" + expiresIn + ",\"token_type\":\"Bearer\"}");
    });
    vertex = FakeUpstream.start();
    Path credentials = dir.resolve("service-account.json");
    ObjectNode sa = Json.object()
        .put("type", "service_account")
        .put("project_id", "test-project")
        .put("private_key_id", "fake-key-id")
        .put("private_key", "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n")
        .put("client_email", "gateway@test-project.iam.gserviceaccount.com")
        .put("client_id", "1234567890")
        .put("token_uri", "http://127.0.0.1:" + tokens.port() + "/token");
    Files.writeString(credentials, sa.toString());
    gw = GatewayHarness.start("""
        providers:
          vertex:
            type: gemini
            base_url: "http://127.0.0.1:%d"
            vertex: { project: test-project, location: europe-west4, credentials_file: "%s" }
        usage: { store: memory }
        """.formatted(vertex.port(), credentials), Map.of());
  }

  @AfterEach
  void stop() throws Exception {
    gw.close();
    vertex.close();
    tokens.close();
  }

  /** The JWT bearer grant google-auth-library sends, signed with the service account's key. */
  String checkAssertion(String form) {
    Map<String, String> fields = new HashMap<>();
    for (String pair : form.split("&")) {
      int eq = pair.indexOf('=');
      fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(fields.get("grant_type"))) return "grant_type";
    String[] jwt = fields.getOrDefault("assertion", "").split("\\.");
    if (jwt.length != 3) return "assertion is not a JWT";
    try {
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initVerify(key.getPublic());
      rs256.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
      if (!rs256.verify(Base64.getUrlDecoder().decode(jwt[2]))) return "bad signature";
      JsonNode claims = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(jwt[1]));
      if (!claims.path("iss").asText().equals("gateway@test-project.iam.gserviceaccount.com")) return "iss";
      if (!claims.path("scope").asText().contains("https://www.googleapis.com/auth/cloud-platform")) return "scope";
    } catch (Exception e) {
      return e.toString();
    }
    return null;
  }

  void answer(String fixture, boolean stream) {
    String body = Fixtures.read("gemini/" + fixture);
    vertex.respond((req, b) -> {
      String expectedUri = MODEL_PATH + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
      String problem = StrictGeminiValidator.validate(req.headers(), b.toString(), "Bearer ya29.fake-token-" + issued.get());
      if (problem == null && !req.uri().equals(expectedUri)) problem = "wrong URI " + req.uri();
      if (problem != null) {
        req.response().setStatusCode(401).putHeader("content-type", "application/json")
            .end(StrictGeminiValidator.errorBody(problem).replace("INVALID_ARGUMENT", "UNAUTHENTICATED"));
        return;
      }
      if (stream) {
        var r = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
        FakeUpstream.splitEvents(body).forEach(r::write);
        r.end();
      } else {
        req.response().putHeader("content-type", "application/json").end(body);
      }
    });
  }

  static final String QUESTION = "{\"model\":\"vertex:gemini-2.0-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

  @Test
  void callsVertexWithATokenFromTheServiceAccountAndReusesIt() throws Exception {
    answer("generate_text_system_instruction.json", false);
    for (int i = 0; i < 3; i++) {
      var resp = gw.post("/v1/chat/completions", QUESTION);
      assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
      assertThat(Json.MAPPER.readTree(resp.body()).at("/choices/0/message/content").asText())
          .isEqualTo("The capital of France is Paris.\n");
    }
    assertThat(issued.get()).as("one token for all three calls").isEqualTo(1);
    assertThat(vertex.requests()).hasSize(3);

    answer("stream_text.sse", true);
    var stream = gw.post("/v1/chat/completions", QUESTION.replace("{\"model\"", "{\"stream\":true,\"model\""));
    assertThat(stream.statusCode()).isEqualTo(200);
    List<String> data = Fixtures.sseData(stream.body());
    assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
    assertThat(issued.get()).isEqualTo(1);
  }

  @Test
  void aTokenAboutToExpireIsReplaced() throws Exception {
    expiresIn = 60; // inside the refresh margin at once
    answer("generate_text_system_instruction.json", false);
    assertThat(gw.post("/v1/chat/completions", QUESTION).statusCode()).isEqualTo(200);
    assertThat(gw.post("/v1/chat/completions", QUESTION).statusCode()).isEqualTo(200);
    assertThat(issued.get()).isEqualTo(2);
  }

  @Test
  void aFailingTokenEndpointIsAClearErrorAndNothingGoesToVertex() throws Exception {
    tokens.respond((req, b) -> req.response().setStatusCode(400).putHeader("content-type", "application/json")
        .end("{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}"));
    answer("generate_text_system_instruction.json", false);
    var resp = gw.post("/v1/chat/completions", QUESTION);
    assertThat(resp.statusCode()).isEqualTo(500);
    JsonNode error = Json.MAPPER.readTree(resp.body()).get("error");
    assertThat(error.get("code").asText()).isEqualTo("vertex_auth_failed");
    assertThat(error.get("message").asText()).contains("could not get a Vertex AI access token", "invalid_grant");
    assertThat(vertex.requests()).isEmpty();
  }

  /**
   * Embeddings on Vertex AI go to {@code :predict}, one text per call (Gemini embedding models there take
   * one instance per request), and usage is Vertex's own token count. The answers are made here in the
   * shape of Vertex's text-embedding prediction ({@code predictions[].embeddings.values} and
   * {@code statistics.token_count}); no recording of it was available.
   */
  @Test
  void embeddingsArePredictCallsWithVertexsTokenCounts() throws Exception {
    vertex.respond((req, b) -> {
      String problem = "Bearer ya29.fake-token-" + issued.get();
      problem = problem.equals(req.headers().get("authorization")) ? null : "authorization must be " + problem;
      String expected = "/v1/projects/test-project/locations/europe-west4/publishers/google/models/gemini-embedding-001:predict";
      if (problem == null && !req.uri().equals(expected)) problem = "wrong URI " + req.uri();
      JsonNode body = Json.MAPPER.createObjectNode();
      try {
        body = Json.MAPPER.readTree(b.toString());
      } catch (Exception e) {
        problem = "body is not JSON";
      }
      if (problem == null && body.path("instances").size() != 1) problem = "one instance per request";
      if (problem != null) {
        req.response().setStatusCode(400).putHeader("content-type", "application/json")
            .end(StrictGeminiValidator.errorBody(problem));
        return;
      }
      String text = body.at("/instances/0/content").asText();
      req.response().putHeader("content-type", "application/json").end("{\"predictions\":[{\"embeddings\":{\"statistics\":"
          + "{\"truncated\":false,\"token_count\":" + text.length() + "},\"values\":[" + text.length() + ".5,-0.25]}}]}");
    });
    var resp = gw.post("/v1/embeddings", "{\"model\":\"vertex:gemini-embedding-001\",\"input\":[\"abc\",\"abcdefg\"],"
        + "\"dimensions\":2}");
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    assertThat(vertex.requests()).hasSize(2);
    for (var r : vertex.requests()) {
      assertThat(Json.MAPPER.readTree(r.body()).at("/parameters/outputDimensionality").asInt()).isEqualTo(2);
    }
    JsonNode out = Json.MAPPER.readTree(resp.body());
    assertThat(out.at("/data/0/embedding").toString()).isEqualTo("[3.5,-0.25]");
    assertThat(out.at("/data/1/embedding").toString()).isEqualTo("[7.5,-0.25]");
    assertThat(out.at("/usage/prompt_tokens").asLong()).isEqualTo(10);
    var rec = gw.recordFor(resp);
    assertThat(rec.usage().promptTokens()).isEqualTo(10);
    assertThat(rec.usage().estimated()).isFalse();
  }
}
