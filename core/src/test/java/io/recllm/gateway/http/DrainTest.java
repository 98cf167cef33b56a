package io.recllm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.RecLlmGateway;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.config.UsageSettings;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.LlmClient;
import io.recllm.gateway.usage.UsageRecord;
import io.vertx.core.Future;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What clients see while the gateway stops ({@code close()}): {@code /health} and {@code /ready}, idle
 * kept-alive connections, requests that arrive on a busy connection, and new connections.
 */
class DrainTest {

  private static final String SLOW = """
      default_provider: slow
      providers:
        slow: { type: mock, delay_ms: 3000 }
      shutdown: { grace_ms: 30000 }
      """;

  private GatewayHarness gw;
  private final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void tearDown() throws IOException {
    for (Socket s : sockets) s.close();
    if (gw != null) gw.close();
  }

  @Test
  void readyAndHealthAnswer200WhileServing() throws Exception {
    gw = GatewayHarness.start(SLOW, Map.of());
    HttpResponse<String> ready = gw.get("/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    JsonNode readiness = Json.MAPPER.readTree(ready.body());
    assertThat(readiness.path("status").asText()).isEqualTo("ready");
    assertThat(readiness.path("store").path("open").asBoolean()).isTrue();
    assertThat(readiness.path("store").path("location").asText()).isEqualTo("memory");
    // the built-in providers are there too: the mock needs no key, OpenAI and Anthropic have none in this env
    assertThat(readiness.path("providers").path("usable")).extracting(JsonNode::asText).containsExactlyInAnyOrder("slow", "mock");
    assertThat(readiness.path("providers").path("missing_key").path("openai").asText()).isEqualTo("OPENAI_API_KEY");
    assertThat(readiness.path("providers").path("missing_key").path("anthropic").asText()).isEqualTo("ANTHROPIC_API_KEY");
    assertThat(ready.headers().firstValue("content-type")).hasValue("application/json");
    HttpResponse<String> health = gw.get("/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(health.body()).path("status").asText()).isEqualTo("ok");
    // the test runs from class folders, which carry no manifest; the packaged jar's is checked by .ci/release-test
    assertThat(Json.MAPPER.readTree(health.body()).path("version").asText()).isEqualTo(RecLlmGateway.version());
  }

  @Test
  void aProviderWithItsKeyIsUsableAndOneWithoutIsListedWithTheVariableToSet() throws Exception {
    gw = GatewayHarness.start(SLOW, Map.of("OPENAI_API_KEY", "sk-FAKEtestOnly-ready-0000"));
    JsonNode readiness = Json.MAPPER.readTree(gw.get("/ready").body());
    assertThat(readiness.path("providers").path("usable")).extracting(JsonNode::asText).contains("openai");
    assertThat(readiness.path("providers").path("missing_key").has("openai")).isFalse();
    assertThat(readiness.path("providers").path("missing_key").path("anthropic").asText()).isEqualTo("ANTHROPIC_API_KEY");
    assertThat(gw.get("/ready").body()).doesNotContain("sk-FAKEtestOnly");
  }

  @Test
  void notReadyWhenNoProviderCanBeCalled() throws Exception {
    GatewayConfig keyless = ConfigLoader.fromEnvironment(Map.of());
    Map<String, ProviderConfig> withoutKeys = new java.util.LinkedHashMap<>(keyless.providers());
    withoutKeys.remove("mock");
    gw = GatewayHarness.start(keyless.toBuilder().providers(withoutKeys).port(0).build());
    HttpResponse<String> ready = gw.get("/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    JsonNode readiness = Json.MAPPER.readTree(ready.body());
    assertThat(readiness.path("status").asText()).isEqualTo("not_ready");
    assertThat(readiness.path("providers").path("usable")).isEmpty();
    assertThat(gw.get("/health").statusCode()).as("alive all the same").isEqualTo(200);
  }

  @Test
  void readyNeedsNoKeyLikeHealth() throws Exception {
    gw = GatewayHarness.start(SLOW + "api_key: secret-gateway-key\n", Map.of());
    assertThat(gw.get("/ready").statusCode()).isEqualTo(200);
    assertThat(gw.get("/health").statusCode()).isEqualTo(200);
    assertThat(gw.get("/v1/models").statusCode()).isEqualTo(401);
  }

  @Test
  void aStopClosesIdleConnectionsAtOnceRefusesNewOnesAndLetsTheCallInFlightFinish() throws Exception {
    gw = GatewayHarness.start(SLOW.replace("delay_ms: 3000", "delay_ms: 6000"), Map.of()); // outlasts the checks below
    int port = gw.gateway.port();
    Socket idle = connect(port);
    send(idle, "GET /ready HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(readResponse(idle.getInputStream()).status).isEqualTo(200); // kept alive, now idle
    Socket busy = connect(port);
    send(busy, chat("in-flight"));
    awaitInFlight(1);

    CompletableFuture<Void> closing = CompletableFuture.runAsync(gw.gateway::close);

    idle.setSoTimeout(5000);
    assertThat(idle.getInputStream().read()).as("the idle connection is closed").isEqualTo(-1);
    assertThat(refusedWithin(port, 5000)).as("new connections are refused").isTrue();
    assertThat(closing).as("the stop waits for the call in flight").isNotDone();

    Response answer = readResponse(busy.getInputStream());
    assertThat(answer.status).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(answer.body).path("choices").path(0).path("message").path("content").asText())
        .isEqualTo("hello in-flight");
    assertThat(busy.getInputStream().read()).as("closed after its answer").isEqualTo(-1);
    closing.get(30, TimeUnit.SECONDS);
    assertThat(gw.records).extracting(UsageRecord::requestId).containsExactly("in-flight");
    assertThat(gw.records.get(0).status()).isEqualTo(200);
  }

  @Test
  void requestsArrivingOnABusyConnectionDuringTheStopGet503AndConnectionClose() throws Exception {
    gw = GatewayHarness.start(SLOW, Map.of());
    int port = gw.gateway.port();
    // pipelined: the second request waits on the connection until the first is answered
    Socket healthBehind = connect(port);
    send(healthBehind, chat("first-a") + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    Socket readyBehind = connect(port);
    send(readyBehind, chat("first-b") + "GET /ready HTTP/1.1\r\nHost: x\r\n\r\n");
    Socket chatBehind = connect(port);
    send(chatBehind, chat("first-c") + chat("second-c"));
    awaitInFlight(3);

    CompletableFuture<Void> closing = CompletableFuture.runAsync(gw.gateway::close);

    assertThat(readResponse(healthBehind.getInputStream()).status).isEqualTo(200);
    Response health = readResponse(healthBehind.getInputStream());
    assertThat(health.status).isEqualTo(503);
    assertThat(Json.MAPPER.readTree(health.body).path("status").asText()).isEqualTo("stopping");
    assertThat(health.header("connection")).isEqualToIgnoringCase("close");
    assertThat(healthBehind.getInputStream().read()).isEqualTo(-1);

    assertThat(readResponse(readyBehind.getInputStream()).status).isEqualTo(200);
    Response ready = readResponse(readyBehind.getInputStream());
    assertThat(ready.status).isEqualTo(503);
    assertThat(Json.MAPPER.readTree(ready.body).path("status").asText()).isEqualTo("stopping");
    assertThat(ready.header("connection")).isEqualToIgnoringCase("close");

    assertThat(readResponse(chatBehind.getInputStream()).status).isEqualTo(200);
    Response refused = readResponse(chatBehind.getInputStream());
    assertThat(refused.status).isEqualTo(503);
    assertThat(refused.header("connection")).isEqualToIgnoringCase("close");
    JsonNode error = Json.MAPPER.readTree(refused.body).path("error");
    assertThat(error.path("type").asText()).isEqualTo("api_error");
    assertThat(error.path("code").asText()).isEqualTo("gateway_shutting_down");
    assertThat(chatBehind.getInputStream().read()).isEqualTo(-1);

    closing.get(30, TimeUnit.SECONDS);
    assertThat(gw.records).extracting(UsageRecord::requestId).containsExactlyInAnyOrder("first-a", "first-b", "first-c");
  }

  @Test
  void aCallLongerThanTheGracePeriodEndsWith503AndIsRecorded() throws Exception {
    gw = GatewayHarness.start(SLOW.replace("grace_ms: 30000", "grace_ms: 200").replace("delay_ms: 3000", "delay_ms: 60000"),
        Map.of());
    Socket busy = connect(gw.gateway.port());
    send(busy, chat("cut-short"));
    awaitInFlight(1);
    CompletableFuture<Void> closing = CompletableFuture.runAsync(gw.gateway::close);
    Response r = readResponse(busy.getInputStream());
    assertThat(r.status).isEqualTo(503);
    JsonNode error = Json.MAPPER.readTree(r.body).path("error");
    assertThat(error.path("type").asText()).isEqualTo("api_error");
    assertThat(error.path("code").asText()).isEqualTo("gateway_shutting_down");
    assertThat(error.has("param")).isTrue();
    closing.get(30, TimeUnit.SECONDS);
    assertThat(gw.records).singleElement().satisfies(rec -> {
      assertThat(rec.requestId()).isEqualTo("cut-short");
      assertThat(rec.status()).isEqualTo(503);
      assertThat(rec.errorType()).isEqualTo("api_error");
    });
  }

  @Test
  void aCallWhoseLlmClientThrowsIsAnsweredRecordedAndDoesNotHoldUpTheStop() throws Exception {
    List<UsageRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
    LlmClient throwing = new LlmClient() {
      @Override
      public Future<ChatResult> chatCompletion(String provider, String model, ObjectNode request) {
        throw new GatewayException.RateLimited(null, null, "slow down", "1");
      }

      @Override
      public Future<ChatStream> streamChatCompletion(String provider, String model, ObjectNode request) {
        return null;
      }
    };
    GatewayConfig config = ConfigLoader.load(SLOW.replace("grace_ms: 30000", "grace_ms: 600000"), Map.of());
    RecLlmGateway gateway = RecLlmGateway.builder(config.withUsage(config.usage().withStore(UsageSettings.MEMORY))
        .withPort(0).withHost("127.0.0.1")).llmClient(throwing).usageSink(records::add).start();
    try {
      Socket plain = connect(gateway.port());
      send(plain, chat("throws"));
      Response r = readResponse(plain.getInputStream());
      assertThat(r.status).isEqualTo(429);
      assertThat(r.header("retry-after")).isEqualTo("1");
      Socket stream = connect(gateway.port());
      send(stream, chat("no-future", true));
      assertThat(readResponse(stream.getInputStream()).status).isEqualTo(500);
    } finally {
      // a call left counted would hold this up for the whole grace period (ten minutes)
      CompletableFuture.runAsync(gateway::close).get(60, TimeUnit.SECONDS);
    }
    assertThat(records).extracting(UsageRecord::requestId).containsExactlyInAnyOrder("throws", "no-future");
    assertThat(records).extracting(UsageRecord::status).containsExactlyInAnyOrder(429, 500);
  }

  private void awaitInFlight(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (activeRequests() < n) {
      if (System.nanoTime() > deadline) throw new AssertionError("calls in flight: " + activeRequests());
      Thread.sleep(5);
    }
  }

  private double activeRequests() {
    var gauge = gw.gateway.telemetry().meterRegistry().find("rec_llm_gateway.requests.active").gauge();
    return gauge == null ? 0 : gauge.value();
  }

  private Socket connect(int port) throws IOException {
    Socket s = new Socket();
    sockets.add(s);
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    s.setSoTimeout(20_000);
    return s;
  }

  private static boolean refusedWithin(int port, long ms) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      } catch (ConnectException refused) {
        return true;
      } catch (IOException other) {
        // not a refusal
      }
      Thread.sleep(10);
    }
    return false;
  }

  private static String chat(String requestId) {
    return chat(requestId, false);
  }

  private static String chat(String requestId, boolean stream) {
    String body = "{\"model\":\"slow:echo\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello "
        + requestId + "\"}]}";
    return "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Request-Id: " + requestId
        + "\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
  }

  private static void send(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    s.getOutputStream().flush();
  }

  record Response(int status, List<String> headers, String body) {
    String header(String name) {
      for (String h : headers) {
        int colon = h.indexOf(':');
        if (h.substring(0, colon).trim().equalsIgnoreCase(name)) return h.substring(colon + 1).trim();
      }
      return null;
    }
  }

  /** One HTTP/1.1 response with a content-length body (what the gateway sends for JSON). */
  private static Response readResponse(InputStream in) throws IOException {
    String status = line(in);
    List<String> headers = new ArrayList<>();
    String h;
    int length = 0;
    while (!(h = line(in)).isEmpty()) {
      headers.add(h);
      if (h.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(h.substring(15).trim());
    }
    byte[] body = in.readNBytes(length);
    return new Response(Integer.parseInt(status.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) throw new IOException("connection closed mid-response after: " + out);
      if (c != '\r') out.write(c);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
