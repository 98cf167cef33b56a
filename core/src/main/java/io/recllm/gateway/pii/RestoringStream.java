package io.recllm.gateway.pii;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.ForwardingChatStream;
import io.vertx.core.Handler;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Puts the call's values back into a streamed answer. A placeholder may arrive split over several
 * chunks ({@code "<EMA"}, {@code "IL_1>"}): each chunk's text is sent up to where a placeholder could
 * be starting, and only that possible start is held back, to be sent with the next chunk of the same
 * choice (or with its finishing chunk, or in one last chunk if the upstream ends without one).
 */
final class RestoringStream extends ForwardingChatStream {

  private final Redaction redaction;
  /** Held-back text by choice ("0") and by tool call of a choice ("0/1"), in the order it was held. */
  private final Map<String, StringBuilder> held = new LinkedHashMap<>();
  private Handler<ChatChunk> handler;
  private ObjectNode lastShape;

  RestoringStream(ChatStream inner, Redaction redaction) {
    super(inner);
    this.redaction = redaction;
  }

  @Override
  public ChatStream handler(Handler<ChatChunk> h) {
    this.handler = h;
    inner.handler(h == null ? null : chunk -> h.handle(restore(chunk)));
    return this;
  }

  @Override
  public ChatStream endHandler(Handler<Void> h) {
    inner.endHandler(h == null ? null : v -> {
      ChatChunk rest = rest();
      if (rest != null && handler != null) handler.handle(rest);
      h.handle(v);
    });
    return this;
  }

  ChatChunk restore(ChatChunk chunk) {
    if (held.isEmpty() && mayPassAsIs(chunk)) return chunk;
    ObjectNode json = chunk.json().deepCopy();
    JsonNode choices = json.path("choices");
    if (!choices.isArray() || choices.isEmpty()) return chunk;
    for (JsonNode c : choices) {
      if (!(c instanceof ObjectNode choice)) continue;
      String index = String.valueOf(choice.path("index").asInt(0));
      boolean finished = choice.hasNonNull("finish_reason");
      ObjectNode delta = choice.path("delta") instanceof ObjectNode d ? d : choice.putObject("delta");
      JsonNode content = delta.get("content");
      if (content != null && content.isTextual()) {
        delta.put("content", emit(index, content.asText(), finished));
      } else if (finished && held.containsKey(index)) {
        delta.put("content", emit(index, "", true));
      }
      if (delta.get("tool_calls") instanceof ArrayNode calls) {
        for (JsonNode tc : calls) {
          if (tc.path("function") instanceof ObjectNode fn && fn.path("arguments").isTextual()) {
            fn.put("arguments", emit(index + "/" + tc.path("index").asInt(0), fn.get("arguments").asText(), finished));
          }
        }
      }
      if (finished) flushToolCalls(index, delta);
    }
    lastShape = json;
    return ChatChunk.of(json, chunk.hasUsage() ? chunk.usage() : null);
  }

  /** A chunk from the wire with no {@code <} at all cannot hold or start a placeholder. */
  private static boolean mayPassAsIs(ChatChunk chunk) {
    String raw = chunk.raw();
    return raw != null && raw.indexOf('<') < 0 && !raw.contains("\\u003c") && !raw.contains("\\u003C");
  }

  private String emit(String key, String text, boolean finished) {
    StringBuilder before = held.remove(key);
    String all = before == null ? text : before.append(text).toString();
    if (finished) return redaction.restore(all);
    int safe = redaction.safeEnd(all);
    if (safe < all.length()) held.put(key, new StringBuilder(all.substring(safe)));
    return redaction.restore(safe == all.length() ? all : all.substring(0, safe));
  }

  private void flushToolCalls(String choice, ObjectNode delta) {
    for (Iterator<Map.Entry<String, StringBuilder>> it = held.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, StringBuilder> e = it.next();
      if (!e.getKey().startsWith(choice + "/")) continue;
      int tool = Integer.parseInt(e.getKey().substring(choice.length() + 1));
      ArrayNode calls = delta.get("tool_calls") instanceof ArrayNode a ? a : delta.putArray("tool_calls");
      calls.addObject().put("index", tool).putObject("function").put("arguments", redaction.restore(e.getValue().toString()));
      it.remove();
    }
  }

  /** What is still held when the upstream ends without finishing a choice, as one last chunk; null if nothing is. */
  private ChatChunk rest() {
    if (held.isEmpty() || lastShape == null) return null;
    ObjectNode json = Json.object();
    for (String f : new String[] {"id", "object", "created", "model"}) {
      if (lastShape.has(f)) json.set(f, lastShape.get(f));
    }
    ArrayNode choices = json.putArray("choices");
    Map<String, ObjectNode> deltas = new LinkedHashMap<>();
    held.forEach((key, text) -> {
      int slash = key.indexOf('/');
      String choice = slash < 0 ? key : key.substring(0, slash);
      ObjectNode delta = deltas.computeIfAbsent(choice, k -> {
        ObjectNode c = choices.addObject().put("index", Integer.parseInt(k));
        c.putNull("finish_reason");
        return c.putObject("delta");
      });
      if (slash < 0) delta.put("content", redaction.restore(text.toString()));
    });
    deltas.forEach(this::flushToolCalls);
    held.clear();
    return ChatChunk.of(json);
  }
}
