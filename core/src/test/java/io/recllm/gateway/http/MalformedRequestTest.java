package io.recllm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.fakes.RawHttp;
import io.recllm.gateway.json.Json;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Requests the HTTP decoder cannot take get OpenAI's error JSON with the right status, then a close. */
class MalformedRequestTest {

  static GatewayHarness gateway;

  @BeforeAll
  static void start() {
    gateway = GatewayHarness.start("default_provider: mock\n", Map.of());
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void headersOverTheLimitGet431WithJson() throws Exception {
    String big = "X-Big: " + "a".repeat(10_000) + "\r\n";
    JsonNode error = answer("GET /health HTTP/1.1\r\nHost: x\r\n" + big + "\r\n", 431);
    assertThat(error.path("code").asText()).isEqualTo("request_headers_too_large");
    assertThat(error.path("message").asText()).contains("8192");
  }

  @Test
  void manyHeadersOverTheLimitGet431WithJson() throws Exception {
    StringBuilder headers = new StringBuilder();
    for (int i = 0; i < 400; i++) headers.append("X-H").append(i).append(": ").append("v".repeat(30)).append("\r\n");
    JsonNode error = answer("GET /health HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n", 431);
    assertThat(error.path("code").asText()).isEqualTo("request_headers_too_large");
  }

  @Test
  void tooLongRequestLineGets414WithJson() throws Exception {
    JsonNode error = answer("GET /v1/models?q=" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414);
    assertThat(error.path("code").asText()).isEqualTo("request_line_too_long");
  }

  @Test
  void garbageGets400WithJson() throws Exception {
    JsonNode error = answer("HELLO THERE\r\n\r\n", 400);
    assertThat(error.path("code").asText()).isEqualTo("invalid_http_request");
  }

  @Test
  void headerWithoutColonGets400WithJson() throws Exception {
    JsonNode error = answer("GET /health HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", 400);
    assertThat(error.path("code").asText()).isEqualTo("invalid_http_request");
  }

  @Test
  void badChunkGets400WithJson() throws Exception {
    JsonNode error = answer("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400);
    assertThat(error.path("code").asText()).isEqualTo("invalid_http_request");
  }

  @Test
  void theConnectionStillWorksForGoodRequestsBeforeIt() throws Exception {
    try (RawHttp c = RawHttp.connect(gateway.gateway.port())) {
      c.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.readResponse(5000)).startsWith("HTTP/1.1 200 ").contains("{\"status\":\"ok\"");
      c.send("GET /health HTTP/1.1\r\nHost: x\r\n" + "X-Big: " + "a".repeat(10_000) + "\r\n\r\n");
      assertThat(c.readUntilClosed(5000)).startsWith("HTTP/1.1 431 ");
      assertThat(c.closedByPeer()).isTrue();
    }
  }

  private static JsonNode answer(String request, int status) throws Exception {
    try (RawHttp c = RawHttp.connect(gateway.gateway.port())) {
      c.send(request);
      String answer = c.readUntilClosed(5000);
      assertThat(answer).startsWith("HTTP/1.1 " + status + " ");
      assertThat(answer.toLowerCase()).contains("content-type: application/json");
      assertThat(c.closedByPeer()).as("connection closed").isTrue();
      JsonNode body = Json.MAPPER.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
      JsonNode error = body.path("error");
      assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
      assertThat(error.has("param")).isTrue();
      assertThat(error.path("message").asText()).isNotBlank();
      return error;
    }
  }
}
