package io.recllm.gateway.provider;

import io.recllm.gateway.error.GatewayException;
import io.vertx.core.Handler;

/**
 * A stream that passes everything to another one: the base of a step's wrapper, which overrides only
 * what it changes (usually {@link #handler} to see or change the chunks, {@link #endHandler} to act at the end).
 */
public abstract class ForwardingChatStream implements ChatStream {

  protected final ChatStream inner;

  protected ForwardingChatStream(ChatStream inner) {
    this.inner = inner;
  }

  @Override
  public ChatStream handler(Handler<ChatChunk> handler) {
    inner.handler(handler);
    return this;
  }

  @Override
  public ChatStream endHandler(Handler<Void> handler) {
    inner.endHandler(handler);
    return this;
  }

  @Override
  public ChatStream exceptionHandler(Handler<GatewayException> handler) {
    inner.exceptionHandler(handler);
    return this;
  }

  @Override
  public ChatStream pause() {
    inner.pause();
    return this;
  }

  @Override
  public ChatStream resume() {
    inner.resume();
    return this;
  }

  @Override
  public void cancel() {
    inner.cancel();
  }
}
