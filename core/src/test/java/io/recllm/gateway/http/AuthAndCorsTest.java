package io.recllm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.fakes.GatewayHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Gateway key, secrecy of keys towards the upstream, and CORS preflights as browsers send them. */
class AuthAndCorsTest {

  static FakeUpstream upstream;
  static GatewayHarness open;
  static GatewayHarness locked;
  static final String BODY = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeUpstream.start().respondJson(200, Fixtures.read("openai/chat_completion_text.json"));
    String providers = """
        providers:
          openai: { type: openai, base_url: "http://127.0.0.1:%d/v1", api_key: "${OPENAI_API_KEY}" }
        usage: { store: memory }
        """.formatted(upstream.port());
    open = GatewayHarness.start(providers, Map.of("OPENAI_API_KEY", "sk-provider"));
    locked = GatewayHarness.start(providers + """
        api_key: ${REC_LLM_GATEWAY_KEY}
        cors: { allowed_origins: ["https://app.example.com"] }
        """, Map.of("OPENAI_API_KEY", "sk-provider", "REC_LLM_GATEWAY_KEY", "gw-secret-key"));
  }

  @AfterAll
  static void stop() throws Exception {
    open.close();
    locked.close();
    upstream.close();
  }

  @Test
  void withoutAGatewayKeyEverythingIsOpen() throws Exception {
    assertThat(open.post("/v1/chat/completions", BODY).statusCode()).isEqualTo(200);
  }

  @Test
  void gatewayKeyIsRequiredAndCheckedExactly() throws Exception {
    HttpResponse<String> none = locked.post("/v1/chat/completions", BODY);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.body()).contains("\"type\":\"authentication_error\"", "Missing gateway API key");
    HttpResponse<String> wrong = locked.post("/v1/chat/completions", BODY, "authorization", "Bearer gw-secret-kex");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("Incorrect gateway API key").doesNotContain("gw-secret");
    assertThat(locked.post("/v1/chat/completions", BODY, "authorization", "Bearer gw-secret-key-longer").statusCode()).isEqualTo(401);
    assertThat(locked.get("/v1/models").statusCode()).isEqualTo(401);

    upstream.reset();
    HttpResponse<String> right = locked.post("/v1/chat/completions", BODY, "authorization", "Bearer gw-secret-key");
    assertThat(right.statusCode()).isEqualTo(200);
    FakeUpstream.Received sent = upstream.lastRequest();
    assertThat(sent.headers().get("authorization")).isEqualTo("Bearer sk-provider");
    assertThat(sent.headers().toString()).doesNotContain("gw-secret-key");
  }

  @Test
  void healthNeedsNoKey() throws Exception {
    assertThat(locked.get("/health").statusCode()).isEqualTo(200);
  }

  @Test
  void preflightAllowsTheHeadersOpenAiSdksSend() throws Exception {
    HttpResponse<String> pre = preflight(open, "https://anywhere.example",
        "authorization,content-type,x-stainless-os,x-stainless-lang,x-stainless-retry-count");
    assertThat(pre.statusCode()).isEqualTo(204);
    assertThat(pre.headers().firstValue("access-control-allow-origin")).hasValue("*");
    assertThat(pre.headers().firstValue("access-control-allow-methods").orElse("")).contains("POST");
    assertThat(pre.headers().firstValue("access-control-allow-headers").orElse(""))
        .contains("authorization", "content-type", "x-stainless-os", "x-stainless-retry-count");
  }

  @Test
  void restrictedOriginsAreEchoedOrRefused() throws Exception {
    HttpResponse<String> ok = preflight(locked, "https://app.example.com", "authorization,content-type");
    assertThat(ok.statusCode()).as("preflight is answered before auth").isEqualTo(204);
    assertThat(ok.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example.com");
    assertThat(ok.headers().firstValue("vary")).hasValue("Origin");

    HttpResponse<String> refused = preflight(locked, "https://evil.example", "authorization");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.headers().firstValue("access-control-allow-origin")).isEmpty();

    HttpResponse<String> actual = locked.post("/v1/chat/completions", BODY, "origin", "https://app.example.com",
        "authorization", "Bearer gw-secret-key");
    assertThat(actual.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example.com");
    assertThat(actual.headers().firstValue("access-control-expose-headers").orElse("")).contains("x-request-id");
  }

  private static HttpResponse<String> preflight(GatewayHarness gw, String origin, String headers) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", headers)
        .build();
    return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
  }
}
