package io.recllm.gateway.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.recllm.gateway.core.Endpoint;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.pricing.NanoUsd;
import io.recllm.gateway.provider.TraceHeaders;
import io.recllm.gateway.usage.UsageRecord;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One span per call and the two GenAI client metrics, after the OpenTelemetry GenAI semantic
 * conventions. Off (no OpenTelemetry given, no OTLP endpoint) it creates nothing: a client's
 * {@code traceparent} is only passed through to the upstream, so the trace still connects.
 */
final class GenAiTracing {

  static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
  static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
  static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
  static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
  static final AttributeKey<Long> MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
  static final AttributeKey<Double> TEMPERATURE = AttributeKey.doubleKey("gen_ai.request.temperature");
  static final AttributeKey<Double> TOP_P = AttributeKey.doubleKey("gen_ai.request.top_p");
  static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
  static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
  static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("rec_llm_gateway.request_id");
  static final AttributeKey<Boolean> STREAM = AttributeKey.booleanKey("rec_llm_gateway.stream");
  static final AttributeKey<Double> COST = AttributeKey.doubleKey("rec_llm_gateway.cost_usd");
  static final AttributeKey<Long> TTFT_MS = AttributeKey.longKey("rec_llm_gateway.time_to_first_token_ms");

  /** Bucket advice from the GenAI semantic conventions. */
  static final List<Double> DURATION_BUCKETS = List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12,
      10.24, 20.48, 40.96, 81.92);
  static final List<Long> TOKEN_BUCKETS = List.of(1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L,
      1048576L, 4194304L, 16777216L, 67108864L);

  private final boolean enabled;
  private final TextMapPropagator propagator;
  private final Tracer tracer;
  private final DoubleHistogram operationDuration;
  private final LongHistogram tokenUsage;

  private GenAiTracing(OpenTelemetry otel) {
    this.enabled = otel != null;
    TextMapPropagator w3c = W3CTraceContextPropagator.getInstance();
    if (otel == null) {
      propagator = w3c;
      tracer = null;
      operationDuration = null;
      tokenUsage = null;
      return;
    }
    // W3C always, as documented; the application's own propagators (B3, baggage, ...) on top
    TextMapPropagator app = otel.getPropagators().getTextMapPropagator();
    propagator = app == TextMapPropagator.noop() || app == w3c ? w3c : TextMapPropagator.composite(w3c, app);
    tracer = otel.getTracer("io.recllm.gateway", version());
    Meter meter = otel.getMeter("io.recllm.gateway");
    operationDuration = meter.histogramBuilder("gen_ai.client.operation.duration").setUnit("s")
        .setDescription("GenAI operation duration").setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
    tokenUsage = meter.histogramBuilder("gen_ai.client.token.usage").ofLongs().setUnit("{token}")
        .setDescription("Number of input and output tokens used").setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS).build();
  }

  static GenAiTracing off() {
    return new GenAiTracing(null);
  }

  static GenAiTracing on(OpenTelemetry otel) {
    return new GenAiTracing(otel);
  }

  boolean enabled() {
    return enabled;
  }

  /** Opens the call's span under the client's {@code traceparent}, if any, and sets the context adapters inject. */
  void start(RequestObservation obs, ObjectNode request, MultiMap headers, long startEpochNanos) {
    if (!enabled) {
      if (headers == null || headers.get("traceparent") == null) return;
      Context parent = propagator.extract(Context.root(), headers, TraceHeaders.GETTER);
      if (Span.fromContext(parent).getSpanContext().isValid()) obs.traceContext = parent.with(TraceHeaders.PROPAGATOR, propagator);
      return;
    }
    Context parent = headers == null ? Context.root() : propagator.extract(Context.root(), headers, TraceHeaders.GETTER);
    String operation = Endpoint.operationOf(obs.endpoint);
    SpanBuilder b = tracer.spanBuilder(operation + " " + obs.model)
        .setParent(parent)
        .setSpanKind(SpanKind.CLIENT)
        .setStartTimestamp(startEpochNanos, TimeUnit.NANOSECONDS)
        .setAttribute(OPERATION, operation)
        .setAttribute(PROVIDER, obs.provider)
        .setAttribute(REQUEST_MODEL, obs.model)
        .setAttribute(REQUEST_ID, obs.requestId)
        .setAttribute(STREAM, obs.stream);
    // the Responses API names the limit max_output_tokens; a max_tokens there is not a limit the upstream reads
    JsonNode maxTokens = Endpoint.RESPONSES.id().equals(obs.endpoint) ? request.get("max_output_tokens")
        : request.hasNonNull("max_completion_tokens") ? request.get("max_completion_tokens") : request.get("max_tokens");
    if (maxTokens != null && maxTokens.isIntegralNumber()) b.setAttribute(MAX_TOKENS, maxTokens.asLong());
    JsonNode temperature = request.get("temperature");
    if (temperature != null && temperature.isNumber()) b.setAttribute(TEMPERATURE, temperature.asDouble());
    JsonNode topP = request.get("top_p");
    if (topP != null && topP.isNumber()) b.setAttribute(TOP_P, topP.asDouble());
    Span span = b.startSpan();
    obs.span = span;
    obs.traceContext = parent.with(span).with(TraceHeaders.PROPAGATOR, propagator);
  }

  /** Closes the span with the response side of the conventions and records the GenAI metrics. */
  void end(RequestObservation obs, UsageRecord r, long durationNanos) {
    if (!enabled) return;
    TokenUsage u = r.usage() == null ? TokenUsage.NONE : r.usage();
    Span span = obs == null ? null : obs.span;
    if (span != null) {
      if (r.responseModel() != null) span.setAttribute(RESPONSE_MODEL, r.responseModel());
      span.setAttribute(INPUT_TOKENS, u.promptTokens());
      span.setAttribute(OUTPUT_TOKENS, u.completionTokens());
      if (r.finishReason() != null) span.setAttribute(FINISH_REASONS, List.of(r.finishReason()));
      span.setAttribute(HTTP_STATUS, (long) r.status());
      span.setAttribute(COST, NanoUsd.toDouble(r.costNanoUsd())); // a double attribute by convention
      if (r.stream() && r.ttftMs() >= 0) span.setAttribute(TTFT_MS, r.ttftMs());
      if (r.errorType() != null) {
        span.setAttribute(ERROR_TYPE, r.errorType());
        span.setStatus(StatusCode.ERROR, r.errorType());
      }
      span.end();
    }
    AttributesBuilder a = Attributes.builder()
        .put(OPERATION, Endpoint.operationOf(r.endpoint()))
        .put(PROVIDER, r.provider())
        .put(REQUEST_MODEL, r.model());
    if (r.responseModel() != null) a.put(RESPONSE_MODEL, r.responseModel());
    if (r.errorType() != null) a.put(ERROR_TYPE, r.errorType());
    Attributes common = a.build();
    operationDuration.record(durationNanos / 1e9, common);
    if (r.errorType() == null || u.totalTokens() > 0) {
      tokenUsage.record(u.promptTokens(), common.toBuilder().put(TOKEN_TYPE, "input").build());
      tokenUsage.record(u.completionTokens(), common.toBuilder().put(TOKEN_TYPE, "output").build());
    }
  }

  /** The trace id of a call's span, for the access log; null when there is none. */
  static String traceId(RequestObservation obs) {
    if (obs == null || obs.span == null) return null;
    SpanContext c = obs.span.getSpanContext();
    return c.isValid() ? c.getTraceId() : null;
  }

  private static String version() {
    String v = GenAiTracing.class.getPackage().getImplementationVersion();
    return v != null ? v : "dev";
  }
}
