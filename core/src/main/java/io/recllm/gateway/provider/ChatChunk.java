package io.recllm.gateway.provider;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * One {@code chat.completion.chunk}, with the few facts the gateway needs about it (model, finish
 * reason, usage, the text of the first choice's delta) read once.
 *
 * <p>A chunk read from the wire ({@link #parse}) keeps its exact text and is scanned with a streaming
 * parser; its JSON tree is only built if someone asks for {@link #json()} (the gateway does for the
 * usage chunk alone). Pass-through streams therefore forward each event without building a tree or
 * serialising it again. {@code usage}, when given, is the translated usage with details the OpenAI
 * usage object cannot carry (cache writes); otherwise the chunk's own {@code usage} is read.
 */
public final class ChatChunk {

  private final String raw;
  private ObjectNode json;
  private final TokenUsage translatedUsage;
  private String model;
  private String serviceTier;
  private String finishReason;
  private boolean hasChoices;
  private JsonNode usageNode;
  private boolean error;
  private String content;
  private StringBuilder otherText;
  private boolean producesOutput;

  private ChatChunk(String raw, ObjectNode json, TokenUsage usage) {
    this.raw = raw;
    this.json = json;
    this.translatedUsage = usage;
  }

  /** A chunk the gateway or an adapter built as a tree. */
  public static ChatChunk of(ObjectNode json) {
    return of(json, null);
  }

  public static ChatChunk of(ObjectNode json, TokenUsage usage) {
    ChatChunk c = new ChatChunk(null, json, usage);
    c.readTree(json);
    return c;
  }

  /**
   * A chunk exactly as an upstream sent it.
   *
   * @throws IllegalArgumentException when the text is not a JSON object
   */
  public static ChatChunk parse(String raw) {
    ChatChunk c = new ChatChunk(raw, null, null);
    // from bytes: Jackson's byte parser matches field names by their bytes, faster than its char parser
    try (JsonParser p = Json.MAPPER.createParser(raw.getBytes(StandardCharsets.UTF_8))) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("not a JSON object");
      c.scanTop(p);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
    return c;
  }

  /**
   * A chunk of its own with this one's text and what was read from it, without parsing it again: one
   * prepared text (a cached answer's replay) serves many streams, each of which may build its tree.
   */
  public ChatChunk copy() {
    if (raw == null) throw new IllegalStateException("only a chunk read from text can be copied");
    ChatChunk c = new ChatChunk(raw, null, translatedUsage);
    c.model = model;
    c.serviceTier = serviceTier;
    c.finishReason = finishReason;
    c.hasChoices = hasChoices;
    c.usageNode = usageNode;
    c.error = error;
    c.content = content;
    c.otherText = otherText == null ? null : new StringBuilder(otherText);
    c.producesOutput = producesOutput;
    return c;
  }

  /** The chunk as a tree; built on first use for chunks read from the wire. */
  public ObjectNode json() {
    if (json == null) {
      try {
        json = (ObjectNode) Json.MAPPER.readTree(raw);
      } catch (IOException e) {
        throw new UncheckedIOException(e); // parse() already read it once
      }
    }
    return json;
  }

  /** The upstream's exact text, or null for a chunk built as a tree. */
  public String raw() {
    return raw;
  }

  /** The chunk as the client will see it. */
  public String text() {
    return raw != null ? raw : json.toString();
  }

  /** Translated usage if the adapter gave one, else the chunk's own usage object, else null. */
  public TokenUsage usage() {
    if (translatedUsage != null) return translatedUsage;
    return usageNode != null ? TokenUsage.fromOpenAi(usageNode) : null;
  }

  public boolean hasUsage() {
    return translatedUsage != null || usageNode != null;
  }

  public String model() {
    return model;
  }

  public String serviceTier() {
    return serviceTier;
  }

  /** The first choice's finish reason, or null. */
  public String finishReason() {
    return finishReason;
  }

  public boolean hasChoices() {
    return hasChoices;
  }

  /** An OpenAI-style in-stream error object ({@code {"error": {...}}} without choices). */
  public boolean isError() {
    return error && !hasChoices;
  }

  /** The first choice's {@code delta.content}, or null. */
  public String content() {
    return content;
  }

  /** Other generated text of the first choice: reasoning, refusal, tool names and arguments; or null. */
  public String otherText() {
    return otherText == null ? null : otherText.toString();
  }

  /** Whether this chunk carries generated output (for the time to first token). */
  public boolean producesOutput() {
    return producesOutput;
  }

  // ---- facts from a tree

  private void readTree(ObjectNode node) {
    model = textOrNull(node.get("model"));
    serviceTier = textOrNull(node.get("service_tier"));
    JsonNode u = node.get("usage");
    usageNode = u != null && u.isObject() ? u : null;
    error = node.has("error");
    JsonNode choices = node.get("choices");
    hasChoices = choices instanceof ArrayNode a && !a.isEmpty();
    if (!hasChoices) return;
    JsonNode choice = choices.get(0);
    finishReason = textOrNull(choice.get("finish_reason"));
    legacyText(textOrNull(choice.get("text")));
    JsonNode delta = choice.get("delta");
    if (delta == null || !delta.isObject()) return;
    String c = textOrNull(delta.get("content"));
    if (c != null) addContent(c);
    addOther(textOrNull(delta.get("reasoning_content")));
    addOther(textOrNull(delta.get("refusal")));
    JsonNode calls = delta.get("tool_calls");
    if (calls != null && calls.isArray()) {
      producesOutput = true;
      for (JsonNode call : calls) {
        addOther(textOrNull(call.path("function").get("name")));
        addOther(textOrNull(call.path("function").get("arguments")));
      }
    }
  }

  /** A legacy {@code text_completion} chunk carries its text in {@code choices[].text}, not in a delta. */
  private void legacyText(String text) {
    if (text != null) addContent(text);
  }

    private static String textOrNull(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }

  // ---- facts from the wire, one pass, no tree

  private void scanTop(JsonParser p) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      switch (name) {
        case "model" -> model = stringOrSkip(p, t);
        case "service_tier" -> serviceTier = stringOrSkip(p, t);
        case "usage" -> {
          if (t == JsonToken.START_OBJECT) usageNode = p.readValueAsTree();
          else p.skipChildren();
        }
        case "error" -> {
          error = t != JsonToken.VALUE_NULL;
          p.skipChildren();
        }
        case "choices" -> {
          if (t == JsonToken.START_ARRAY) scanChoices(p);
          else p.skipChildren();
        }
        default -> p.skipChildren();
      }
    }
  }

  private void scanChoices(JsonParser p) throws IOException {
    boolean first = true;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
      hasChoices = true;
      if (first && t == JsonToken.START_OBJECT) scanChoice(p);
      else p.skipChildren();
      first = false;
    }
  }

  private void scanChoice(JsonParser p) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if (name.equals("finish_reason")) finishReason = stringOrSkip(p, t);
      else if (name.equals("delta") && t == JsonToken.START_OBJECT) scanDelta(p);
      else if (name.equals("text")) legacyText(stringOrSkip(p, t));
      else p.skipChildren();
    }
  }

  private void scanDelta(JsonParser p) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      switch (name) {
        case "content" -> {
          String c = stringOrSkip(p, t);
          if (c != null) addContent(c);
        }
        case "reasoning_content", "refusal" -> addOther(stringOrSkip(p, t));
        case "tool_calls" -> {
          if (t == JsonToken.START_ARRAY) {
            producesOutput = true;
            scanToolCalls(p);
          } else {
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
  }

  private void scanToolCalls(JsonParser p) throws IOException {
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
      if (t != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (name.equals("function") && v == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken fv = p.nextToken();
            if (field.equals("name") || field.equals("arguments")) addOther(stringOrSkip(p, fv));
            else p.skipChildren();
          }
        } else {
          p.skipChildren();
        }
      }
    }
  }

  private static String stringOrSkip(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_STRING) return p.getText();
    p.skipChildren();
    return null;
  }

  private void addContent(String c) {
    if (!c.isEmpty()) producesOutput = true;
    content = content == null ? c : content + c;
  }

  private void addOther(String text) {
    if (text == null) return;
    if (!text.isEmpty()) producesOutput = true;
    if (otherText == null) otherText = new StringBuilder(text);
    else otherText.append(text);
  }
}
