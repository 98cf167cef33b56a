package io.recllm.gateway.resilience;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.recllm.gateway.call.Attempt;
import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallListener;
import io.recllm.gateway.call.CallOutcome;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.usage.UsageRecord;
import io.recllm.gateway.usage.UsageSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How the providers are doing, from the upstream tries of every finished call ({@link Call#attempts()}):
 * tries and failed tries, the latency EWMA of all tries, the retries (another try of the same target)
 * and fallbacks (a try of another target after a failure), and the circuit state. It feeds the
 * dashboard's provider health and the meters {@code rec_llm_gateway.retries},
 * {@code rec_llm_gateway.fallbacks} and {@code rec_llm_gateway.circuit.state} (0 closed, 1 half-open,
 * 2 open). A sink of the call outcome: it reads the call after it finished, so it costs no step.
 */
public final class ProviderHealth implements UsageSink, CallListener {

  /** The meter names, in Micrometer's dotted form (Prometheus: rec_llm_gateway_retries_total, ...). */
  public static final String RETRIES = "rec_llm_gateway.retries";
  public static final String FALLBACKS = "rec_llm_gateway.fallbacks";
  public static final String CIRCUIT_STATE = "rec_llm_gateway.circuit.state";

  private static final class Numbers {
    final LongAdder tries = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder fallbacks = new LongAdder(); // calls that went on from this provider to another target
    final LatencyEwma latency = new LatencyEwma();
  }

  private final CircuitBreakers breakers;
  private final ConcurrentHashMap<String, Numbers> providers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> routeFallbacks = new ConcurrentHashMap<>();
  private final List<Meter> meters = new ArrayList<>();
  private volatile MeterRegistry registry;

  public ProviderHealth(CircuitBreakers breakers, Iterable<String> configuredProviders) {
    this.breakers = breakers;
    for (String p : configuredProviders) providers.put(p, new Numbers());
  }

  @Override
  public void record(UsageRecord record) {
    // a record without its call carries no tries
  }

  @Override
  public void finished(Call call, UsageRecord record) {
    List<Attempt> attempts = call.attempts();
    Attempt previous = null;
    boolean fellOver = false;
    for (Attempt a : attempts) {
      Numbers n = numbers(a.provider());
      if (n == null) continue;
      n.tries.increment();
      if (!a.succeeded()) n.failures.increment();
      n.latency.record(a.latencyMs() * 1_000_000L);
      if (previous != null && !previous.succeeded()) {
        boolean same = previous.provider().equals(a.provider()) && previous.model().equals(a.model());
        Numbers from = numbers(previous.provider());
        if (same) {
          n.retries.increment();
        } else {
          fellOver = true;
          if (from != null) from.fallbacks.increment();
        }
      }
      previous = a;
    }
    if (fellOver) {
      String route = call.get(CallOutcome.ROUTE);
      routeFallbacks.computeIfAbsent(route != null ? route : "fallbacks", r -> new LongAdder()).increment();
    }
  }

  /** Only configured providers are counted: a client cannot mint entries with made-up names. */
  private Numbers numbers(String provider) {
    return providers.get(provider);
  }

  /** Retries of targets of this provider so far. */
  public long retries(String provider) {
    Numbers n = providers.get(provider);
    return n == null ? 0 : n.retries.sum();
  }

  /** Calls that went on from this provider to another target. */
  public long fallbacks(String provider) {
    Numbers n = providers.get(provider);
    return n == null ? 0 : n.fallbacks.sum();
  }

  /** Fallbacks per route name ({@code fallbacks} for a request's own list). */
  public Map<String, Long> routeFallbacks() {
    Map<String, Long> out = new TreeMap<>();
    routeFallbacks.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** 0 closed, 1 half-open, 2 open. */
  public int circuitState(String provider) {
    return switch (breakers.forProvider(provider).state()) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    };
  }

  /**
   * {@code {"object": "list", "data": [{provider, circuit_state, tries, failures, error_rate, latency_ewma_ms,
   * retries, fallbacks}], "route_fallbacks": {...}}} for the dashboard.
   */
  public ObjectNode toJson() {
    ObjectNode root = Json.object();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    new TreeMap<>(providers).forEach((name, n) -> {
      ObjectNode p = data.addObject();
      p.put("provider", name);
      p.put("circuit_state", breakers.forProvider(name).state().name().toLowerCase());
      long tries = n.tries.sum();
      long failures = n.failures.sum();
      p.put("tries", tries);
      p.put("failures", failures);
      p.put("error_rate", tries == 0 ? 0 : (double) failures / tries);
      double ewma = n.latency.nanos();
      if (Double.isNaN(ewma)) p.putNull("latency_ewma_ms"); else p.put("latency_ewma_ms", Math.round(ewma / 1e6));
      p.put("retries", n.retries.sum());
      p.put("fallbacks", n.fallbacks.sum());
    });
    ObjectNode routes = root.putObject("route_fallbacks");
    routeFallbacks().forEach(routes::put);
    return root;
  }

  /** Registers the retry and fallback counters and the circuit state gauge per provider. */
  public synchronized void bindTo(MeterRegistry meterRegistry) {
    if (meterRegistry == null || registry != null) return;
    registry = meterRegistry;
    providers.forEach((name, n) -> {
      meters.add(FunctionCounter.builder(RETRIES, n.retries, LongAdder::sum).tag("provider", name)
          .description("Upstream tries repeated at the same target after a retryable failure").register(meterRegistry));
      meters.add(FunctionCounter.builder(FALLBACKS, n.fallbacks, LongAdder::sum).tag("provider", name)
          .description("Calls that went on from this provider to another target after a failure").register(meterRegistry));
      meters.add(Gauge.builder(CIRCUIT_STATE, this, h -> h.circuitState(name)).tag("provider", name)
          .description("Circuit breaker state: 0 closed, 1 half-open, 2 open").register(meterRegistry));
    });
  }

  /** Removes the meters that point at this instance. */
  public synchronized void close() {
    if (registry != null) meters.forEach(registry::remove);
    meters.clear();
  }
}
