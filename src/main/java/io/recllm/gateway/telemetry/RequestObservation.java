package io.recllm.gateway.telemetry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.recllm.gateway.usage.UsageRecord;

/**
 * One call between its start hook and its usage record: what the stop side needs to close the span,
 * the gauges and the timings. The upstream times are written by whichever thread completes the
 * provider's future, hence volatile.
 */
final class RequestObservation {

  final String requestId;
  final String provider;
  final String model;
  final boolean stream;
  final long startNanos;
  /** Identity of the parsed body: how the provider call is matched to this observation. */
  final ObjectNode request;
  /** The gateway's span, or null when tracing is off. */
  Span span;
  /** Trace context the provider call runs in (the span, or the client's traceparent passed through), or null. */
  Context traceContext;
  volatile long upstreamStartNanos = -1;
  volatile long upstreamEndNanos = -1;
  /** Another call in flight with the same request id (clients choose ids; they may reuse one). */
  RequestObservation next;

  RequestObservation(String requestId, String provider, String model, boolean stream, long startNanos,
                     ObjectNode request) {
    this.requestId = requestId;
    this.provider = provider;
    this.model = model;
    this.stream = stream;
    this.startNanos = startNanos;
    this.request = request;
  }

  void upstreamStarted() {
    upstreamStartNanos = System.nanoTime();
  }

  void upstreamEnded() {
    if (upstreamEndNanos < 0 && upstreamStartNanos >= 0) upstreamEndNanos = System.nanoTime();
  }

  /** Nanoseconds spent waiting for the provider, or -1 when the call is not over on the provider's side. */
  long upstreamNanos() {
    long start = upstreamStartNanos;
    long end = upstreamEndNanos;
    return start >= 0 && end >= start ? end - start : -1;
  }

  boolean matches(UsageRecord r) {
    return stream == r.stream() && provider.equals(r.provider()) && model.equals(r.model());
  }
}
