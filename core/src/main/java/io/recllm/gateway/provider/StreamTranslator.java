package io.recllm.gateway.provider;

import java.util.function.Consumer;

/**
 * Turns one upstream's server-sent events into OpenAI chunks. One instance per stream; may keep state.
 * Throws a {@link io.recllm.gateway.error.GatewayException} when the upstream reports an error in-stream.
 */
public interface StreamTranslator {

  void onEvent(SseEvent event, Consumer<ChatChunk> out);

  /** The upstream closed the stream cleanly. */
  default void onEnd(Consumer<ChatChunk> out) {}
}
