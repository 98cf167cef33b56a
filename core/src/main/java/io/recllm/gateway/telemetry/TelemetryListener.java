package io.recllm.gateway.telemetry;

/**
 * Receives the gateway's {@link TelemetryEvent}s in process. A listener attached with
 * {@link GatewayTelemetry#attach} runs on the event loop and must return at once; one that may block
 * (a database, a remote call) belongs on {@link GatewayTelemetry#attachBlocking}. A listener that
 * throws is logged and detached; the call it observed is never affected.
 */
@FunctionalInterface
public interface TelemetryListener {
  void onEvent(TelemetryEvent event);
}
