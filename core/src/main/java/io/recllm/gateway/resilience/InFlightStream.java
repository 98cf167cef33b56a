package io.recllm.gateway.resilience;

import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.ChatStream;
import io.vertx.core.Handler;
import java.util.concurrent.atomic.AtomicBoolean;

/** A stream that runs {@code onDone} once when it ends, fails or is cancelled; otherwise the stream itself. */
final class InFlightStream implements ChatStream {

  private final ChatStream delegate;
  private final Runnable onDone;
  private final AtomicBoolean done = new AtomicBoolean();
  private volatile Handler<Void> endHandler;
  private volatile Handler<GatewayException> exceptionHandler;

  InFlightStream(ChatStream delegate, Runnable onDone) {
    this.delegate = delegate;
    this.onDone = onDone;
    // installed now, so the end is seen even if the consumer never asks for it
    delegate.endHandler(v -> {
      done();
      Handler<Void> h = endHandler;
      if (h != null) h.handle(v);
    });
    delegate.exceptionHandler(e -> {
      done();
      Handler<GatewayException> h = exceptionHandler;
      if (h != null) h.handle(e);
    });
  }

  private void done() {
    if (done.compareAndSet(false, true)) onDone.run();
  }

  @Override
  public ChatStream handler(Handler<ChatChunk> handler) {
    delegate.handler(handler);
    return this;
  }

  @Override
  public ChatStream endHandler(Handler<Void> handler) {
    this.endHandler = handler;
    return this;
  }

  @Override
  public ChatStream exceptionHandler(Handler<GatewayException> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public ChatStream pause() {
    delegate.pause();
    return this;
  }

  @Override
  public ChatStream resume() {
    delegate.resume();
    return this;
  }

  @Override
  public void cancel() {
    done();
    delegate.cancel();
  }
}
