package io.recllm.gateway.provider;

import io.vertx.core.Handler;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A chat stream seen as another API's event stream: each chat chunk becomes zero or more events, and the
 * end of the chat stream may add more (the closing events) before the end is passed on. Pause, resume,
 * cancel and errors go to the chat stream as they are.
 */
public abstract class EventTranslatingStream extends ForwardingChatStream {

  private Handler<ChatChunk> handler;
  private Handler<Void> endHandler;

  protected EventTranslatingStream(ChatStream chat, Function<ChatChunk, List<ChatChunk>> onChunk,
                                   Supplier<List<ChatChunk>> onEnd) {
    super(chat);
    chat.handler(c -> emit(onChunk.apply(c)));
    chat.endHandler(v -> {
      emit(onEnd.get());
      if (endHandler != null) endHandler.handle(null);
    });
  }

  private void emit(List<ChatChunk> events) {
    if (handler == null) return;
    for (ChatChunk e : events) handler.handle(e);
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
}
