package io.recllm.gateway.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.PreparedChatStream;
import io.recllm.gateway.core.TokenUsage;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * A cached answer played as a stream, in the chunks an upstream sends: per choice a role chunk, the
 * content a few words at a time, the tool calls, a chunk with the finish reason; then the usage chunk
 * (zero tokens: nothing went upstream), which the gateway forwards only to a client that asked for usage.
 */
final class ReplayStream {

  private ReplayStream() {}

  /** Prepared chunks ({@link CachedAnswer#replayChunks()}) as a stream, played on the call's event loop. */
  static ChatStream of(List<ChatChunk> chunks, Vertx vertx) {
    return new PreparedChatStream(vertx, chunks, 0);
  }

  static List<ChatChunk> chunks(ObjectNode completion) {
    List<ChatChunk> out = new ArrayList<>();
    for (JsonNode choice : completion.path("choices")) {
      int index = choice.path("index").asInt(0);
      JsonNode message = choice.path("message");
      out.add(chunk(completion, index, Json.object().put("role", "assistant").put("content", ""), null));
      String content = message.path("content").asText("");
      int at = 0;
      while (at < content.length()) {
        int end = pieceEnd(content, at);
        out.add(chunk(completion, index, Json.object().put("content", content.substring(at, end)), null));
        at = end;
      }
      if (message.path("tool_calls").isArray()) {
        ObjectNode delta = Json.object();
        var calls = delta.putArray("tool_calls");
        int i = 0;
        for (JsonNode tc : message.get("tool_calls")) calls.add(((ObjectNode) tc.deepCopy()).put("index", i++));
        out.add(chunk(completion, index, delta, null));
      }
      out.add(chunk(completion, index, Json.object(), choice.path("finish_reason").asText("stop")));
    }
    ObjectNode usage = base(completion);
    usage.putArray("choices");
    usage.set("usage", CacheStep.zeroUsage());
    out.add(ChatChunk.of(usage, TokenUsage.NONE));
    return out;
  }

  /** Up to and including the fourth space after {@code from}, as an upstream sends a few tokens at a time. */
  private static int pieceEnd(String s, int from) {
    int spaces = 0;
    for (int i = from; i < s.length(); i++) {
      if (s.charAt(i) == ' ' && ++spaces == 4) return i + 1;
    }
    return s.length();
  }

  private static ObjectNode base(ObjectNode completion) {
    ObjectNode c = Json.object();
    c.put("id", completion.path("id").asText("chatcmpl-cached"));
    c.put("object", "chat.completion.chunk");
    c.put("created", completion.path("created").asLong(System.currentTimeMillis() / 1000));
    c.put("model", completion.path("model").asText(""));
    return c;
  }

  private static ChatChunk chunk(ObjectNode completion, int index, ObjectNode delta, String finishReason) {
    ObjectNode c = base(completion);
    ObjectNode choice = c.putArray("choices").addObject().put("index", index);
    choice.set("delta", delta);
    if (finishReason == null) choice.putNull("finish_reason");
    else choice.put("finish_reason", finishReason);
    return ChatChunk.of(c);
  }
}
