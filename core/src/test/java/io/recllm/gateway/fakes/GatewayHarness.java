package io.recllm.gateway.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.recllm.gateway.RecLlmGateway;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.config.UsageSettings;
import io.recllm.gateway.usage.UsageRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real gateway on a random port, a plain HTTP client for it, and the usage records it produced. */
public final class GatewayHarness implements AutoCloseable {

  public final RecLlmGateway gateway;
  public final List<UsageRecord> records = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private GatewayHarness(GatewayConfig config, Map<String, String> env) {
    this.gateway = RecLlmGateway.builder(config).env(env).usageSink(records::add).start();
  }

  /**
   * YAML config on top of the defaults; {@code port} is forced to a random free one, and usage is kept
   * in memory unless the YAML names a {@code usage.store}, so tests never write ./data/usage.db.
   */
  public static GatewayHarness start(String yaml, Map<String, String> env) {
    GatewayConfig config = inMemoryUnlessStoreSet(ConfigLoader.load(yaml, env), yaml, env);
    return new GatewayHarness(config.withPort(0).withHost("127.0.0.1"), env);
  }

  public static GatewayHarness start(GatewayConfig config) {
    GatewayConfig c = config.usageStore().equals(UsageSettings.DEFAULT_STORE)
        ? config.withUsage(config.usage().withStore(UsageSettings.MEMORY)) : config;
    return new GatewayHarness(c.withPort(0).withHost("127.0.0.1"), Map.of());
  }

  private static GatewayConfig inMemoryUnlessStoreSet(GatewayConfig config, String yaml, Map<String, String> env) {
    if (env.containsKey("REC_LLM_GATEWAY_USAGE_STORE")) return config;
    try {
      JsonNode tree = yaml == null ? null : new YAMLMapper().readTree(yaml);
      if (tree != null && tree.path("usage").has("store")) return config;
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e); // ConfigLoader already accepted it
    }
    return config.withUsage(config.usage().withStore(UsageSettings.MEMORY));
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + gateway.port();
  }

  public HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path))
        .timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    b.header("content-type", "application/json");
    boolean hasId = false;
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
      hasId |= headers[i].equalsIgnoreCase("x-request-id");
    }
    if (!hasId) b.header("x-request-id", "test-" + java.util.UUID.randomUUID());
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(20)).GET();
    for (int i = 0; i + 1 < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A request with any method and no body (DELETE, say). */
  public HttpResponse<String> send(String method, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(20))
        .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i + 1 < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Waits until the gateway has reported {@code n} finished calls (reports happen after the response). */
  public List<UsageRecord> awaitRecords(int n) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (records.size() < n && System.currentTimeMillis() < deadline) Thread.sleep(5);
    return List.copyOf(records);
  }

  /** The usage record of the call that produced {@code response}, waiting for it if needed. */
  public UsageRecord recordFor(HttpResponse<?> response) throws InterruptedException {
    return recordFor(response.headers().firstValue("x-request-id").orElseThrow());
  }

  public UsageRecord recordFor(String requestId) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      for (UsageRecord r : records) if (r.requestId().equals(requestId)) return r;
      Thread.sleep(5);
    }
    throw new AssertionError("no usage record for request " + requestId);
  }

  @Override
  public void close() {
    gateway.close();
  }
}
