package io.recllm.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * A chat stream seen as the Responses API's stream: {@code response.created} and
 * {@code response.in_progress}; per text answer {@code response.output_item.added},
 * {@code response.content_part.added}, {@code response.output_text.delta}s, {@code .done} events in
 * reverse order; per tool call {@code response.output_item.added}, {@code
 * response.function_call_arguments.delta}s and {@code .done}, {@code response.output_item.done}; last
 * {@code response.completed} (or {@code response.incomplete} when the answer was cut short) with the
 * whole response and its usage. Each event is a {@link ChatChunk} whose JSON is the event's data (its
 * {@code type} is the SSE event name), numbered by {@code sequence_number} as OpenAI numbers them.
 */
public final class ResponsesEventStream extends EventTranslatingStream {

  public ResponsesEventStream(ChatStream chat, ObjectNode request, String model) {
    this(chat, new Translator(request, model));
  }

  private ResponsesEventStream(ChatStream chat, Translator translator) {
    super(chat, translator::onChunk, translator::onEnd);
  }

  /** The pure part: chat chunks in, Responses events out. */
  public static final class Translator {
    private final ObjectNode request;
    private final String model;
    private ResponsesTranslation.Ids ids;
    private String responseModel;
    private long createdAt;
    private int sequence;
    private final ArrayNode output = Json.MAPPER.createArrayNode(); // finished items, for the last event
    private ObjectNode openItem; // the message or function call being streamed
    private final StringBuilder openText = new StringBuilder();
    private int openToolCall = -1;
    private String finishReason;
    private TokenUsage usage;

    public Translator(ObjectNode request, String model) {
      this.request = request;
      this.model = model;
    }

    public List<ChatChunk> onChunk(ChatChunk chunk) {
      List<ChatChunk> out = new ArrayList<>(4);
      ObjectNode c = chunk.json();
      if (ids == null) start(c, out);
      if (chunk.hasUsage()) usage = chunk.usage();
      JsonNode choice = c.path("choices").path(0);
      JsonNode delta = choice.path("delta");
      String text = delta.path("content").asText("");
      if (!text.isEmpty()) {
        if (openItem == null || !"message".equals(openItem.path("type").asText())) openMessage(out);
        openText.append(text);
        ObjectNode e = event("response.output_text.delta").put("item_id", openItem.get("id").asText())
            .put("output_index", output.size()).put("content_index", 0).put("delta", text);
        e.putArray("logprobs");
        out.add(ChatChunk.of(e));
      }
      for (JsonNode call : delta.path("tool_calls")) {
        int n = call.path("index").asInt(0);
        if (openItem == null || !"function_call".equals(openItem.path("type").asText()) || n != openToolCall) {
          String callId = call.path("id").asText("call_" + n);
          openFunctionCall(out, callId, call.path("function").path("name").asText(""));
          openToolCall = n;
        }
        String args = call.path("function").path("arguments").asText("");
        if (!args.isEmpty()) {
          openText.append(args);
          out.add(ChatChunk.of(event("response.function_call_arguments.delta").put("item_id", openItem.get("id").asText())
              .put("output_index", output.size()).put("delta", args)));
        }
      }
      String finish = choice.path("finish_reason").asText(null);
      if (finish != null) {
        finishReason = finish;
        close(out);
      }
      return out;
    }

    public List<ChatChunk> onEnd() {
      List<ChatChunk> out = new ArrayList<>(3);
      if (ids == null) start(Json.object(), out);
      close(out);
      TokenUsage u = usage == null ? TokenUsage.NONE : usage;
      String status = ResponsesTranslation.status(finishReason);
      ObjectNode response = ResponsesTranslation.response(ids.response(), request, responseModel, createdAt, status,
          output, u);
      ResponsesTranslation.incomplete(response, finishReason);
      ObjectNode done = event("completed".equals(status) ? "response.completed" : "response.incomplete");
      done.set("response", response);
      out.add(ChatChunk.of(done, u));
      return out;
    }

    private void start(ObjectNode first, List<ChatChunk> out) {
      ids = new ResponsesTranslation.Ids(first.path("id").asText(null));
      responseModel = first.path("model").asText(model);
      createdAt = first.path("created").asLong(System.currentTimeMillis() / 1000);
      for (String type : new String[] {"response.created", "response.in_progress"}) {
        ObjectNode e = event(type);
        e.set("response", ResponsesTranslation.response(ids.response(), request, responseModel, createdAt, "in_progress",
            Json.MAPPER.createArrayNode(), null));
        out.add(ChatChunk.of(e));
      }
    }

    private ObjectNode event(String type) {
      return Json.object().put("type", type).put("sequence_number", sequence++);
    }

    private void openMessage(List<ChatChunk> out) {
      close(out);
      openItem = ResponsesTranslation.messageItem(ids.message() + (output.isEmpty() ? "" : "_" + output.size()),
          "in_progress");
      openItem.putArray("content");
      ObjectNode added = event("response.output_item.added").put("output_index", output.size());
      added.set("item", openItem.deepCopy());
      out.add(ChatChunk.of(added));
      ObjectNode part = event("response.content_part.added").put("item_id", openItem.get("id").asText())
          .put("output_index", output.size()).put("content_index", 0);
      ObjectNode empty = Json.object().put("type", "output_text").put("text", "");
      empty.putArray("annotations");
      part.set("part", empty);
      out.add(ChatChunk.of(part));
    }

    private void openFunctionCall(List<ChatChunk> out, String callId, String name) {
      close(out);
      openItem = ResponsesTranslation.functionCall(ids.functionCall(callId), callId, name, "", "in_progress");
      ObjectNode added = event("response.output_item.added").put("output_index", output.size());
      added.set("item", openItem.deepCopy());
      out.add(ChatChunk.of(added));
    }

    /** Ends the open item with its done events and keeps it for the final response. */
    private void close(List<ChatChunk> out) {
      if (openItem == null) return;
      String id = openItem.get("id").asText();
      int index = output.size();
      String all = openText.toString();
      if ("message".equals(openItem.path("type").asText())) {
        ObjectNode textDone = event("response.output_text.done").put("item_id", id).put("output_index", index)
            .put("content_index", 0).put("text", all);
        textDone.putArray("logprobs");
        out.add(ChatChunk.of(textDone));
        ObjectNode partDone = event("response.content_part.done").put("item_id", id).put("output_index", index)
            .put("content_index", 0);
        partDone.set("part", ResponsesTranslation.outputText(all));
        out.add(ChatChunk.of(partDone));
        openItem.put("status", "completed");
        openItem.putArray("content").add(ResponsesTranslation.outputText(all));
      } else {
        out.add(ChatChunk.of(event("response.function_call_arguments.done").put("item_id", id)
            .put("output_index", index).put("arguments", all)));
        openItem.put("arguments", all).put("status", "completed");
      }
      ObjectNode itemDone = event("response.output_item.done").put("output_index", index);
      itemDone.set("item", openItem);
      out.add(ChatChunk.of(itemDone));
      output.add(openItem);
      openItem = null;
      openText.setLength(0);
      openToolCall = -1;
    }
  }
}
