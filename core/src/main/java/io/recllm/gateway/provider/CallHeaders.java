package io.recllm.gateway.provider;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.vertx.core.MultiMap;

/**
 * Headers one call sends upstream on top of its provider's (a transform rule's {@code headers}). They
 * travel the way the trace context does ({@link TraceHeaders}): the call chain makes them current around
 * each try and {@link UpstreamApi} adds them to the request it builds, so no adapter and no
 * {@link LlmClient} method needs another parameter. An application's own {@link LlmClient} can read them
 * with {@link #current()}.
 */
public final class CallHeaders {

  private static final ContextKey<MultiMap> KEY = ContextKey.named("rec-llm-gateway-call-headers");

  private CallHeaders() {}

  /** Makes {@code headers} the current call's until the scope is closed; nothing to do for none. */
  public static Scope open(MultiMap headers) {
    if (headers == null || headers.isEmpty()) return Scope.noop();
    return Context.current().with(KEY, headers).makeCurrent();
  }

  /** The current call's extra upstream headers, or null. */
  public static MultiMap current() {
    return Context.current().get(KEY);
  }
}
