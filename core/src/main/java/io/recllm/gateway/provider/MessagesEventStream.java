package io.recllm.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * A chat stream seen as Anthropic's Messages stream: {@code message_start}, a
 * {@code content_block_start}/{@code _delta}/{@code _stop} run per text or tool call,
 * {@code message_delta} with the stop reason and the usage, {@code message_stop}. Each event is a
 * {@link ChatChunk} whose JSON is the event's data (its {@code type} is the SSE event name).
 */
public final class MessagesEventStream extends EventTranslatingStream {

  public MessagesEventStream(ChatStream chat, String model) {
    this(chat, new Translator(model));
  }

  private MessagesEventStream(ChatStream chat, Translator translator) {
    super(chat, translator::onChunk, translator::onEnd);
  }

  /** The pure part: chat chunks in, Anthropic events out. */
  public static final class Translator {
    private final String model;
    private boolean started;
    private int index = -1;
    private String openBlock; // "text", "tool_use" or null
    private int openToolCall = -1;
    private String stopReason;
    private TokenUsage usage;

    public Translator(String model) {
      this.model = model;
    }

    public List<ChatChunk> onChunk(ChatChunk chunk) {
      List<ChatChunk> out = new ArrayList<>(3);
      ObjectNode c = chunk.json();
      if (!started) start(c, out);
      if (chunk.hasUsage()) usage = chunk.usage();
      JsonNode choice = c.path("choices").path(0);
      JsonNode delta = choice.path("delta");
      String text = delta.path("content").asText("");
      if (!text.isEmpty()) {
        if (!"text".equals(openBlock)) open(out, block("text").put("text", ""), "text");
        out.add(delta(Json.object().put("type", "text_delta").put("text", text)));
      }
      for (JsonNode call : delta.path("tool_calls")) {
        int n = call.path("index").asInt(0);
        if (!"tool_use".equals(openBlock) || n != openToolCall) {
          ObjectNode b = block("tool_use").put("id", call.path("id").asText("toolu_" + n)).put("name",
              call.path("function").path("name").asText(""));
          b.putObject("input");
          open(out, b, "tool_use");
          openToolCall = n;
        }
        String args = call.path("function").path("arguments").asText("");
        if (!args.isEmpty()) out.add(delta(Json.object().put("type", "input_json_delta").put("partial_json", args)));
      }
      String finish = choice.path("finish_reason").asText(null);
      if (finish != null) {
        stopReason = MessagesTranslation.stopReason(finish);
        close(out);
      }
      return out;
    }

    public List<ChatChunk> onEnd() {
      List<ChatChunk> out = new ArrayList<>(3);
      if (!started) start(Json.object(), out);
      close(out);
      TokenUsage u = usage == null ? TokenUsage.NONE : usage;
      ObjectNode md = Json.object().put("type", "message_delta");
      md.putObject("delta").put("stop_reason", stopReason == null ? "end_turn" : stopReason).putNull("stop_sequence");
      md.set("usage", MessagesTranslation.usage(u));
      out.add(ChatChunk.of(md, u));
      out.add(ChatChunk.of(Json.object().put("type", "message_stop")));
      return out;
    }

    private void start(ObjectNode first, List<ChatChunk> out) {
      started = true;
      ObjectNode ms = Json.object().put("type", "message_start");
      ObjectNode m = ms.putObject("message");
      m.put("id", MessagesTranslation.messageId(first.path("id").asText(null)));
      m.put("type", "message");
      m.put("role", "assistant");
      m.put("model", first.path("model").asText(model));
      m.putArray("content");
      m.putNull("stop_reason");
      m.putNull("stop_sequence");
      m.set("usage", MessagesTranslation.usage(TokenUsage.NONE)); // a chat stream counts only at its end
      out.add(ChatChunk.of(ms));
    }

    private ObjectNode block(String type) {
      return Json.object().put("type", type);
    }

    private void open(List<ChatChunk> out, ObjectNode block, String kind) {
      close(out);
      index++;
      ObjectNode e = Json.object().put("type", "content_block_start").put("index", index);
      e.set("content_block", block);
      out.add(ChatChunk.of(e));
      openBlock = kind;
    }

    private ChatChunk delta(ObjectNode delta) {
      ObjectNode e = Json.object().put("type", "content_block_delta").put("index", index);
      e.set("delta", delta);
      return ChatChunk.of(e);
    }

    private void close(List<ChatChunk> out) {
      if (openBlock == null) return;
      out.add(ChatChunk.of(Json.object().put("type", "content_block_stop").put("index", index)));
      openBlock = null;
      openToolCall = -1;
    }
  }
}
