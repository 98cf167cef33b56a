package io.recllm.gateway.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Anthropic's thinking blocks as OpenAI-format {@code reasoning_details} (the shape OpenRouter and
 * LiteLLM use), and back. A {@code thinking} block is {@code {"type": "reasoning.text", "text",
 * "signature", "format": "anthropic-claude-v1", "index"}}; a {@code redacted_thinking} block is
 * {@code {"type": "reasoning.encrypted", "data", "format", "index"}}. {@code index} counts the message's
 * thinking blocks (0, 1, ...); in a stream, entries with one index are pieces of one block (text
 * fragments, then its signature). A client sends them back on the assistant message so that
 * Anthropic gets the signed blocks it requires before that turn's {@code tool_use}.
 */
final class AnthropicReasoning {

  static final String FORMAT = "anthropic-claude-v1";
  static final String TEXT = "reasoning.text";
  static final String ENCRYPTED = "reasoning.encrypted";

  private AnthropicReasoning() {}

  /** A thinking block, or a piece of one: null text or signature is left out. */
  static ObjectNode text(int index, String text, String signature) {
    ObjectNode d = Json.object().put("type", TEXT);
    if (text != null) d.put("text", text);
    if (signature != null) d.put("signature", signature);
    return d.put("format", FORMAT).put("index", index);
  }

  static ObjectNode encrypted(int index, String data) {
    return Json.object().put("type", ENCRYPTED).put("data", data).put("format", FORMAT).put("index", index);
  }

  /** The detail for an upstream content block, or null when it is no thinking block. */
  static ObjectNode of(JsonNode block, int index) {
    return switch (block.path("type").asText("")) {
      case "thinking" -> text(index, block.path("thinking").asText(""), nonEmpty(block.path("signature").asText(null)));
      case "redacted_thinking" -> encrypted(index, block.path("data").asText(""));
      default -> null;
    };
  }

  /**
   * The {@code thinking} / {@code redacted_thinking} blocks for a client's {@code reasoning_details},
   * in index order. Pieces with one index are joined (a client may send back what it streamed, piece by
   * piece). Details of another format (another provider's reasoning, which Anthropic cannot verify) and
   * other types ({@code reasoning.summary}) are left out.
   *
   * @throws GatewayException.InvalidRequest when the field is not a list of objects
   */
  static List<ObjectNode> toBlocks(JsonNode details, String at) {
    if (details == null || details.isNull()) return List.of();
    if (!details.isArray()) throw AnthropicRequestMapper.invalid("invalid_type", at, at + " must be an array");
    Map<Integer, ObjectNode> byIndex = new TreeMap<>();
    for (int i = 0; i < details.size(); i++) {
      JsonNode d = details.get(i);
      String dAt = at + "[" + i + "]";
      if (!d.isObject()) throw AnthropicRequestMapper.invalid("invalid_type", dAt, dAt + " must be an object");
      String format = d.path("format").asText(FORMAT);
      String type = d.path("type").asText("");
      if (!format.equals(FORMAT) || !(type.equals(TEXT) || type.equals(ENCRYPTED))) continue;
      int index = d.path("index").canConvertToInt() ? d.path("index").asInt() : i;
      ObjectNode block = byIndex.get(index);
      if (type.equals(ENCRYPTED)) {
        String data = d.path("data").asText("");
        if (block == null || !"redacted_thinking".equals(block.path("type").asText())) {
          block = Json.object().put("type", "redacted_thinking").put("data", "");
          byIndex.put(index, block);
        }
        block.put("data", block.path("data").asText() + data);
      } else {
        if (block == null || !"thinking".equals(block.path("type").asText())) {
          block = Json.object().put("type", "thinking").put("thinking", "");
          byIndex.put(index, block);
        }
        block.put("thinking", block.path("thinking").asText() + d.path("text").asText(""));
        String signature = nonEmpty(d.path("signature").asText(null));
        if (signature != null) block.put("signature", signature);
      }
    }
    return new ArrayList<>(byIndex.values());
  }

  private static String nonEmpty(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
