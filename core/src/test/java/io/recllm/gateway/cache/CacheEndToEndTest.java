package io.recllm.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.RecLlmGateway;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.config.UsageSettings;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.LlmClient;
import io.recllm.gateway.usage.UsageRecord;
import io.vertx.core.Future;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The cache section through the whole gateway: hits, misses, bypasses, streams, and Redis shared by two gateways. */
class CacheEndToEndTest {

  private final AtomicInteger upstreamCalls = new AtomicInteger();
  private final List<UsageRecord> records = new CopyOnWriteArrayList<>();

  /** A priced model that answers with a count of the calls it had, so a replayed answer is recognisable. */
  private final LlmClient counting = (provider, model, request) -> {
    int n = upstreamCalls.incrementAndGet();
    ObjectNode answer = Json.object().put("id", "chatcmpl-" + n).put("object", "chat.completion").put("model", model);
    answer.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop").putObject("message")
        .put("role", "assistant").put("content", "answer number " + n);
    answer.putObject("usage").put("prompt_tokens", 1000).put("completion_tokens", 500).put("total_tokens", 1500);
    return Future.succeededFuture(new ChatResult(answer, TokenUsage.of(1000, 500), null));
  };

  private RecLlmGateway start(String cache, LlmClient client) {
    GatewayConfig config = ConfigLoader.load("""
        pricing:
          echo: { input: 1.0, output: 2.0 }
        """ + cache, Map.of()).withPort(0).withHost("127.0.0.1");
    config = config.withUsage(config.usage().withStore(UsageSettings.MEMORY));
    RecLlmGateway.Builder b = RecLlmGateway.builder(config).usageSink(records::add);
    if (client != null) b.llmClient(client);
    return b.start();
  }

  private static HttpResponse<String> post(RecLlmGateway gw, String body, String... headers) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port() + "/v1/chat/completions"))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) r.header(headers[i], headers[i + 1]);
    return HttpClient.newHttpClient().send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String chat(String content, double temperature) {
    return "{\"model\":\"mock:echo\",\"temperature\":" + temperature + ",\"messages\":[{\"role\":\"user\",\"content\":\""
        + content + "\"}]}";
  }

  private static JsonNode json(HttpResponse<String> resp) throws Exception {
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    return Json.MAPPER.readTree(resp.body());
  }

  @Test
  void aRepeatedCallIsAnsweredFromTheCacheAtNoCost() throws Exception {
    try (RecLlmGateway gw = start("cache: { enabled: true, ttl_s: 60 }", counting)) {
      JsonNode first = json(post(gw, chat("Hi", 0)));
      JsonNode second = json(post(gw, chat("Hi", 0)));

      assertThat(upstreamCalls).hasValue(1);
      assertThat(second.at("/choices/0/message/content").asText()).isEqualTo(first.at("/choices/0/message/content").asText());
      assertThat(first.at("/x_rec_llm/cache").asText()).isEqualTo("");
      assertThat(second.at("/x_rec_llm/cache").asText()).isEqualTo("hit");
      assertThat(second.at("/x_rec_llm/cost_usd").decimalValue()).isZero();
      // 1000 input at $1/M and 500 output at $2/M: what the first call cost, and the hit saved
      assertThat(first.at("/x_rec_llm/cost_usd").decimalValue()).isEqualByComparingTo("0.002");
      assertThat(second.at("/x_rec_llm/cache_saved_usd").decimalValue()).isEqualByComparingTo("0.002");
      assertThat(second.at("/usage/total_tokens").asInt()).isZero();
      for (int i = 0; i < 200 && records.size() < 2; i++) Thread.sleep(20);
      assertThat(records).hasSize(2);
      assertThat(records.get(1).costNanoUsd()).isZero();
      assertThat(records.get(1).usage().totalTokens()).isZero();
      assertThat(records.get(0).cacheHit()).isFalse();
      assertThat(records.get(1).cacheHit()).isTrue();
      assertThat(records.get(1).savedNanoUsd()).as("the request log keeps what the hit saved").isEqualTo(2_000_000L);
      JsonNode usage = Json.MAPPER.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + gw.port() + "/v1/usage")).build(), HttpResponse.BodyHandlers.ofString()).body());
      assertThat(usage.at("/total/cache_hits").asLong()).isEqualTo(1);
      assertThat(usage.at("/total/saved_usd").decimalValue()).isEqualByComparingTo("0.002");
    }
  }

  @Test
  void aChangedParameterMissesAndClientsCanBypass() throws Exception {
    try (RecLlmGateway gw = start("cache: { enabled: true }", counting)) {
      json(post(gw, chat("Hi", 0)));
      json(post(gw, chat("Hi there", 0)));
      assertThat(upstreamCalls).hasValue(2);

      JsonNode noStore = json(post(gw, chat("Hi", 0), "cache-control", "no-store"));
      assertThat(noStore.at("/x_rec_llm/cache").isMissingNode()).isTrue();
      assertThat(upstreamCalls).hasValue(3);

      JsonNode noCache = json(post(gw, chat("Hi", 0), "Cache-Control", "no-cache"));
      assertThat(noCache.at("/choices/0/message/content").asText()).isEqualTo("answer number 4");
      // no-cache stored the fresh answer: the next call gets it
      assertThat(json(post(gw, chat("Hi", 0))).at("/choices/0/message/content").asText()).isEqualTo("answer number 4");
      assertThat(upstreamCalls).hasValue(4);
    }
  }

  @Test
  void aNonDeterministicCallIsCachedOnlyWhenAllowed() throws Exception {
    try (RecLlmGateway gw = start("cache: { enabled: true }", counting)) {
      json(post(gw, chat("Hi", 0.7)));
      json(post(gw, chat("Hi", 0.7)));
      assertThat(upstreamCalls).hasValue(2);
    }
    try (RecLlmGateway gw = start("cache: { enabled: true, nondeterministic: true }", counting)) {
      json(post(gw, chat("Hi", 0.7)));
      assertThat(json(post(gw, chat("Hi", 0.7))).at("/x_rec_llm/cache").asText()).isEqualTo("hit");
      assertThat(upstreamCalls).hasValue(3);
    }
  }

  @Test
  void aCachedStreamIsReplayedWithTheSameText() throws Exception {
    try (RecLlmGateway gw = start("cache: { enabled: true }", null)) {
      String body = "{\"model\":\"mock:echo\",\"temperature\":0,\"stream\":true,\"stream_options\":{\"include_usage\":true},"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"The quick brown fox jumps over the lazy dog, twice.\"}]}";
      Sse original = Sse.read(post(gw, body));
      Sse replay = Sse.read(post(gw, body));
      JsonNode plain = json(post(gw, body.replace("\"stream\":true", "\"stream\":false")));

      assertThat(original.text).isEqualTo("The quick brown fox jumps over the lazy dog, twice.");
      assertThat(replay.text).isEqualTo(original.text);
      assertThat(original.usageChunk.at("/x_rec_llm/cache").isMissingNode()).isTrue();
      assertThat(replay.usageChunk.at("/x_rec_llm/cache").asText()).isEqualTo("hit");
      assertThat(replay.usageChunk.at("/usage/total_tokens").asInt()).isZero();
      assertThat(replay.finishReason).isEqualTo(original.finishReason);
      assertThat(replay.done).isTrue();
      // the answer a stream stored also answers a plain call
      assertThat(plain.at("/choices/0/message/content").asText()).isEqualTo(original.text);
      assertThat(plain.at("/x_rec_llm/cache").asText()).isEqualTo("hit");
    }
  }

  @Test
  void oneStoredAnswerServesManyHitsOfBothKindsUnchanged() throws Exception {
    // a hit from memory serves the stored answer's own bytes and chunks: no hit may leave a mark on them
    try (RecLlmGateway gw = start("cache: { enabled: true }", counting)) {
      String body = chat("Hi", 0);
      String stream = body.replace("{\"model\"", "{\"stream\":true,\"stream_options\":{\"include_usage\":true},\"model\"");
      json(post(gw, body));
      String firstHit = post(gw, body).body();
      for (int i = 0; i < 3; i++) {
        Sse replay = Sse.read(post(gw, stream));
        assertThat(replay.text).isEqualTo("answer number 1");
        assertThat(replay.usageChunk.at("/x_rec_llm/cache").asText()).isEqualTo("hit");
        assertThat(replay.usageChunk.at("/usage/total_tokens").asInt()).isZero();
        assertThat(replay.done).isTrue();
        JsonNode hit = json(post(gw, body));
        assertThat(hit.at("/choices/0/message/content").asText()).isEqualTo("answer number 1");
        assertThat(hit.at("/x_rec_llm/cache").asText()).isEqualTo("hit");
        assertThat(hit.at("/usage/total_tokens").asInt()).isZero();
        // the same answer every time, but for the latency the extension reports
        assertThat(hit.get("id")).isEqualTo(Json.MAPPER.readTree(firstHit).get("id"));
        JsonNode answer = ((ObjectNode) hit).without("x_rec_llm");
        JsonNode firstAnswer = ((ObjectNode) Json.MAPPER.readTree(firstHit)).without("x_rec_llm");
        assertThat(answer.toString()).isEqualTo(firstAnswer.toString());
      }
      assertThat(upstreamCalls).hasValue(1);
    }
  }

  @Test
  void redisSharesTheCacheBetweenTwoGateways() throws Exception {
    String cache = "cache: { enabled: true, redis: \"redis://127.0.0.1:6379\", redis_prefix: \"rec-llm-test:"
        + UUID.randomUUID() + ":\", ttl_s: 30 }";
    try (RecLlmGateway one = start(cache, counting); RecLlmGateway two = start(cache, counting)) {
      JsonNode first = json(post(one, chat("Shared?", 0)));
      JsonNode second = json(post(two, chat("Shared?", 0)));

      assertThat(upstreamCalls).hasValue(1);
      assertThat(second.at("/x_rec_llm/cache").asText()).isEqualTo("hit");
      assertThat(second.at("/choices/0/message/content").asText()).isEqualTo(first.at("/choices/0/message/content").asText());
    }
  }

  @Test
  void aRouteHasItsOwnTtlOrIsNotCached() throws Exception {
    String yaml = """
        providers: { mock: { type: mock, models: [echo] } }
        routes: { docs: { targets: [mock:echo] }, live: { targets: [mock:echo] } }
        cache:
          ttl_s: 3600
          routes: { docs: { ttl_s: 1 }, live: { enabled: false } }
        """;
    try (RecLlmGateway gw = start(yaml, counting)) {
      String live = chat("Hi", 0).replace("mock:echo", "live");
      json(post(gw, live));
      assertThat(json(post(gw, live)).at("/x_rec_llm/cache").isMissingNode()).isTrue();
      assertThat(upstreamCalls).hasValue(2);

      String docs = chat("Docs?", 0).replace("mock:echo", "docs");
      json(post(gw, docs));
      assertThat(json(post(gw, docs)).at("/x_rec_llm/cache").asText()).isEqualTo("hit");
      json(post(gw, chat("Hi", 0)));
      assertThat(upstreamCalls).hasValue(4);
      Thread.sleep(1300);
      assertThat(json(post(gw, docs)).at("/x_rec_llm/cache").isMissingNode()).as("the route's 1 s are over").isTrue();
      assertThat(json(post(gw, chat("Hi", 0))).at("/x_rec_llm/cache").asText()).as("the section's hour is not").isEqualTo("hit");
      assertThat(upstreamCalls).hasValue(5);
    }
  }

  @Test
  void cacheRoutesMustNameARoute() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.load(
            "cache: { routes: { nowhere: { ttl_s: 5 } } }", Map.of()))
        .isInstanceOf(io.recllm.gateway.config.ConfigException.class)
        .hasMessage("cache.routes.nowhere: no route named \"nowhere\" under routes (configured: none)");
  }

  /** The parts of an SSE answer these tests compare. */
  record Sse(String text, String finishReason, JsonNode usageChunk, boolean done) {
    static Sse read(HttpResponse<String> resp) throws Exception {
      assertThat(resp.statusCode()).isEqualTo(200);
      StringBuilder text = new StringBuilder();
      String finish = null;
      JsonNode usage = null;
      boolean done = false;
      for (String line : resp.body().split("\n")) {
        if (line.equals("data: [DONE]")) done = true;
        if (!line.startsWith("data: {")) continue;
        JsonNode chunk = Json.MAPPER.readTree(line.substring(6));
        if (chunk.has("usage") && !chunk.get("usage").isNull()) usage = chunk;
        for (JsonNode choice : chunk.path("choices")) {
          text.append(choice.path("delta").path("content").asText(""));
          if (choice.hasNonNull("finish_reason")) finish = choice.get("finish_reason").asText();
        }
      }
      return new Sse(text.toString(), finish, usage, done);
    }
  }
}
