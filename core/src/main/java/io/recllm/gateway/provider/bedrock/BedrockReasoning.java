package io.recllm.gateway.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Claude's thinking on Bedrock ({@code reasoningContent}) ⇄ OpenAI-format {@code reasoning_details}, the
 * shape OpenRouter and LiteLLM use: a list of {@code {"type": "reasoning.text", "text", "signature"?}} or
 * {@code {"type": "reasoning.encrypted", "data"}}, each with {@code "format": "anthropic-claude-v1"} and the
 * {@code index} of its thinking block among the message's thinking blocks. Stream deltas carry fragments
 * under the same index; a client sends the details back on the assistant message, complete or as the
 * fragments it received, and Claude gets its signed thinking back unchanged.
 */
final class BedrockReasoning {

  static final String FORMAT = "anthropic-claude-v1";
  static final String TEXT = "reasoning.text";
  static final String ENCRYPTED = "reasoning.encrypted";

  private BedrockReasoning() {}

  /** The detail for one complete {@code reasoningContent} block of a Converse answer, or null if it holds neither form. */
  static ObjectNode detail(JsonNode reasoningContent, int index) {
    JsonNode text = reasoningContent.get("reasoningText");
    if (text != null && text.isObject()) {
      ObjectNode d = Json.object().put("type", TEXT).put("text", text.path("text").asText(""));
      if (text.hasNonNull("signature")) d.put("signature", text.get("signature").asText());
      return d.put("format", FORMAT).put("index", index);
    }
    JsonNode redacted = reasoningContent.get("redactedContent");
    if (redacted != null && redacted.isTextual()) return encrypted(redacted.asText(), index);
    return null;
  }

  static ObjectNode textFragment(String text, int index) {
    return Json.object().put("type", TEXT).put("text", text).put("format", FORMAT).put("index", index);
  }

  static ObjectNode signatureFragment(String signature, int index) {
    return Json.object().put("type", TEXT).put("signature", signature).put("format", FORMAT).put("index", index);
  }

  static ObjectNode encrypted(String data, int index) {
    return Json.object().put("type", ENCRYPTED).put("data", data).put("format", FORMAT).put("index", index);
  }

  /**
   * An assistant message's {@code reasoning_details} → Converse {@code reasoningContent} blocks, in order.
   * Fragments of one thinking block (same index and type, one after another) are joined. Details of another
   * format (another provider's reasoning) and summaries are left out: Claude could not verify them.
   */
  static List<ObjectNode> toConverse(JsonNode details, String param) {
    List<ObjectNode> blocks = new ArrayList<>();
    if (details == null || details.isNull()) return blocks;
    if (!details.isArray()) throw BedrockRequestMapper.invalid("invalid_type", param, param + " must be an array");
    String type = null;
    JsonNode index = null;
    StringBuilder text = null;
    String signature = null;
    for (int i = 0; i < details.size(); i++) {
      JsonNode d = details.get(i);
      if (!d.isObject()) throw BedrockRequestMapper.invalid("invalid_type", param + "[" + i + "]", param + "[" + i + "] must be an object");
      String format = d.path("format").asText(null);
      if (format != null && !format.equals(FORMAT)) continue;
      String t = d.path("type").asText("");
      if (t.equals(ENCRYPTED)) {
        flush(blocks, type, text, signature);
        type = null;
        String data = d.path("data").asText("");
        if (!data.isEmpty()) blocks.add(redacted(data));
        continue;
      }
      if (!t.equals(TEXT)) continue;
      boolean sameBlock = TEXT.equals(type) && d.has("index") && d.get("index").equals(index);
      if (!sameBlock) {
        flush(blocks, type, text, signature);
        type = TEXT;
        index = d.get("index");
        text = new StringBuilder();
        signature = null;
      }
      text.append(d.path("text").asText(""));
      if (d.hasNonNull("signature")) signature = d.get("signature").asText();
    }
    flush(blocks, type, text, signature);
    return blocks;
  }

  private static void flush(List<ObjectNode> blocks, String type, StringBuilder text, String signature) {
    if (!TEXT.equals(type)) return;
    ObjectNode reasoningText = Json.object().put("text", text.toString());
    if (signature != null) reasoningText.put("signature", signature);
    ObjectNode block = Json.object();
    block.putObject("reasoningContent").set("reasoningText", reasoningText);
    blocks.add(block);
  }

  private static ObjectNode redacted(String data) {
    ObjectNode block = Json.object();
    block.putObject("reasoningContent").put("redactedContent", data);
    return block;
  }
}
