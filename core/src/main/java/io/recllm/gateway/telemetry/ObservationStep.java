package io.recllm.gateway.telemetry;

import io.opentelemetry.context.Scope;
import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallStep;
import io.recllm.gateway.call.Stage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.function.Supplier;

/**
 * The upstream side of a call's observation, around each try: the call's trace context is current
 * while the rest of the chain and the adapter build the upstream request ({@link TraceHeaders#inject}),
 * and the upstream time is measured. An application's own {@code LlmClient} sees the context there
 * too, so its instrumented HTTP client continues the trace. It must be the outermost
 * {@link Stage#PROVIDER} step, so the time it measures holds every other provider step.
 *
 * <p>A retry or a fallback passes through here once per try: the upstream time then runs from the
 * first try's start to the last try's end, waits between tries included, since that is how long the
 * call waited on providers. Calls telemetry did not start pass straight through.
 */
final class ObservationStep implements CallStep {

  @Override
  public Stage stage() {
    return Stage.PROVIDER;
  }

  @Override
  public Future<ChatResult> complete(Call call, Next next) {
    RequestObservation obs = call.get(RequestObservation.KEY);
    if (obs == null) return next.complete(call);
    int attempt = obs.upstreamStarted();
    Future<ChatResult> f = inContext(obs, attempt, () -> next.complete(call));
    // andThen: the mark happens before the handler's own callback, so the usage record sees it
    return f.andThen(ar -> obs.upstreamEnded(attempt));
  }

  @Override
  public Future<ChatStream> stream(Call call, Next next) {
    RequestObservation obs = call.get(RequestObservation.KEY);
    if (obs == null) return next.stream(call);
    int attempt = obs.upstreamStarted();
    Future<ChatStream> f = inContext(obs, attempt, () -> next.stream(call));
    return f.andThen(ar -> {
      if (ar.failed()) obs.upstreamEnded(attempt);
    }).map(s -> s == null ? null : new ObservedStream(s, obs, attempt));
  }

  private static <T> Future<T> inContext(RequestObservation obs, int attempt, Supplier<Future<T>> op) {
    try (Scope ignored = obs.traceContext != null ? obs.traceContext.makeCurrent() : Scope.noop()) {
      return op.get();
    } catch (RuntimeException e) {
      obs.upstreamEnded(attempt);
      throw e;
    }
  }

  /** Marks the end of the upstream side when the stream ends, fails or is cancelled; chunks pass untouched. */
  private static final class ObservedStream implements ChatStream {
    private final ChatStream stream;
    private final RequestObservation obs;
    private final int attempt;

    ObservedStream(ChatStream stream, RequestObservation obs, int attempt) {
      this.stream = stream;
      this.obs = obs;
      this.attempt = attempt;
    }

    @Override
    public ChatStream handler(Handler<ChatChunk> handler) {
      stream.handler(handler);
      return this;
    }

    @Override
    public ChatStream endHandler(Handler<Void> handler) {
      stream.endHandler(v -> {
        obs.upstreamEnded(attempt);
        if (handler != null) handler.handle(v);
      });
      return this;
    }

    @Override
    public ChatStream exceptionHandler(Handler<GatewayException> handler) {
      stream.exceptionHandler(e -> {
        obs.upstreamEnded(attempt);
        if (handler != null) handler.handle(e);
      });
      return this;
    }

    @Override
    public ChatStream pause() {
      stream.pause();
      return this;
    }

    @Override
    public ChatStream resume() {
      stream.resume();
      return this;
    }

    @Override
    public void cancel() {
      obs.upstreamEnded(attempt);
      stream.cancel();
    }
  }
}
