package io.recllm.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.keys.VirtualKey;
import io.recllm.gateway.usage.UsageRecord;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stream whose upstream resets after a few chunks holds a worst-case reservation (the prompt plus
 * {@code max_tokens: 1000} at the output price) while it runs; when it dies it must settle to what it
 * produced, so the key's tokens per minute and budget get the rest back. The limits are set so that a
 * second worst case fits only beside the settled call, never beside the reservation: 1500 tokens per
 * minute (a worst case is about 1020) and 0.003 USD (a worst case is about 0.002).
 */
class StreamDiesSettlesTest {

  static final String KEY = "sk-test-fake-virtual-key-0042";
  static final String TEXT = Fixtures.read("openai/stream_text_include_usage.sse");
  static final String BODY = "{\"model\":\"gpt-4o\",\"stream\":true,\"max_tokens\":1000,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of Mexico?\"}]}";
  static final long TPM = 1500;

  FakeUpstream upstream;
  GatewayHarness gw;
  String prefix;

  @BeforeEach
  void start() throws Exception {
    upstream = FakeUpstream.start();
    prefix = "rlgtest:" + UUID.randomUUID().toString().substring(0, 8) + ":";
  }

  @AfterEach
  void stop() throws Exception {
    if (gw != null) gw.close();
    upstream.close();
  }

  GatewayHarness gateway(String limits) {
    return GatewayHarness.start("""
        api_key: sk-test-fake-master-key
        providers:
          openai: { type: openai, base_url: "http://127.0.0.1:%d/v1", api_key: "sk-upstream-fake" }
        pricing: { gpt-4o: { input: 1.0, output: 2.0 } }
        keys:
          app: { key: %s, tpm: %d, budget_usd: 0.003, budget_period: daily }
        %s
        """.formatted(upstream.port(), KEY, TPM, limits), Map.of());
  }

  HttpResponse<String> call() throws Exception {
    return gw.post("/v1/chat/completions", BODY, "authorization", "Bearer " + KEY);
  }

  static long remainingTokens(HttpResponse<String> r) {
    return Long.parseLong(r.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow());
  }

  /** The dying stream, then a whole one: answers the dead call's record and the second call's response. */
  UsageRecord dieThenCallAgain(Runnable awaitSettled) throws Exception {
    upstream.respondSseThenReset(TEXT, 4); // the role chunk and "The capital", then a reset
    HttpResponse<String> dying = call();
    assertThat(dying.statusCode()).isEqualTo(200);
    List<String> events = Fixtures.sseData(dying.body());
    assertThat(events).doesNotContain("[DONE]");
    assertThat(events.get(events.size() - 1)).contains("\"error\"");
    long reserved = TPM - remainingTokens(dying);
    assertThat(reserved).as("prompt estimate + max_tokens").isBetween(1000L + 10, 1000L + 30);

    UsageRecord dead = gw.recordFor(dying);
    assertThat(dead.status()).isNotEqualTo(200);
    assertThat(dead.usage().completionTokens()).as("what the upstream produced").isBetween(1L, 10L);
    assertThat(dead.costNanoUsd()).isPositive().isLessThan(100_000); // the worst case is about 2,014,000
    awaitSettled.run();

    upstream.respondSse(TEXT, 0);
    HttpResponse<String> next = call();
    assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
    // the window holds the dead call at what it used and this call's reservation
    assertThat(remainingTokens(next)).isEqualTo(TPM - dead.usage().totalTokens() - reserved);
    return dead;
  }

  @Test
  void inProcessTheDeadStreamGivesBackTokensAndBudgetBeyondWhatItUsed() throws Exception {
    gw = gateway("");
    dieThenCallAgain(() -> sleep(200)); // the limiter settles on the event loop right after the record is published
  }

  @Test
  void onRedisTheDeadStreamGivesBackTokensAndBudgetBeyondWhatItUsed() throws Exception {
    gw = gateway("limits: { redis: \"redis://127.0.0.1:6379\", redis_prefix: \"" + prefix + "\" }");
    Vertx vertx = Vertx.vertx();
    Redis redis = Redis.createClient(vertx, "redis://127.0.0.1:6379");
    try {
      String base = prefix + "{cfg-app}:";
      String spent = base + "spent:" + Limits.period(VirtualKey.BudgetPeriod.DAILY, System.currentTimeMillis());
      UsageRecord dead = dieThenCallAgain(() -> {
        long t0 = System.nanoTime();
        while (send(redis, Command.ZCARD, base + "r").toLong() != 0) {
          assertThat(System.nanoTime() - t0).as("the reservation is settled").isLessThan(5_000_000_000L);
          sleep(20);
        }
      });
      // the dead call is in Redis at what it used: its cost spent, its tokens in the window, nothing reserved
      long t0 = System.nanoTime();
      while (send(redis, Command.ZCARD, base + "r").toLong() != 0) { // the second call settles too
        assertThat(System.nanoTime() - t0).isLessThan(5_000_000_000L);
        sleep(20);
      }
      UsageRecord second = gw.awaitRecords(2).stream().filter(r -> r.status() == 200).findFirst().orElseThrow();
      assertThat(send(redis, Command.GET, spent).toLong()).isEqualTo(dead.costNanoUsd() + second.costNanoUsd());
      assertThat(send(redis, Command.HGET, base + "s", "rs").toLong()).isZero();
      assertThat(send(redis, Command.HGET, base + "s", "t").toLong())
          .isEqualTo(dead.usage().totalTokens() + second.usage().totalTokens());
    } finally {
      Request del = Request.cmd(Command.DEL).arg(prefix + "{cfg-app}:s").arg(prefix + "{cfg-app}:r")
          .arg(prefix + "{cfg-app}:spent:" + Limits.period(VirtualKey.BudgetPeriod.DAILY, System.currentTimeMillis()));
      redis.send(del).await();
      redis.close();
      vertx.close().await();
    }
  }

  static Response send(Redis redis, Command command, String... args) {
    Request r = Request.cmd(command);
    for (String a : args) r.arg(a);
    return redis.send(r).await();
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
