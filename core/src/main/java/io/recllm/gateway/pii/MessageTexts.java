package io.recllm.gateway.pii;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.UnaryOperator;

/**
 * The free text of chat messages, where personal data can be: {@code content} (a string, or the
 * {@code text} of its text parts), tool call arguments and the older {@code function_call} arguments.
 * Tool results are messages with role {@code tool}, so their content is covered too.
 */
final class MessageTexts {

  private MessageTexts() {}

  /** Every message of a request body, in order; {@code edit} returns the new text or the same one. */
  static void ofRequest(ObjectNode body, UnaryOperator<String> edit) {
    JsonNode messages = body.path("messages");
    if (!messages.isArray()) return;
    for (JsonNode m : messages) {
      if (m instanceof ObjectNode message) ofMessage(message, edit);
    }
  }

  /**
   * The free text of a Responses API request: {@code instructions}, and {@code input} as a string or its
   * items' texts (message content and its text parts, function call arguments and outputs).
   */
  static void ofResponsesRequest(ObjectNode body, UnaryOperator<String> edit) {
    replace(body, "instructions", edit);
    JsonNode input = body.get("input");
    if (input != null && input.isTextual()) {
      replace(body, "input", edit);
      return;
    }
    if (!(input instanceof ArrayNode items)) return;
    for (JsonNode i : items) {
      if (!(i instanceof ObjectNode item)) continue;
      JsonNode content = item.get("content");
      if (content != null && content.isTextual()) {
        replace(item, "content", edit);
      } else if (content instanceof ArrayNode parts) {
        for (JsonNode p : parts) {
          if (p instanceof ObjectNode part && part.path("text").isTextual()) replace(part, "text", edit);
        }
      }
      replace(item, "arguments", edit);
      replace(item, "output", edit);
    }
  }

  /** The texts of a {@code response} object's output: message text parts and function call arguments. */
  static void ofResponse(ObjectNode response, UnaryOperator<String> edit) {
    JsonNode output = response.path("output");
    if (!output.isArray()) return;
    for (JsonNode i : output) {
      if (!(i instanceof ObjectNode item)) continue;
      for (JsonNode p : item.path("content")) {
        if (p instanceof ObjectNode part && part.path("text").isTextual()) replace(part, "text", edit);
      }
      replace(item, "arguments", edit);
    }
  }

  /** Every answer of a {@code chat.completion}. */
  static void ofAnswer(ObjectNode completion, UnaryOperator<String> edit) {
    JsonNode choices = completion.path("choices");
    if (!choices.isArray()) return;
    for (JsonNode c : choices) {
      if (c.path("message") instanceof ObjectNode message) ofMessage(message, edit);
    }
  }

  static void ofMessage(ObjectNode message, UnaryOperator<String> edit) {
    JsonNode content = message.get("content");
    if (content != null && content.isTextual()) {
      replace(message, "content", edit);
    } else if (content instanceof ArrayNode parts) {
      for (JsonNode p : parts) {
        if (p instanceof ObjectNode part && "text".equals(part.path("type").asText())) replace(part, "text", edit);
      }
    }
    JsonNode calls = message.get("tool_calls");
    if (calls instanceof ArrayNode list) {
      for (JsonNode c : list) {
        if (c.path("function") instanceof ObjectNode function) replace(function, "arguments", edit);
      }
    }
    if (message.get("function_call") instanceof ObjectNode function) replace(function, "arguments", edit);
  }

  private static void replace(ObjectNode node, String field, UnaryOperator<String> edit) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) return;
    String before = v.asText();
    String after = edit.apply(before);
    if (after != before) node.put(field, after);
  }
}
