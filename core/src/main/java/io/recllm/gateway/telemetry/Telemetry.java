package io.recllm.gateway.telemetry;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.recllm.gateway.call.Attempt;
import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallOutcome;
import io.recllm.gateway.call.Caller;
import io.recllm.gateway.call.CallListener;
import io.recllm.gateway.call.CallStep;
import io.recllm.gateway.config.TelemetrySettings;
import io.recllm.gateway.core.Endpoint;
import io.recllm.gateway.core.ModelRef;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.usage.UsageRecord;
import io.recllm.gateway.usage.UsageSink;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's telemetry wiring: the start hook the chat handler calls, the listener that closes
 * each call (meters, span, access log, stop/exception events), the provider-stage call step and the
 * {@code /metrics} route. Applications use it through {@link GatewayTelemetry}; the rest is public
 * only because the HTTP layer lives in another package.
 *
 * <p>A call's observation lives on the {@link Call} itself, from {@link #start} to {@link #finished}:
 * nothing is looked up by request id or body. Everything here runs on the event loop and never
 * blocks; telemetry failures are logged and never reach the call.
 */
public final class Telemetry implements GatewayTelemetry, UsageSink, CallListener, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);
  static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";
  static final String OPENMETRICS_FORMAT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private final TelemetrySettings settings;
  private final GatewayMeters meters;
  private final PrometheusMeterRegistry scrapeRegistry;
  private final List<AutoCloseable> owned = new ArrayList<>();
  private final OpenTelemetry otel;
  private final GenAiTracing tracing;
  private final AccessLog accessLog;
  private final Listeners listeners;
  private final ObservationStep step = new ObservationStep();

  private Telemetry(TelemetrySettings settings, MeterRegistry appRegistry, OpenTelemetry appOtel) {
    this.settings = settings;
    MeterRegistry registry = appRegistry;
    PrometheusMeterRegistry prometheus = null;
    if (registry == null && settings.metrics()) {
      prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      registry = prometheus;
      // a standalone gateway is the only app in its JVM: say how the JVM is doing too
      JvmGcMetrics gc = new JvmGcMetrics();
      owned.add(gc);
      for (MeterBinder b : List.of(new JvmMemoryMetrics(), gc, new JvmThreadMetrics(), new ProcessorMetrics(),
          new UptimeMetrics())) {
        b.bindTo(registry);
      }
      owned.add(prometheus::close);
    }
    this.scrapeRegistry = prometheus;
    this.meters = registry == null ? null : new GatewayMeters(registry);
    OpenTelemetry tracingOtel = appOtel;
    if (tracingOtel == null && settings.otlpEnabled()) {
      OtlpExport.Export export = OtlpExport.create(settings);
      owned.add(0, export.shutdown()); // first: flush while everything else still stands
      tracingOtel = export.openTelemetry();
    }
    this.otel = tracingOtel != null ? tracingOtel : OpenTelemetry.noop();
    this.tracing = tracingOtel != null ? GenAiTracing.on(tracingOtel) : GenAiTracing.off();
    this.accessLog = new AccessLog(settings.accessLog());
    this.listeners = new Listeners(() -> {
      if (meters != null) meters.dropped();
    });
  }

  /**
   * @param appRegistry the application's registry, or null for the gateway's own Prometheus one (when
   *     {@code telemetry.metrics} is on)
   * @param appOtel the application's OpenTelemetry, or null for the gateway's OTLP SDK (when
   *     {@code telemetry.otlp_endpoint} is set) or none
   */
  public static Telemetry create(TelemetrySettings settings, MeterRegistry appRegistry, OpenTelemetry appOtel) {
    return new Telemetry(settings == null ? TelemetrySettings.DEFAULT : settings, appRegistry, appOtel);
  }

  // ---- GatewayTelemetry: the application's side

  @Override
  public void attach(TelemetryListener listener) {
    listeners.attach(listener, null);
  }

  @Override
  public void attachBlocking(TelemetryListener listener) {
    listeners.attachBlocking(listener);
  }

  @Override
  public void attach(TelemetryListener listener, Executor executor) {
    if (executor == null) throw new IllegalArgumentException("executor is null; use attach(listener) to run inline");
    listeners.attach(listener, executor);
  }

  @Override
  public boolean detach(TelemetryListener listener) {
    return listeners.detach(listener);
  }

  @Override
  public MeterRegistry meterRegistry() {
    return meters == null ? null : meters.registry();
  }

  @Override
  public OpenTelemetry openTelemetry() {
    return otel;
  }

  // ---- the gateway's side

  /**
   * The step around each upstream try: the call's trace context while the request is built, and the
   * upstream time. It belongs first among the {@link io.recllm.gateway.call.Stage#PROVIDER} steps.
   */
  public CallStep observationStep() {
    return step;
  }

  /**
   * A call is routed and about to go to its provider; its observation is kept on the call. Durations
   * run from {@link Call#startNanos()}, when the gateway received it, so they include parsing.
   */
  public void start(Call call) {
    try {
      ModelRef ref = call.requested();
      long startNanos = call.startNanos();
      RequestObservation obs = new RequestObservation(call.requestId(), ref.provider(), ref.model(), call.stream(),
          call.endpoint(), startNanos);
      long nowNanos = System.nanoTime();
      long epochNanos = epochNanos();
      tracing.start(obs, call.clientBody(), call.headers(), epochNanos - (nowNanos - startNanos));
      call.put(RequestObservation.KEY, obs);
      if (meters != null) meters.started(obs.stream);
      listeners.emit(() -> startEvent(obs, epochNanos, nowNanos));
    } catch (RuntimeException e) {
      LOG.warn("Telemetry failed at the start of request {}; the call goes on", call.requestId(), e);
    }
  }

  /** A call finished: meters, span, access log and the stop or exception event, timed by its observation. */
  @Override
  public void finished(Call call, UsageRecord r) {
    RequestObservation obs = call.get(RequestObservation.KEY);
    if (obs != null) call.put(RequestObservation.KEY, null); // once: a second record must not close the span again
    finish(obs, r, call);
  }

  /** A record with no call (an application's own sink use): durations come from the record. */
  @Override
  public void record(UsageRecord r) {
    finish(null, r, null);
  }

  /** @param call the call, or null for a record made outside the gateway */
  private void finish(RequestObservation obs, UsageRecord r, Call call) {
    String key = call != null && call.caller().kind() == Caller.Kind.VIRTUAL ? call.caller().name() : null;
    long durationNanos = obs != null ? System.nanoTime() - obs.startNanos : Math.max(0, r.latencyMs()) * 1_000_000;
    long upstreamNanos = obs != null ? obs.upstreamNanos() : -1;
    if (obs != null && meters != null) meters.finished(obs.stream);
    if (meters != null) {
      try {
        meters.record(r, durationNanos, upstreamNanos);
        if (key != null) meters.recordKey(key, r);
      } catch (RuntimeException e) {
        LOG.warn("Recording meters for request {} failed", r.requestId(), e);
      }
    }
    try {
      tracing.end(obs, r, durationNanos);
    } catch (RuntimeException e) {
      LOG.warn("Ending the span of request {} failed", r.requestId(), e);
    }
    try {
      accessLog.log(r, durationNanos, upstreamNanos, GenAiTracing.traceId(obs));
    } catch (RuntimeException e) {
      LOG.warn("Writing the access log line of request {} failed", r.requestId(), e);
    }
    listeners.emit(() -> withAttempts(r.failed() ? exceptionEvent(r, durationNanos, upstreamNanos, key)
        : stopEvent(r, durationNanos, upstreamNanos, key), call));
  }

  /**
   * Adds {@code GET /metrics} when the gateway owns a Prometheus registry: called once before the auth
   * handler ({@code behindAuth} false) and once after it; the route goes where
   * {@code telemetry.metrics_auth} says.
   */
  public void mountMetrics(Router router, boolean behindAuth) {
    if (scrapeRegistry == null || behindAuth != settings.metricsAuth()) return;
    router.get("/metrics").handler(this::scrape);
  }

  private void scrape(RoutingContext ctx) {
    String accept = ctx.request().getHeader("accept");
    String type = accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS_FORMAT : TEXT_FORMAT;
    // a registry with many series takes a few ms to write out: not on the event loop
    ctx.vertx().executeBlocking(() -> scrapeRegistry.scrape(type), false).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else {
        ctx.response().putHeader("content-type", type).end(ar.result());
      }
    });
  }

  @Override
  public void close() {
    listeners.close();
    accessLog.close();
    if (meters != null) meters.close();
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.debug("Closing telemetry resource failed", e);
      }
    }
  }

  // ---- events

  private static TelemetryEvent startEvent(RequestObservation obs, long epochNanos, long monotonicNanos) {
    Map<String, Number> m = new LinkedHashMap<>();
    m.put("system_time", epochNanos);
    m.put("monotonic_time", monotonicNanos);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("request_id", obs.requestId);
    meta.put("provider", obs.provider);
    meta.put("model", obs.model);
    meta.put("stream", obs.stream);
    meta.put("endpoint", obs.endpoint);
    meta.put("operation", Endpoint.operationOf(obs.endpoint));
    return event(TelemetryEvent.REQUEST_START, m, meta);
  }

  private static TelemetryEvent stopEvent(UsageRecord r, long durationNanos, long upstreamNanos, String key) {
    Map<String, Object> meta = commonMetadata(r, key);
    if (r.finishReason() != null) meta.put("finish_reason", r.finishReason());
    meta.put("cost_usd", r.costUsdExact());
    meta.put("estimated_usage", r.usage() != null && r.usage().estimated());
    if (r.stream() && r.ttftMs() >= 0) meta.put("time_to_first_token", Duration.ofMillis(r.ttftMs()));
    return event(TelemetryEvent.REQUEST_STOP, measurements(r, durationNanos, upstreamNanos), meta);
  }

  private static TelemetryEvent exceptionEvent(UsageRecord r, long durationNanos, long upstreamNanos, String key) {
    Map<String, Object> meta = commonMetadata(r, key);
    meta.put("error_type", r.errorType());
    if (r.errorMessage() != null) meta.put("error_message", r.errorMessage());
    if (r.costNanoUsd() > 0) meta.put("cost_usd", r.costUsdExact());
    return event(TelemetryEvent.REQUEST_EXCEPTION, measurements(r, durationNanos, upstreamNanos), meta);
  }

  /**
   * Metadata {@code attempts}: the call's upstream tries ({@link Attempt}: provider, model, status,
   * latency, error type), and {@code route} when it came through one.
   */
  private static TelemetryEvent withAttempts(TelemetryEvent e, Call call) {
    if (call == null) return e;
    Map<String, Object> meta = new LinkedHashMap<>(e.metadata());
    meta.put("attempts", List.copyOf(call.attempts()));
    String route = call.get(CallOutcome.ROUTE);
    if (route != null) meta.put("route", route);
    return event(e.name(), e.measurements(), meta);
  }

  private static Map<String, Number> measurements(UsageRecord r, long durationNanos, long upstreamNanos) {
    TokenUsage u = r.usage() == null ? TokenUsage.NONE : r.usage();
    Map<String, Number> m = new LinkedHashMap<>();
    m.put("duration", durationNanos);
    m.put("prompt_tokens", u.promptTokens());
    m.put("completion_tokens", u.completionTokens());
    m.put("total_tokens", u.totalTokens());
    m.put("cached_tokens", u.cachedTokens());
    if (upstreamNanos >= 0) m.put("upstream_duration", upstreamNanos);
    m.put("monotonic_time", System.nanoTime());
    return m;
  }

  private static Map<String, Object> commonMetadata(UsageRecord r, String key) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("request_id", r.requestId());
    meta.put("provider", r.provider());
    meta.put("model", r.model());
    if (key != null) meta.put("key", key);
    if (r.responseModel() != null) meta.put("response_model", r.responseModel());
    meta.put("status", r.status());
    meta.put("stream", r.stream());
    meta.put("endpoint", r.endpoint());
    meta.put("operation", Endpoint.operationOf(r.endpoint()));
    return meta;
  }

  private static TelemetryEvent event(String name, Map<String, Number> m, Map<String, Object> meta) {
    return new TelemetryEvent(name, Collections.unmodifiableMap(m), Collections.unmodifiableMap(meta));
  }

  private static long epochNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
