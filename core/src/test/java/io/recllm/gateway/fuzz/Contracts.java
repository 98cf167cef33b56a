package io.recllm.gateway.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.core.TokenUsage;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The contract every fuzz and property test holds the parsers and mappers to: the only exceptions that
 * escape are the documented ones, each with a message a person can act on, and what comes out is JSON
 * that survives a write/read cycle unchanged.
 */
public final class Contracts {

  private static final ObjectMapper STRICT = Json.MAPPER.copy().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private Contracts() {}

  /** A failure a client or an operator will read: status, OpenAI error type and a message. */
  public static void readableFailure(GatewayException e) {
    assertThat(e.status()).as("status of %s", e).isBetween(400, 599);
    assertThat(e.type()).as("type of %s", e).isNotBlank();
    assertThat(e.getMessage()).as("message of %s", e.getClass().getSimpleName()).isNotBlank();
  }

  /** The input as JSON through the gateway's own mapper, or null when it is not JSON at all. */
  public static JsonNode jsonOrNull(byte[] bytes) {
    try {
      return Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      return null;
    }
  }

  /** True when the text is JSON without a repeated key in any object: then a tree and a scan must agree. */
  public static boolean hasNoDuplicateKeys(String json) {
    try {
      STRICT.readTree(json);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Written out and read back, the tree is the same tree (nothing the writer cannot express). */
  public static void survivesWriteAndRead(JsonNode node) {
    try {
      String once = Json.MAPPER.writeValueAsString(node);
      JsonNode back = Json.MAPPER.readTree(once);
      assertThat(back.getNodeType()).isEqualTo(node.getNodeType());
      assertThat(Json.MAPPER.writeValueAsString(back)).isEqualTo(once);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void isTextOrNull(JsonNode n, String what) {
    assertThat(n == null || n.isNull() || n.isTextual()).as("%s is text or null: %s", what, n).isTrue();
  }

  /**
   * What the wire scan of a chunk reads ({@link ChatChunk#parse}) agrees with the same chunk read as a
   * tree with string fields taken only when they are strings. Valid for JSON without repeated keys.
   */
  public static void scanAgreesWithTree(ChatChunk scanned, ObjectNode tree) {
    assertThat(scanned.model()).as("model").isEqualTo(text(tree.get("model")));
    assertThat(scanned.serviceTier()).as("service_tier").isEqualTo(text(tree.get("service_tier")));
    JsonNode usage = tree.get("usage");
    assertThat(scanned.hasUsage()).as("hasUsage").isEqualTo(usage != null && usage.isObject());
    if (usage != null && usage.isObject()) {
      assertThat(scanned.usage()).as("usage").isEqualTo(TokenUsage.fromOpenAi(usage));
    }
    JsonNode error = tree.get("error");
    JsonNode choices = tree.get("choices");
    boolean hasChoices = choices instanceof ArrayNode a && !a.isEmpty();
    assertThat(scanned.hasChoices()).as("hasChoices").isEqualTo(hasChoices);
    assertThat(scanned.isError()).as("isError").isEqualTo(error != null && !error.isNull() && !hasChoices);
    JsonNode choice = hasChoices ? choices.get(0) : null;
    boolean choiceObject = choice != null && choice.isObject();
    assertThat(scanned.finishReason()).as("finish_reason").isEqualTo(choiceObject ? text(choice.get("finish_reason")) : null);
    JsonNode delta = choiceObject ? choice.get("delta") : null;
    String content = null;
    StringBuilder other = null;
    boolean output = false;
    if (delta != null && delta.isObject()) {
      for (var it = delta.fields(); it.hasNext(); ) {
        var f = it.next();
        switch (f.getKey()) {
          case "content" -> {
            content = text(f.getValue());
            if (content != null && !content.isEmpty()) output = true;
          }
          case "reasoning_content", "refusal" -> {
            String t = text(f.getValue());
            if (t != null) {
              other = other == null ? new StringBuilder(t) : other.append(t);
              if (!t.isEmpty()) output = true;
            }
          }
          case "tool_calls" -> {
            if (!f.getValue().isArray()) break;
            output = true;
            for (JsonNode call : f.getValue()) {
              JsonNode fn = call.isObject() ? call.get("function") : null;
              if (fn == null || !fn.isObject()) continue;
              for (var fit = fn.fields(); fit.hasNext(); ) {
                var ff = fit.next();
                if (!ff.getKey().equals("name") && !ff.getKey().equals("arguments")) continue;
                String t = text(ff.getValue());
                if (t != null) other = other == null ? new StringBuilder(t) : other.append(t);
              }
            }
          }
          default -> { }
        }
      }
    }
    assertThat(scanned.content()).as("content").isEqualTo(content);
    assertThat(scanned.otherText()).as("other text").isEqualTo(other == null ? null : other.toString());
    if (other != null && !other.isEmpty()) output = true;
    assertThat(scanned.producesOutput()).as("producesOutput").isEqualTo(output);
  }

  private static String text(JsonNode n) {
    return n != null && n.isTextual() ? n.asText() : null;
  }
}
