package io.recllm.gateway.telemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.recllm.gateway.call.Call;

/**
 * One call between its start hook and its usage record, kept on the {@link Call} under {@link #KEY}:
 * what the stop side needs to close the span, the gauges and the timings. The upstream times are
 * written by whichever thread completes the provider's future, hence volatile.
 */
final class RequestObservation {

  static final Call.Key<RequestObservation> KEY = new Call.Key<>("telemetry");

  final String requestId;
  final String provider;
  final String model;
  final boolean stream;
  final String endpoint;
  final long startNanos;
  /** The gateway's span, or null when tracing is off. */
  Span span;
  /** Trace context the provider call runs in (the span, or the client's traceparent passed through), or null. */
  Context traceContext;
  volatile long upstreamStartNanos = -1;
  volatile long upstreamEndNanos = -1;
  /** Tries started so far: only the latest try's end closes the upstream side. */
  private volatile int tries;

  RequestObservation(String requestId, String provider, String model, boolean stream, String endpoint, long startNanos) {
    this.requestId = requestId;
    this.endpoint = endpoint;
    this.provider = provider;
    this.model = model;
    this.stream = stream;
    this.startNanos = startNanos;
  }

  /** A try goes upstream; returns its number, for {@link #upstreamEnded}. Tries start on the call's event loop. */
  int upstreamStarted() {
    if (upstreamStartNanos < 0) upstreamStartNanos = System.nanoTime();
    upstreamEndNanos = -1; // a later try opens the upstream side again
    return ++tries;
  }

  /** The try numbered {@code attempt} ended; an earlier try ending late (a stream cancelled after a retry) is ignored. */
  void upstreamEnded(int attempt) {
    if (attempt == tries && upstreamEndNanos < 0 && upstreamStartNanos >= 0) upstreamEndNanos = System.nanoTime();
  }

  /** Nanoseconds spent waiting for the provider, or -1 when the call is not over on the provider's side. */
  long upstreamNanos() {
    long start = upstreamStartNanos;
    long end = upstreamEndNanos;
    return start >= 0 && end >= start ? end - start : -1;
  }
}
