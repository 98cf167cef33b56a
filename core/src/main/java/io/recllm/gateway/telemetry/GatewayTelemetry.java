package io.recllm.gateway.telemetry;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.concurrent.Executor;

/**
 * What an embedding application touches of the gateway's telemetry: {@code gateway.telemetry()}.
 *
 * <pre>{@code
 * gateway.telemetry().attach(event -> {
 *   if (event.is(TelemetryEvent.REQUEST_STOP)) log.info("{} took {} ns", event.tag("model"), event.measurement("duration"));
 * });
 * }</pre>
 */
public interface GatewayTelemetry {

  /** Runs {@code listener} on the event loop, in order with the calls it observes: it must not block. */
  void attach(TelemetryListener listener);

  /**
   * Runs {@code listener} on a thread of its own, events in order. Its queue holds 10,000 events; when a
   * slow listener falls that far behind, further events are dropped (counted in
   * {@code rec_llm_gateway.telemetry.dropped_events}) rather than held in memory.
   */
  void attachBlocking(TelemetryListener listener);

  /** Runs {@code listener} on {@code executor}; a single-threaded one keeps events in order. */
  void attach(TelemetryListener listener, Executor executor);

  /** Stops delivering to {@code listener}; true when it was attached. */
  boolean detach(TelemetryListener listener);

  /** The registry the gateway's meters live in, or null when metrics are off. */
  MeterRegistry meterRegistry();

  /** The OpenTelemetry the gateway traces with: the application's, the gateway's OTLP SDK, or the no-op one. */
  OpenTelemetry openTelemetry();
}
