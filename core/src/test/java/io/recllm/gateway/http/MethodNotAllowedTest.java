package io.recllm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A known path with the wrong method is 405 with an {@code Allow} header, not 400 or 404. */
class MethodNotAllowedTest {

  static GatewayHarness gw;
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() {
    gw = GatewayHarness.start("usage: { store: memory }\n", Map.of());
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void wrongMethodOnAKnownPathIs405ListingTheAllowedMethods() throws Exception {
    assertMethodNotAllowed(send("GET", "/v1/chat/completions"), "POST");
    assertMethodNotAllowed(send("PUT", "/chat/completions"), "POST");
    assertMethodNotAllowed(send("DELETE", "/v1/chat/completions"), "POST");
    assertMethodNotAllowed(send("POST", "/v1/models"), "GET");
    assertMethodNotAllowed(send("POST", "/v1/usage"), "GET");
    assertMethodNotAllowed(send("DELETE", "/v1/usage/requests"), "GET");
    assertMethodNotAllowed(send("POST", "/health"), "GET");
    assertMethodNotAllowed(send("POST", "/metrics"), "GET");
    assertMethodNotAllowed(send("POST", "/dashboard/app.js"), "GET");
  }

  @Test
  void theMessageNamesTheMethodThePathAndWhatToUseInstead() throws Exception {
    HttpResponse<String> resp = send("GET", "/v1/chat/completions");
    assertThat(error(resp).get("message").asText())
        .isEqualTo("Method GET is not allowed on /v1/chat/completions; use POST.");
  }

  @Test
  void unknownPathsStay404AndRightMethodsStayServed() throws Exception {
    assertThat(send("GET", "/v1/nothing-here").statusCode()).isEqualTo(404);
    assertThat(send("POST", "/v1/nothing-here").statusCode()).isEqualTo(404);
    assertThat(send("GET", "/v1/models").statusCode()).isEqualTo(200);
    assertThat(send("GET", "/health").statusCode()).isEqualTo(200);
  }

  @Test
  void corsPreflightIsStillAnsweredBeforeTheMethodCheck() throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", "https://anywhere.example")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization,content-type")
        .build();
    HttpResponse<String> pre = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    assertThat(pre.statusCode()).isEqualTo(204);
    assertThat(pre.headers().firstValue("access-control-allow-methods").orElse("")).contains("POST");
  }

  private static HttpResponse<String> send(String method, String path) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(gw.baseUrl() + path))
        .timeout(Duration.ofSeconds(20))
        .method(method, method.equals("GET") || method.equals("DELETE") ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString("{}"))
        .build();
    return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode error(HttpResponse<String> resp) throws Exception {
    return Json.MAPPER.readTree(resp.body()).get("error");
  }

  private static void assertMethodNotAllowed(HttpResponse<String> resp, String allow) throws Exception {
    String what = resp.request().method() + " " + resp.request().uri().getPath();
    assertThat(resp.statusCode()).as(what + ": " + resp.body()).isEqualTo(405);
    assertThat(resp.headers().firstValue("allow")).as(what).hasValue(allow);
    assertThat(resp.headers().firstValue("content-type")).as(what).hasValue("application/json");
    JsonNode e = error(resp);
    assertThat(e.get("type").asText()).as(what).isEqualTo("invalid_request_error");
    assertThat(e.get("code").asText()).as(what).isEqualTo("method_not_allowed");
    assertThat(e.has("param")).as(what).isTrue();
    assertThat(e.get("message").asText()).as(what).contains(resp.request().method(), allow);
  }
}
