package io.recllm.gateway.provider;

import io.recllm.gateway.error.GatewayException;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * Plays prepared chunks, optionally one every {@code delayMs}, honouring pause and cancel like a socket
 * would: the mock provider's answers, and answers replayed from the response cache.
 */
public final class PreparedChatStream implements ChatStream {

  private final Vertx vertx;
  private final List<ChatChunk> chunks;
  private final long delayMs;
  private final Context context;
  private Handler<ChatChunk> handler = c -> {};
  private Handler<Void> endHandler = v -> {};
  private int next;
  private boolean paused = true; // nothing flows until the consumer has set its handlers and resumes
  private boolean done;
  private boolean scheduled;

  public PreparedChatStream(Vertx vertx, List<ChatChunk> chunks, long delayMs) {
    this.vertx = vertx;
    this.chunks = chunks;
    this.delayMs = delayMs;
    this.context = vertx.getOrCreateContext();
  }

  @Override
  public ChatStream handler(Handler<ChatChunk> h) {
    this.handler = h;
    return this;
  }

  @Override
  public ChatStream endHandler(Handler<Void> h) {
    this.endHandler = h;
    return this;
  }

  @Override
  public ChatStream exceptionHandler(Handler<GatewayException> h) {
    return this; // prepared chunks never fail mid-stream
  }

  @Override
  public ChatStream pause() {
    paused = true;
    return this;
  }

  @Override
  public ChatStream resume() {
    paused = false;
    schedule();
    return this;
  }

  @Override
  public void cancel() {
    done = true;
  }

  private void schedule() {
    if (scheduled || done || paused) return;
    scheduled = true;
    if (delayMs > 0 && next > 0) vertx.setTimer(delayMs, id -> step());
    else context.runOnContext(v -> step());
  }

  private void step() {
    scheduled = false;
    while (!done && !paused && next < chunks.size()) {
      handler.handle(chunks.get(next++));
      if (delayMs > 0) break;
    }
    if (done) return;
    if (next >= chunks.size()) {
      done = true;
      endHandler.handle(null);
    } else {
      schedule();
    }
  }
}
