package io.recllm.gateway.resilience;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.LlmClient;
import io.recllm.gateway.core.TokenUsage;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * An upstream that answers each "provider:model" as scripted: the next failures in its queue, then
 * success. Latencies move the manual clock, so latency-based routing sees them without real waiting.
 */
final class ScriptedClient implements LlmClient {

  final List<String> calls = new ArrayList<>();
  final List<FakeStream> streams = new ArrayList<>();
  final List<Promise<ChatResult>> held = new ArrayList<>();
  private final Map<String, Deque<Supplier<GatewayException>>> failures = new HashMap<>();
  private final Map<String, Supplier<GatewayException>> always = new HashMap<>();
  private final Map<String, Duration> latency = new HashMap<>();
  private final Map<String, Boolean> hold = new HashMap<>();
  private final ManualTime time;

  ScriptedClient(ManualTime time) {
    this.time = time;
  }

  /** The next tries of {@code target} fail with these, one each, in order. */
  @SafeVarargs
  final ScriptedClient failNext(String target, Supplier<GatewayException>... errors) {
    Deque<Supplier<GatewayException>> q = failures.computeIfAbsent(target, k -> new ArrayDeque<>());
    for (Supplier<GatewayException> e : errors) q.add(e);
    return this;
  }

  /** Every try of {@code target} fails with {@code error}. */
  ScriptedClient failAlways(String target, Supplier<GatewayException> error) {
    always.put(target, error);
    return this;
  }

  ScriptedClient latency(String target, Duration d) {
    latency.put(target, d);
    return this;
  }

  /** Tries of {@code target} stay unanswered until the test completes them from {@link #held}. */
  ScriptedClient hold(String target) {
    hold.put(target, true);
    return this;
  }

  int callsTo(String target) {
    return (int) calls.stream().filter(c -> c.equals(target) || c.equals("stream " + target)).count();
  }

  private GatewayException failure(String target) {
    Deque<Supplier<GatewayException>> q = failures.get(target);
    if (q != null && !q.isEmpty()) return q.poll().get();
    Supplier<GatewayException> e = always.get(target);
    return e == null ? null : e.get();
  }

  @Override
  public Future<ChatResult> chatCompletion(String provider, String model, ObjectNode request) {
    String target = provider + ":" + model;
    calls.add(target);
    time.advance(latency.getOrDefault(target, Duration.ZERO));
    GatewayException e = failure(target);
    if (e != null) return Future.failedFuture(e);
    ChatResult answer = new ChatResult(Json.object().put("model", model).put("answered_by", target), TokenUsage.of(3, 5), null);
    if (hold.containsKey(target)) {
      Promise<ChatResult> p = Promise.promise();
      held.add(p);
      return p.future();
    }
    return Future.succeededFuture(answer);
  }

  @Override
  public Future<ChatStream> streamChatCompletion(String provider, String model, ObjectNode request) {
    String target = provider + ":" + model;
    calls.add("stream " + target);
    time.advance(latency.getOrDefault(target, Duration.ZERO));
    GatewayException e = failure(target);
    if (e != null) return Future.failedFuture(e);
    FakeStream s = new FakeStream(target);
    streams.add(s);
    return Future.succeededFuture(s);
  }

  static Supplier<GatewayException> status(int status) {
    return () -> switch (status) {
      case 429 -> new GatewayException.RateLimited(null, null, "slow down", null);
      case 404 -> new GatewayException.NotFound("model_not_found", "no such model", 404);
      default -> status >= 500
          ? new GatewayException.ProviderFailure("upstream_error", "upstream said " + status, status, true, null)
          : new GatewayException.UpstreamRejected(status, null, null, null, "upstream said " + status);
    };
  }

  static Supplier<GatewayException> rateLimited(String retryAfter) {
    return () -> new GatewayException.RateLimited(null, null, "slow down", retryAfter);
  }

  static Supplier<GatewayException> connectRefused() {
    return () -> new GatewayException.ProviderFailure("upstream_unreachable", "Could not connect: refused", 0, true, null);
  }

  static Supplier<GatewayException> firstByteTimeout() {
    return () -> new GatewayException.Timeout("first_byte_timeout", "no first byte in time");
  }

  static Supplier<GatewayException> connectTimeout() {
    return () -> new GatewayException.Timeout("connect_timeout", "no connection in time");
  }

  /** A started stream the test ends or fails by hand. */
  static final class FakeStream implements ChatStream {
    final String target;
    Handler<ChatChunk> handler;
    Handler<Void> endHandler;
    Handler<GatewayException> exceptionHandler;
    boolean cancelled;

    FakeStream(String target) {
      this.target = target;
    }

    @Override
    public ChatStream handler(Handler<ChatChunk> handler) {
      this.handler = handler;
      return this;
    }

    @Override
    public ChatStream endHandler(Handler<Void> handler) {
      this.endHandler = handler;
      return this;
    }

    @Override
    public ChatStream exceptionHandler(Handler<GatewayException> handler) {
      this.exceptionHandler = handler;
      return this;
    }

    @Override
    public ChatStream pause() {
      return this;
    }

    @Override
    public ChatStream resume() {
      return this;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    void fail(GatewayException e) {
      if (exceptionHandler != null) exceptionHandler.handle(e);
    }

    void end() {
      if (endHandler != null) endHandler.handle(null);
    }

    /** The upstream sends a chunk with some text. */
    void chunk(String text) {
      if (handler != null) {
        handler.handle(ChatChunk.of(Json.object().put("object", "chat.completion.chunk").set("choices", Json.MAPPER
            .createArrayNode().add(Json.object().put("index", 0).set("delta", Json.object().put("content", text))))));
      }
    }
  }
}
