package io.recllm.gateway.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallOutcome;
import io.recllm.gateway.call.CallStep;
import io.recllm.gateway.call.Stage;
import io.recllm.gateway.core.ModelRef;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.pricing.NanoUsd;
import io.recllm.gateway.pricing.Pricing;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.ForwardingChatStream;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Locale;

/**
 * Answers a repeated call from the response cache ({@link Stage#CACHE}). The key is the normalised
 * request ({@link CacheKey}) scoped to the caller's key unless {@code shared}; a hit answers a plain
 * call and a stream alike (replayed in upstream-shaped chunks), costs nothing, and says so in
 * {@code x_rec_llm}: {@code "cache": "hit"} and {@code "cache_saved_usd"}, the price of the answer when
 * it was first paid for. A miss goes upstream and stores a finished answer.
 *
 * <p>Not cached: a call with a temperature above 0 (or none, the providers' default being 1) unless
 * {@code nondeterministic}; {@code cache-control: no-store} skips the cache both ways and {@code no-cache}
 * skips reading it (the fresh answer is stored).
 */
public final class CacheStep implements CallStep {

  static final String REQUESTS = "rec_llm_gateway.cache.requests";
  static final String SAVED = "rec_llm_gateway.cache.saved";

  private final CacheSettings settings;
  private final CacheStore store;
  private final Pricing pricing;
  private final Counter hits;
  private final Counter misses;
  private final Counter bypassed;
  private final Counter saved;

  CacheStep(CacheSettings settings, CacheStore store, Pricing pricing, MeterRegistry meters) {
    this.settings = settings;
    this.store = store;
    this.pricing = pricing;
    this.hits = counter(meters, "hit");
    this.misses = counter(meters, "miss");
    this.bypassed = counter(meters, "bypass");
    this.saved = meters == null ? null : Counter.builder(SAVED).baseUnit("usd")
        .description("What the calls answered from the cache would have cost").register(meters);
  }

  /** The step for these settings: Redis with {@code redis}, else in memory; {@code meters} may be null. */
  public static CacheStep create(CacheSettings settings, Vertx vertx, Pricing pricing, MeterRegistry meters) {
    CacheStore store = settings.redis() != null
        ? new RedisStore(vertx, settings.redis(), settings.redisPrefix())
        : new MemoryStore(settings.maxEntries());
    return new CacheStep(settings, store, pricing, meters);
  }

  private static Counter counter(MeterRegistry meters, String result) {
    return meters == null ? null : Counter.builder(REQUESTS).tag("result", result)
        .description("Calls the response cache answered (hit), sent upstream (miss) or did not look at (bypass)")
        .register(meters);
  }

  @Override
  public Stage stage() {
    return Stage.CACHE;
  }

  /** What the cache may do for one call, and how long its answer is kept. */
  private record Use(String key, boolean read, long ttlS) {}

  private Use use(Call call) {
    String control = String.join(",", call.headers().getAll("cache-control")).toLowerCase(Locale.ROOT);
    // the model the client named, as the routing step will read it: a route's name picks its own settings
    CacheSettings.Route route = settings.routes().isEmpty() ? null : settings.routes().get(call.body().path("model").asText(""));
    if (control.contains("no-store") || (route != null && !route.enabled())
        || !(settings.nondeterministic() || deterministic(call.body()))) {
      increment(bypassed);
      return null;
    }
    return new Use(CacheKey.of(call, settings.shared()), !control.contains("no-cache"), route != null ? route.ttlS() : settings.ttlS());
  }

  private static boolean deterministic(ObjectNode body) {
    JsonNode t = body.get("temperature");
    return t != null && t.isNumber() && t.asDouble() == 0;
  }

  @Override
  public Future<ChatResult> complete(Call call, Next next) {
    Use use = use(call);
    if (use == null) return next.complete(call);
    return lookup(use).compose(entry -> {
      if (entry != null) return Future.succeededFuture(hit(call, entry));
      increment(misses);
      return next.complete(call).map(result -> {
        if (result.finishReason() != null) store(use, call.accountedTo(), result.body(), result.usage());
        return result;
      });
    });
  }

  @Override
  public Future<ChatStream> stream(Call call, Next next) {
    Use use = use(call);
    if (use == null) return next.stream(call);
    Vertx vertx = Vertx.currentContext().owner(); // the replay plays on the call's event loop
    return lookup(use).compose(entry -> {
      if (entry != null) {
        hit(call, entry);
        return Future.succeededFuture(ReplayStream.of(entry.replayChunks(), vertx));
      }
      increment(misses);
      boolean oneChoice = call.body().path("n").asInt(1) == 1;
      return next.stream(call).map(s -> oneChoice ? new RecordingStream(s, answer -> store(use, call.accountedTo(),
          answer.completion(), answer.usage())) : s);
    });
  }

  private Future<CachedAnswer> lookup(Use use) {
    if (!use.read()) return Future.succeededFuture();
    Future<CachedAnswer> found = store.get(use.key());
    if (found.isComplete()) return found;
    // Redis answers on its own connection's event loop; the call goes on on its own
    Context context = Vertx.currentContext();
    if (context == null) return found;
    Promise<CachedAnswer> back = Promise.promise();
    found.onComplete(ar -> context.runOnContext(v -> back.handle(ar)));
    return back.future();
  }

  private ChatResult hit(Call call, CachedAnswer stored) {
    increment(hits);
    long savedNanoUsd = stored.savedNanoUsd();
    if (saved != null) saved.increment(NanoUsd.toUsd(savedNanoUsd).doubleValue());
    call.answeredBy(call.target());
    ObjectNode ext = Json.object().put("cache", "hit");
    ext.putRawValue("cache_saved_usd", new RawValue(NanoUsd.format(savedNanoUsd)));
    call.put(CallOutcome.EXTENSION, ext);
    call.put(CallOutcome.CACHE_SAVED, savedNanoUsd);
    // the answer's own bytes go out with x_rec_llm spliced in: no serialisation per hit
    return new ChatResult(stored.completion(), TokenUsage.NONE, null, stored.bytes());
  }

  private void store(Use use, ModelRef answeredBy, ObjectNode completion, TokenUsage usage) {
    long savedNanoUsd = pricing.cost(answeredBy.provider(), answeredBy.model(), usage).nanoUsd();
    store.put(use.key(), CachedAnswer.of(completion, savedNanoUsd), use.ttlS());
  }

  static ObjectNode zeroUsage() {
    return Json.object().put("prompt_tokens", 0).put("completion_tokens", 0).put("total_tokens", 0);
  }

  private static void increment(Counter c) {
    if (c != null) c.increment();
  }

  /** Closes the Redis connection, if any. */
  public void close() {
    store.close();
  }

  /** A finished streamed answer, put together from its chunks. */
  record StreamedAnswer(ObjectNode completion, TokenUsage usage) {}

  /**
   * Passes a stream through unchanged and keeps its text, to store the answer once the stream ended
   * cleanly with a finish reason. Answers with tool calls or other generated parts are not stored.
   */
  static final class RecordingStream extends ForwardingChatStream {
    private final java.util.function.Consumer<StreamedAnswer> onAnswer;
    private final StringBuilder content = new StringBuilder();
    private String id;
    private String model;
    private String finishReason;
    private TokenUsage usage = TokenUsage.NONE;
    private boolean storable = true;

    RecordingStream(ChatStream inner, java.util.function.Consumer<StreamedAnswer> onAnswer) {
      super(inner);
      this.onAnswer = onAnswer;
    }

    @Override
    public ChatStream handler(io.vertx.core.Handler<ChatChunk> h) {
      inner.handler(h == null ? null : chunk -> {
        keep(chunk);
        h.handle(chunk);
      });
      return this;
    }

    private void keep(ChatChunk chunk) {
      if (chunk.isError() || chunk.otherText() != null) storable = false;
      if (model == null) model = chunk.model();
      if (chunk.content() != null) content.append(chunk.content());
      if (chunk.finishReason() != null) finishReason = chunk.finishReason();
      if (chunk.hasUsage()) usage = chunk.usage();
      if (id == null && chunk.hasChoices()) id = chunk.json().path("id").asText(null);
    }

    @Override
    public ChatStream endHandler(io.vertx.core.Handler<Void> h) {
      inner.endHandler(h == null ? null : v -> {
        if (storable && finishReason != null) onAnswer.accept(new StreamedAnswer(completion(), usage));
        h.handle(v);
      });
      return this;
    }

    private ObjectNode completion() {
      ObjectNode c = Json.object().put("id", id != null ? id : "chatcmpl-cached").put("object", "chat.completion")
          .put("created", System.currentTimeMillis() / 1000).put("model", model != null ? model : "");
      ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
      choice.putObject("message").put("role", "assistant").put("content", content.toString());
      choice.put("finish_reason", finishReason);
      return c;
    }
  }
}
