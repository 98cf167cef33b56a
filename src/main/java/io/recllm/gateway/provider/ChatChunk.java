package io.recllm.gateway.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One {@code chat.completion.chunk}. {@code raw} is the upstream's exact data text when the chunk was
 * not changed, so a pass-through stream can forward it without re-serialising; null otherwise.
 * {@code usage}, when set on a usage chunk, is the translated usage with details the OpenAI usage
 * object cannot carry (cache writes); otherwise the chunk's own {@code usage} is read.
 */
public record ChatChunk(ObjectNode json, String raw, TokenUsage usage) {

  public ChatChunk(ObjectNode json, String raw) {
    this(json, raw, null);
  }

  public static ChatChunk of(ObjectNode json) {
    return new ChatChunk(json, null, null);
  }

  /** The chunk as the client will see it. */
  public String text() {
    return raw != null ? raw : json.toString();
  }
}
