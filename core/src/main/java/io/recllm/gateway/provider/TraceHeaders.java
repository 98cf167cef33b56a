package io.recllm.gateway.provider;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.vertx.core.MultiMap;

/**
 * W3C trace context on the wire. The chat handler's call runs in a context that carries the gateway's
 * propagator; {@link #inject} finds it there, so a request built outside a gateway call gets no
 * trace headers and the provider adapters need no extra parameter.
 */
public final class TraceHeaders {

  // Public for telemetry, which puts the propagator into the call's context and reads incoming headers;
  // the adapters only ever call inject.
  public static final ContextKey<TextMapPropagator> PROPAGATOR = ContextKey.named("rec-llm-gateway-propagator");

  public static final TextMapGetter<MultiMap> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(MultiMap carrier) {
      return carrier.names();
    }

    @Override
    public String get(MultiMap carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  static final TextMapSetter<MultiMap> SETTER = (carrier, key, value) -> {
    if (carrier != null) carrier.set(key, value);
  };

  private TraceHeaders() {}

  /** Whether the current call has trace headers to send upstream. */
  public static boolean active() {
    return Context.current().get(PROPAGATOR) != null;
  }

  /**
   * Adds {@code traceparent} (and {@code tracestate}) for the current gateway call to an upstream
   * request's headers, and returns them.
   */
  public static MultiMap inject(MultiMap headers) {
    Context current = Context.current();
    TextMapPropagator propagator = current.get(PROPAGATOR);
    if (propagator != null) propagator.inject(current, headers, SETTER);
    return headers;
  }
}
