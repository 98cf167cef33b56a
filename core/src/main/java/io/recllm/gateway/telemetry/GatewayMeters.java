package io.recllm.gateway.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.pricing.NanoUsd;
import io.recllm.gateway.provider.ProviderCounters;
import io.recllm.gateway.usage.UsageRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's Micrometer meters. Meter instances are cached per provider, endpoint and model (then per status
 * and error type), so a finished call costs a few map reads and atomic adds, never a registry lookup.
 */
final class GatewayMeters {

  static final String REQUESTS = "rec_llm_gateway.requests";
  static final String TOKENS = "rec_llm_gateway.tokens";
  static final String COST = "rec_llm_gateway.cost";
  static final String DURATION = "rec_llm_gateway.request.duration";
  static final String TTFT = "rec_llm_gateway.time_to_first_token";
  static final String UPSTREAM = "rec_llm_gateway.upstream.duration";
  static final String OVERHEAD = "rec_llm_gateway.overhead";
  static final String ERRORS = "rec_llm_gateway.errors";
  static final String ACTIVE_REQUESTS = "rec_llm_gateway.requests.active";
  static final String ACTIVE_STREAMS = "rec_llm_gateway.streams.active";
  static final String DROPPED_EVENTS = "rec_llm_gateway.telemetry.dropped_events";

  /** The seed's latency buckets. */
  static final Duration[] LATENCY_BUCKETS = millis(100, 250, 500, 1000, 2500, 5000);
  /** What the gateway itself adds is expected to be small: finer buckets. */
  static final Duration[] OVERHEAD_BUCKETS = millis(1, 5, 10, 25, 50, 100, 250);

  /**
   * Model names come from clients, so a client could mint a time series per request; past this many
   * provider/model pairs, new models are counted under model "other".
   */
  static final int MAX_MODELS = 1000;
  static final String UNKNOWN_STOP_REASONS = "rec_llm_gateway.upstream.unknown_stop_reasons";
  static final String OTHER_MODEL = "other";
  /** Calls and cost per virtual key, by the key's name: separate meters, so the per-model ones keep their tags. */
  static final String KEY_REQUESTS = "rec_llm_gateway.key.requests";
  static final String KEY_COST = "rec_llm_gateway.key.cost";
  /** Key names beyond this many are counted under "other", as model names are. */
  static final int MAX_KEYS = 1000;

  private final MeterRegistry registry;
  private final AtomicInteger activeRequests = new AtomicInteger();
  private final AtomicInteger activeStreams = new AtomicInteger();
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, ModelMeters>> byProvider = new ConcurrentHashMap<>();
  private final AtomicInteger models = new AtomicInteger();
  private final ConcurrentHashMap<String, Counter[]> byKey = new ConcurrentHashMap<>();
  private final Counter droppedEvents;
  private final List<Meter> gauges = new ArrayList<>();

  GatewayMeters(MeterRegistry registry) {
    this.registry = registry;
    gauges.add(Gauge.builder(ACTIVE_REQUESTS, activeRequests, AtomicInteger::get)
        .description("Chat completion calls in flight").register(registry));
    gauges.add(Gauge.builder(ACTIVE_STREAMS, activeStreams, AtomicInteger::get)
        .description("Streaming chat completion calls in flight").register(registry));
    gauges.add(FunctionCounter.builder(UNKNOWN_STOP_REASONS, ProviderCounters.class, c -> ProviderCounters.unknownStopReasons())
        .description("Upstream stop reasons the gateway did not know (answered as finish_reason stop)").register(registry));
    droppedEvents = Counter.builder(DROPPED_EVENTS)
        .description("Telemetry events not delivered because a blocking listener's queue was full").register(registry);
  }

  MeterRegistry registry() {
    return registry;
  }

  void started(boolean stream) {
    activeRequests.incrementAndGet();
    if (stream) activeStreams.incrementAndGet();
  }

  void finished(boolean stream) {
    activeRequests.decrementAndGet();
    if (stream) activeStreams.decrementAndGet();
  }

  void dropped() {
    droppedEvents.increment();
  }

  /** {@code upstreamNanos} is -1 when the provider's part of the call is unknown (it had not ended). */
  void record(UsageRecord r, long durationNanos, long upstreamNanos) {
    ModelMeters m = meters(r.provider(), r.model(), r.endpoint());
    m.requests(r.status()).increment();
    TokenUsage u = r.usage();
    if (u != null) {
      if (u.promptTokens() > 0) m.promptTokens.increment(u.promptTokens());
      if (u.completionTokens() > 0) m.completionTokens.increment(u.completionTokens());
      if (u.cachedTokens() > 0) m.cachedTokens.increment(u.cachedTokens());
    }
    if (r.costNanoUsd() > 0) m.cost.increment(NanoUsd.toDouble(r.costNanoUsd())); // Micrometer counters are doubles
    m.duration.record(durationNanos, TimeUnit.NANOSECONDS);
    if (r.stream() && r.ttftMs() >= 0) m.ttft.record(r.ttftMs(), TimeUnit.MILLISECONDS);
    if (upstreamNanos >= 0) {
      m.upstream.record(upstreamNanos, TimeUnit.NANOSECONDS);
      m.overhead.record(Math.max(0, durationNanos - upstreamNanos), TimeUnit.NANOSECONDS);
    }
    if (r.errorType() != null) m.errors(r.errorType()).increment();
  }

  /** A virtual key's call: its count (by status) and cost under the {@code key} tag. */
  void recordKey(String key, UsageRecord r) {
    Counter[] c = byKey.get(key);
    if (c == null) {
      String tag = byKey.size() >= MAX_KEYS ? OTHER_MODEL : key;
      c = byKey.computeIfAbsent(tag, k -> new Counter[] {
          Counter.builder(KEY_REQUESTS).tag("key", k).description("Calls made with a virtual key").register(registry),
          Counter.builder(KEY_COST).tag("key", k).baseUnit("usd").description("What a virtual key's calls cost").register(registry)});
    }
    c[0].increment();
    if (r.costNanoUsd() > 0) c[1].increment(NanoUsd.toDouble(r.costNanoUsd()));
  }

  private ModelMeters meters(String provider, String model, String endpoint) {
    // one map per provider and endpoint: a handful of endpoints, so the key is cheap and the lookup stays one get
    String outer = CHAT.equals(endpoint) ? provider : provider + '\0' + endpoint;
    ConcurrentHashMap<String, ModelMeters> forProvider = byProvider.get(outer);
    if (forProvider == null) forProvider = byProvider.computeIfAbsent(outer, p -> new ConcurrentHashMap<>());
    ModelMeters m = forProvider.get(model);
    if (m != null) return m;
    if (models.get() >= MAX_MODELS) {
      return forProvider.computeIfAbsent(OTHER_MODEL, x -> new ModelMeters(registry, provider, OTHER_MODEL, endpoint));
    }
    return forProvider.computeIfAbsent(model, x -> {
      models.incrementAndGet();
      return new ModelMeters(registry, provider, model, endpoint);
    });
  }

  private static final String CHAT = io.recllm.gateway.core.Endpoint.CHAT.id();

  /** Gauges point at this instance's counters: they go with it. Counters and timers stay, so totals survive a restart in the same registry. */
  void close() {
    gauges.forEach(registry::remove);
  }

  private static Duration[] millis(long... ms) {
    Duration[] out = new Duration[ms.length];
    for (int i = 0; i < ms.length; i++) out[i] = Duration.ofMillis(ms[i]);
    return out;
  }

  private static final class ModelMeters {
    final MeterRegistry registry;
    final Tags tags;
    final Counter promptTokens;
    final Counter completionTokens;
    final Counter cachedTokens;
    final Counter cost;
    final Timer duration;
    final Timer ttft;
    final Timer upstream;
    final Timer overhead;
    final ConcurrentHashMap<Integer, Counter> byStatus = new ConcurrentHashMap<>();
    final ConcurrentHashMap<String, Counter> byErrorType = new ConcurrentHashMap<>();

    ModelMeters(MeterRegistry registry, String provider, String model, String endpoint) {
      this.registry = registry;
      this.tags = Tags.of("provider", provider, "model", model, "endpoint", endpoint);
      promptTokens = tokens("prompt");
      completionTokens = tokens("completion");
      cachedTokens = tokens("cached");
      cost = Counter.builder(COST).baseUnit("usd").tags(tags)
          .description("What the calls cost, from the price table").register(registry);
      duration = Timer.builder(DURATION).tags(tags).serviceLevelObjectives(LATENCY_BUCKETS)
          .description("Whole call as the client saw it, from request to last byte").register(registry);
      ttft = Timer.builder(TTFT).tags(tags).serviceLevelObjectives(LATENCY_BUCKETS)
          .description("Streams: from request to the first content the client received").register(registry);
      upstream = Timer.builder(UPSTREAM).tags(tags).serviceLevelObjectives(LATENCY_BUCKETS)
          .description("Time spent waiting for the provider (for streams, until its last event)").register(registry);
      overhead = Timer.builder(OVERHEAD).tags(tags).serviceLevelObjectives(OVERHEAD_BUCKETS)
          .description("Request duration minus upstream duration: what the gateway added").register(registry);
    }

    private Counter tokens(String type) {
      return Counter.builder(TOKENS).tags(tags).tag("type", type)
          .description("Tokens by type; prompt includes cached").register(registry);
    }

    Counter requests(int status) {
      Counter c = byStatus.get(status);
      return c != null ? c : byStatus.computeIfAbsent(status, s -> Counter.builder(REQUESTS).tags(tags)
          .tag("status", Integer.toString(s)).description("Finished chat completion calls").register(registry));
    }

    Counter errors(String type) {
      Counter c = byErrorType.get(type);
      return c != null ? c : byErrorType.computeIfAbsent(type, t -> Counter.builder(ERRORS).tags(tags)
          .tag("type", t).description("Failed calls by OpenAI error type").register(registry));
    }
  }
}
