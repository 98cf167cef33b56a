package com.example.chatapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.recllm.gateway.RecLlmGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The application as it ships: its application.yaml, the mock provider, Boot's own server and registry. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability // Boot's tests leave metrics export (and so /actuator/prometheus) off otherwise
class ChatApplicationTest {

  @TempDir
  static Path data;

  @DynamicPropertySource
  static void usageStore(DynamicPropertyRegistry registry) {
    registry.add("rec-llm-gateway.usage.store", () -> "sqlite:" + data.resolve("usage.db"));
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @LocalServerPort
  int port;

  @Autowired
  RecLlmGateway gateway;

  @Autowired
  MeterRegistry bootRegistry;

  @Autowired
  OpenTelemetry bootOpenTelemetry;

  @Test
  void servesAChatCallUnderTheMountPath() throws Exception {
    HttpResponse<String> r = post("/llm/v1/chat/completions", """
        {"model": "mock:echo", "messages": [{"role": "user", "content": "hello from boot"}]}""");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.at("/choices/0/message/content").asText()).contains("hello from boot");
    assertThat(body.at("/usage/total_tokens").asInt()).isPositive();
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    // the gateway itself listens on loopback only; the application's server is the way in
    assertThat(gateway.config().host()).isEqualTo("127.0.0.1");
    assertThat(gateway.port()).isNotEqualTo(port);
  }

  @Test
  void streamsEventByEventThroughTheMount() throws Exception {
    HttpResponse<String> r = post("/llm/v1/chat/completions", """
        {"model": "mock:echo", "stream": true, "messages": [{"role": "user", "content": "stream this please"}]}""");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    List<String> events = r.body().lines().filter(l -> l.startsWith("data: ")).toList();
    assertThat(events).hasSizeGreaterThan(2).last().isEqualTo("data: [DONE]");
    StringBuilder text = new StringBuilder();
    for (String e : events.subList(0, events.size() - 1)) {
      text.append(JSON.readTree(e.substring(6)).at("/choices/0/delta/content").asText(""));
    }
    assertThat(text.toString()).contains("stream this please");
  }

  @Test
  void gatewayErrorsPassThroughInOpenAiFormat() throws Exception {
    HttpResponse<String> r = post("/llm/v1/chat/completions", """
        {"model": "mock:echo", "messages": "not a list"}""");

    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode error = JSON.readTree(r.body()).get("error");
    assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.get("param").asText()).isEqualTo("messages");
  }

  @Test
  void gatewayMetersAreInBootsRegistryAndOnActuatorPrometheus() throws Exception {
    assertThat(post("/llm/v1/chat/completions", """
        {"model": "mock:echo", "messages": [{"role": "user", "content": "count me"}]}""").statusCode()).isEqualTo(200);

    assertThat(gateway.telemetry().meterRegistry()).isSameAs(bootRegistry);
    assertThat(gateway.telemetry().openTelemetry()).isSameAs(bootOpenTelemetry);
    HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(scrape.statusCode()).isEqualTo(200);
    List<String> requests = scrape.body().lines()
        .filter(l -> l.startsWith("rec_llm_gateway_requests_total{") && l.contains("provider=\"mock\"")).toList();
    assertThat(requests).isNotEmpty();
    double total = requests.stream().mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    assertThat(total).isGreaterThanOrEqualTo(1.0);
    // and Boot's own meters sit beside them: one registry, not the gateway's separate one
    assertThat(scrape.body()).contains("jvm_memory_used_bytes").contains("rec_llm_gateway_tokens_total");
  }

  private HttpResponse<String> post(String path, String json) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
