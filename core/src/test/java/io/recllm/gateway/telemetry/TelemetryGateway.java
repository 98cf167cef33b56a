package io.recllm.gateway.telemetry;

import io.recllm.gateway.RecLlmGateway;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.usage.UsageRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** A gateway on a random port built with telemetry options on its builder, and a plain HTTP client for it. */
final class TelemetryGateway implements AutoCloseable {

  final RecLlmGateway gateway;
  final List<UsageRecord> records = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TelemetryGateway(String yaml, Map<String, String> env, Consumer<RecLlmGateway.Builder> options) {
    GatewayConfig config = ConfigLoader.load(yaml, env).withPort(0).withHost("127.0.0.1");
    RecLlmGateway.Builder b = RecLlmGateway.builder(config).env(env).usageSink(records::add);
    options.accept(b);
    this.gateway = b.start();
  }

  static TelemetryGateway start(String yaml, Map<String, String> env, Consumer<RecLlmGateway.Builder> options) {
    return new TelemetryGateway(yaml, env, options);
  }

  static TelemetryGateway start(String yaml) {
    return new TelemetryGateway(yaml, Map.of(), b -> { });
  }

  String url(String path) {
    return "http://127.0.0.1:" + gateway.port() + path;
  }

  HttpResponse<String> chat(String body, String... headers) throws Exception {
    return post("/v1/chat/completions", body, headers);
  }

  HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path)))
        .timeout(Duration.ofSeconds(20))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i + 1 < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(20)).GET();
    for (int i = 0; i + 1 < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String body(String model, boolean stream) {
    return "{\"model\":\"" + model + "\",\"stream\":" + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of France?\"}]}";
  }

  /** Waits for something the gateway reports after the response (records, events); fails after 10 s. */
  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) throw new AssertionError("timed out waiting for " + what);
      Thread.sleep(5);
    }
  }

  @Override
  public void close() {
    gateway.close();
  }
}
