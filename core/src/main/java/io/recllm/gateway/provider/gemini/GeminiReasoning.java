package io.recllm.gateway.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.RequestValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Gemini's thinking in OpenAI-format messages, as {@code reasoning_details} (the field OpenRouter and
 * LiteLLM use): thought summaries become {@code {"type": "reasoning.text", "text", "signature"?}},
 * a {@code thoughtSignature} on any other part {@code {"type": "reasoning.encrypted", "data", "id"?}}
 * ({@code id} names the tool call it came with), each with {@code "format": "google-gemini-v1"} and an
 * {@code index}. Gemini 3 refuses a function-call turn sent back without its signatures, so the next
 * request puts every signature back on the part it came with ({@link #restoreSignatures}).
 *
 * <p>A stream gives each entry its index as it starts; consecutive thought-text fragments share one
 * entry, so a client that merges deltas by index ends up with what the non-streaming answer holds.
 */
final class GeminiReasoning {

  static final String FORMAT = "google-gemini-v1";

  private int index = -1;
  /** The open reasoning.text entry takes more text until a signature closes it or another entry starts. */
  private boolean textOpen;

  /**
   * The detail fragments for one Gemini part (none for a plain text part without signature).
   *
   * @param toolCallId the OpenAI id given to the part's functionCall, or null
   */
  List<ObjectNode> fragments(JsonNode part, String toolCallId) {
    String signature = part.path("thoughtSignature").asText("");
    if (part.path("thought").asBoolean(false) && part.has("text")) {
      if (!textOpen) index++;
      ObjectNode entry = Json.object().put("type", "reasoning.text").put("text", part.path("text").asText(""));
      if (!signature.isEmpty()) entry.put("signature", signature);
      entry.put("format", FORMAT).put("index", index);
      textOpen = signature.isEmpty();
      return List.of(entry);
    }
    if (signature.isEmpty()) return List.of();
    textOpen = false;
    ObjectNode entry = Json.object().put("type", "reasoning.encrypted").put("data", signature);
    if (toolCallId != null) entry.put("id", toolCallId);
    entry.put("format", FORMAT).put("index", ++index);
    return List.of(entry);
  }

  /** Fragments merged by index, as a client accumulating a stream would hold them. */
  static ArrayNode merge(List<ObjectNode> fragments) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    ObjectNode last = null;
    for (ObjectNode f : fragments) {
      if (last != null && last.path("index").asInt() == f.path("index").asInt()) {
        last.put("text", last.path("text").asText("") + f.path("text").asText(""));
        if (f.has("signature")) last.put("signature", f.get("signature").asText());
        // keep the documented key order: text, signature, format, index
        last.set("format", last.remove("format"));
        last.set("index", last.remove("index"));
      } else {
        last = f.deepCopy();
        out.add(last);
      }
    }
    return out;
  }

  /**
   * Puts the signatures of an assistant message's {@code reasoning_details} back on its Gemini parts:
   * an entry with an {@code id} on that tool call's functionCall part, one without on the first part
   * that is not a call (where Gemini put it), else on the first part. Entries of other formats belong
   * to another provider's model and mean nothing to Gemini, so they are skipped.
   */
  static void restoreSignatures(JsonNode details, String param, List<ObjectNode> parts,
                                Map<String, ObjectNode> callsById) {
    if (details == null || details.isNull()) return;
    if (!details.isArray()) throw RequestValues.invalid("invalid_type", param, param + " must be an array");
    List<String> unplaced = new ArrayList<>();
    for (int i = 0; i < details.size(); i++) {
      JsonNode d = details.get(i);
      if (!d.isObject()) throw RequestValues.invalid("invalid_type", param + "[" + i + "]", param + "[" + i + "] must be an object");
      if (!FORMAT.equals(d.path("format").asText())) continue;
      String signature = switch (d.path("type").asText("")) {
        case "reasoning.encrypted" -> d.path("data").asText("");
        case "reasoning.text" -> d.path("signature").asText("");
        default -> "";
      };
      if (signature.isEmpty()) continue;
      ObjectNode call = d.hasNonNull("id") ? callsById.get(d.get("id").asText()) : null;
      if (call != null) call.put("thoughtSignature", signature);
      else if (!d.hasNonNull("id")) unplaced.add(signature);
    }
    for (String signature : unplaced) {
      ObjectNode target = null;
      for (ObjectNode p : parts) {
        if (!p.has("thoughtSignature") && !p.has("functionCall")) {
          target = p;
          break;
        }
      }
      if (target == null) {
        for (ObjectNode p : parts) {
          if (!p.has("thoughtSignature")) {
            target = p;
            break;
          }
        }
      }
      if (target != null) target.put("thoughtSignature", signature);
    }
  }
}
