package io.recllm.gateway.telemetry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.context.Scope;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.LlmClient;
import io.recllm.gateway.provider.TraceHeaders;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.function.Function;

/**
 * Wraps the provider SPI so that every call started by the chat handler (matched by the identity of
 * the parsed body) runs in its trace context and has its upstream time measured. The trace context is
 * made current only for the synchronous part of the call, which is when adapters build the upstream
 * request ({@link TraceHeaders#inject}); an application's own {@link LlmClient} sees it there too, so
 * its instrumented HTTP client continues the trace. Calls nobody started (an application calling
 * {@code gateway.llmClient()} directly) pass straight through.
 */
final class ObservedLlmClient implements LlmClient {

  private final LlmClient delegate;
  private final Telemetry telemetry;

  ObservedLlmClient(LlmClient delegate, Telemetry telemetry) {
    this.delegate = delegate;
    this.telemetry = telemetry;
  }

  LlmClient delegate() {
    return delegate;
  }

  @Override
  public Future<ChatResult> chatCompletion(String provider, String model, ObjectNode request) {
    RequestObservation obs = telemetry.claim(request);
    if (obs == null) return delegate.chatCompletion(provider, model, request);
    Future<ChatResult> f = call(obs, c -> c.chatCompletion(provider, model, request));
    // andThen: the mark happens before the handler's own callback, so the usage record sees it
    return f == null ? null : f.andThen(ar -> obs.upstreamEnded());
  }

  @Override
  public Future<ChatStream> streamChatCompletion(String provider, String model, ObjectNode request) {
    RequestObservation obs = telemetry.claim(request);
    if (obs == null) return delegate.streamChatCompletion(provider, model, request);
    Future<ChatStream> f = call(obs, c -> c.streamChatCompletion(provider, model, request));
    if (f == null) return null;
    return f.andThen(ar -> {
      if (ar.failed()) obs.upstreamEnded();
    }).map(s -> s == null ? null : new ObservedStream(s, obs));
  }

  private <T> Future<T> call(RequestObservation obs, Function<LlmClient, Future<T>> op) {
    obs.upstreamStarted();
    try (Scope ignored = obs.traceContext != null ? obs.traceContext.makeCurrent() : Scope.noop()) {
      return op.apply(delegate);
    } catch (RuntimeException e) {
      obs.upstreamEnded();
      throw e;
    }
  }

  /** Marks the end of the upstream side when the stream ends, fails or is cancelled; chunks pass untouched. */
  private static final class ObservedStream implements ChatStream {
    private final ChatStream stream;
    private final RequestObservation obs;

    ObservedStream(ChatStream stream, RequestObservation obs) {
      this.stream = stream;
      this.obs = obs;
    }

    @Override
    public ChatStream handler(Handler<ChatChunk> handler) {
      stream.handler(handler);
      return this;
    }

    @Override
    public ChatStream endHandler(Handler<Void> handler) {
      stream.endHandler(v -> {
        obs.upstreamEnded();
        if (handler != null) handler.handle(v);
      });
      return this;
    }

    @Override
    public ChatStream exceptionHandler(Handler<GatewayException> handler) {
      stream.exceptionHandler(e -> {
        obs.upstreamEnded();
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
      obs.upstreamEnded();
      stream.cancel();
    }
  }
}
