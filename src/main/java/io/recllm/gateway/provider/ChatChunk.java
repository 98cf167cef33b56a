package io.recllm.gateway.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One {@code chat.completion.chunk}. {@code raw} is the upstream's exact data text when the chunk was
 * not changed, so a pass-through stream can forward it without re-serialising; null otherwise.
 */
public record ChatChunk(ObjectNode json, String raw) {

  public static ChatChunk of(ObjectNode json) {
    return new ChatChunk(json, null);
  }

  /** The chunk as the client will see it. */
  public String text() {
    return raw != null ? raw : json.toString();
  }
}
