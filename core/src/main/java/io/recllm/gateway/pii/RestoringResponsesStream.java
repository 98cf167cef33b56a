package io.recllm.gateway.pii;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.ForwardingChatStream;
import io.vertx.core.Handler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts the call's values back into a streamed Responses API answer (passed through or translated: both
 * are the API's events here). Text and argument deltas are restored as {@link RestoringStream} restores
 * chat chunks: a possible start of a placeholder is held back and sent with the next delta of the same
 * part. What is still held when the part's {@code .done} event comes is sent as one more delta just before
 * it, and the events after it are renumbered so that {@code sequence_number}s stay consecutive. The whole
 * texts of the done events, of {@code response.output_item.done} and of the final response are restored too.
 */
final class RestoringResponsesStream extends ForwardingChatStream {

  private final Redaction redaction;
  /** Held-back text by part ("item/content_index" for text, "item/arguments" for a call's arguments). */
  private final Map<String, Held> held = new LinkedHashMap<>();
  /** How many events this stream added so far: every later event's sequence_number moves up by as many. */
  private long added;
  private long nextSequence;
  private Handler<ChatChunk> handler;

  /** Text held for one part, and what its delta events need to name the part. */
  private record Held(StringBuilder text, String type, String itemId, int outputIndex, int contentIndex) {}

  RestoringResponsesStream(ChatStream inner, Redaction redaction) {
    super(inner);
    this.redaction = redaction;
  }

  @Override
  public ChatStream handler(Handler<ChatChunk> h) {
    this.handler = h;
    inner.handler(h == null ? null : event -> restore(event).forEach(h::handle));
    return this;
  }

  @Override
  public ChatStream endHandler(Handler<Void> h) {
    inner.endHandler(h == null ? null : v -> {
      // an upstream that ended without its done events: what was held goes out rather than being lost
      List<ChatChunk> rest = new ArrayList<>();
      for (String key : List.copyOf(held.keySet())) flush(key, nextSequence, rest);
      if (handler != null) rest.forEach(handler::handle);
      h.handle(v);
    });
    return this;
  }

  List<ChatChunk> restore(ChatChunk event) {
    if (held.isEmpty() && added == 0 && mayPassAsIs(event)) {
      track(event.json().get("sequence_number"));
      return List.of(event);
    }
    ObjectNode json = event.json().deepCopy();
    List<ChatChunk> out = new ArrayList<>(2);
    JsonNode seq = json.get("sequence_number");
    long sequence = seq != null && seq.canConvertToLong() ? seq.asLong() + added : nextSequence;
    String itemId = json.path("item_id").asText("");
    int outputIndex = json.path("output_index").asInt(0);
    switch (json.path("type").asText("")) {
      case "response.output_text.delta" -> {
        int content = json.path("content_index").asInt(0);
        json.put("delta", emit(new Held(null, "response.output_text.delta", itemId, outputIndex, content),
            json.path("delta").asText("")));
      }
      case "response.function_call_arguments.delta" ->
          json.put("delta", emit(new Held(null, "response.function_call_arguments.delta", itemId, outputIndex, -1),
              json.path("delta").asText("")));
      case "response.output_text.done" -> {
        if (flush(itemId + "/" + json.path("content_index").asInt(0), sequence, out)) sequence++;
        restoreField(json, "text");
      }
      case "response.function_call_arguments.done" -> {
        if (flush(itemId + "/arguments", sequence, out)) sequence++;
        restoreField(json, "arguments");
      }
      case "response.content_part.done", "response.content_part.added" -> {
        if (json.get("part") instanceof ObjectNode part) restoreField(part, "text");
      }
      case "response.output_item.done", "response.output_item.added" -> {
        if (json.get("item") instanceof ObjectNode item) restoreItem(item);
      }
      default -> {
        if (json.get("response") instanceof ObjectNode response) MessageTexts.ofResponse(response, redaction::restore);
      }
    }
    if (seq != null && seq.canConvertToLong()) {
      json.put("sequence_number", sequence);
      nextSequence = sequence + 1;
    }
    out.add(ChatChunk.of(json, event.hasUsage() ? event.usage() : null));
    return out;
  }

  private void track(JsonNode seq) {
    if (seq != null && seq.canConvertToLong()) nextSequence = seq.asLong() + 1;
  }

  /** An event from the wire with no {@code <} at all cannot hold or start a placeholder. */
  private static boolean mayPassAsIs(ChatChunk event) {
    String raw = event.raw();
    return raw != null && raw.indexOf('<') < 0 && !raw.contains("\\u003c") && !raw.contains("\\u003C");
  }

  private String emit(Held part, String text) {
    String key = key(part);
    Held before = held.remove(key);
    String all = before == null ? text : before.text().append(text).toString();
    int safe = redaction.safeEnd(all);
    if (safe < all.length()) {
      held.put(key, new Held(new StringBuilder(all.substring(safe)), part.type(), part.itemId(), part.outputIndex(),
          part.contentIndex()));
    }
    return redaction.restore(safe == all.length() ? all : all.substring(0, safe));
  }

  private static String key(Held part) {
    return part.itemId() + "/" + (part.contentIndex() < 0 ? "arguments" : String.valueOf(part.contentIndex()));
  }

  /** Sends what is held for the part as one more delta numbered {@code sequence}; false when nothing was held. */
  private boolean flush(String key, long sequence, List<ChatChunk> out) {
    Held h = held.remove(key);
    if (h == null) return false;
    ObjectNode delta = Json.object().put("type", h.type()).put("sequence_number", sequence).put("item_id", h.itemId())
        .put("output_index", h.outputIndex());
    if (h.contentIndex() >= 0) delta.put("content_index", h.contentIndex());
    delta.put("delta", redaction.restore(h.text().toString()));
    if (h.contentIndex() >= 0) delta.putArray("logprobs");
    out.add(ChatChunk.of(delta));
    added++;
    nextSequence = sequence + 1;
    return true;
  }

  private void restoreItem(ObjectNode item) {
    for (JsonNode p : item.path("content")) {
      if (p instanceof ObjectNode part) restoreField(part, "text");
    }
    restoreField(item, "arguments");
  }

  private void restoreField(ObjectNode node, String field) {
    if (node.get(field) != null && node.get(field).isTextual()) node.put(field, redaction.restore(node.get(field).asText()));
  }
}
