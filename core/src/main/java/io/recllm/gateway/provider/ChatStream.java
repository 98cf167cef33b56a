package io.recllm.gateway.provider;

import io.recllm.gateway.error.GatewayException;
import io.vertx.core.Handler;

/**
 * A started streaming call: OpenAI {@code chat.completion.chunk}s in upstream order, then exactly one
 * of end or exception. Chunks with a {@code usage} object are delivered like any other; the gateway
 * decides whether the client sees them. {@link #pause()} stops reading from the upstream (backpressure)
 * and {@link #cancel()} closes the upstream connection.
 */
public interface ChatStream {

  ChatStream handler(Handler<ChatChunk> handler);

  /** Called once after the last chunk; the upstream ended cleanly. */
  ChatStream endHandler(Handler<Void> handler);

  /** Called once if the upstream failed after the stream started (reset, idle timeout, error event). */
  ChatStream exceptionHandler(Handler<GatewayException> handler);

  ChatStream pause();

  ChatStream resume();

  /** Stops the upstream call now; no handler is called afterwards. */
  void cancel();
}
