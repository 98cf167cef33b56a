package io.recllm.gateway.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;

/**
 * What every translating adapter reads from an OpenAI chat request and writes in OpenAI's shapes, in one
 * place so the adapters agree: the same checks, the same {@code param} paths and messages for a bad value.
 */
public final class OpenAiJson {

  private OpenAiJson() {}

  /**
   * A tool call's {@code function.arguments} (a JSON string, or the object itself as some clients send
   * it) as the object a provider wants; absent or blank is {@code {}}.
   *
   * @param provider as in "must be a JSON object for {@code provider} models"
   */
  public static JsonNode toolArguments(JsonNode arguments, String param, String provider) {
    if (arguments == null || arguments.isNull()) return Json.object();
    if (arguments.isObject()) return arguments.deepCopy();
    if (!arguments.isTextual()) throw invalid("invalid_type", param, param + " must be a JSON string");
    String text = arguments.asText();
    if (text.isBlank()) return Json.object();
    JsonNode parsed;
    try {
      parsed = Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw invalid("invalid_value", param, param + " is not valid JSON: " + e.getOriginalMessage());
    }
    if (parsed == null || !parsed.isObject()) {
      throw invalid("invalid_value", param, param + " must be a JSON object for " + provider + " models");
    }
    return parsed;
  }

  /**
   * A {@code chat.completion.chunk} with one choice, keys in OpenAI's order, as the translating adapters
   * stream them: {@code logprobs} null, {@code finish_reason} null until the choice ends.
   */
  public static ObjectNode chunk(String id, long created, String model, int index, ObjectNode delta, String finishReason) {
    ObjectNode chunk = chunkHeader(id, created, model);
    ObjectNode choice = chunk.putArray("choices").addObject();
    choice.put("index", index);
    choice.set("delta", delta);
    choice.putNull("logprobs");
    if (finishReason == null) choice.putNull("finish_reason");
    else choice.put("finish_reason", finishReason);
    return chunk;
  }

  /** A chunk's fields before {@code choices}: with an empty choices array, the start of a usage chunk. */
  public static ObjectNode chunkHeader(String id, long created, String model) {
    return Json.object()
        .put("id", id)
        .put("object", "chat.completion.chunk")
        .put("created", created)
        .put("model", model);
  }

  /** A delta carrying one tool call: its start (id, type, name) or a piece of its arguments. */
  public static ObjectNode toolCallDelta(ObjectNode call) {
    ObjectNode delta = Json.object();
    delta.putArray("tool_calls").add(call);
    return delta;
  }

  /** The tool call entry of a delta that carries a piece of the call's arguments. */
  public static ObjectNode toolArgumentsPiece(int toolIndex, String fragment) {
    ObjectNode call = Json.object();
    call.put("index", toolIndex);
    call.putObject("function").put("arguments", fragment);
    return call;
  }

  /** {@code data:<media type>;base64,<data>}, as OpenAI's image and file parts carry inline content. */
  public record DataUrl(String mediaType, String base64) {
    public static DataUrl parse(String url, String param) {
      int comma = url.indexOf(',');
      String header = comma < 0 ? "" : url.substring(5, comma);
      if (!url.startsWith("data:") || !header.endsWith(";base64")) {
        throw invalid("invalid_value", param, "Data URL must be of the form data:<media type>;base64,<data>");
      }
      return new DataUrl(header.substring(0, header.length() - ";base64".length()), url.substring(comma + 1));
    }
  }

  /**
   * Appends {@code blocks} to a provider's {@code [{"role", "content": [...]}]} turns, merged into the
   * last turn when it has the same role: providers that need alternating turns get OpenAI's runs of one
   * role as one turn. Nothing is appended for no blocks.
   */
  public static void appendTurn(ArrayNode turns, String role, java.util.List<ObjectNode> blocks) {
    if (blocks.isEmpty()) return;
    JsonNode last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
    ArrayNode content;
    if (last != null && role.equals(last.path("role").asText())) {
      content = (ArrayNode) last.get("content");
    } else {
      ObjectNode turn = turns.addObject();
      turn.put("role", role);
      content = turn.putArray("content");
    }
    blocks.forEach(content::add);
  }

  /** The OpenAI {@code usage} object of a translated usage; cache writes have no field there. */
  public static ObjectNode usage(TokenUsage usage) {
    ObjectNode out = Json.object();
    out.put("prompt_tokens", usage.promptTokens());
    out.put("completion_tokens", usage.completionTokens());
    out.put("total_tokens", usage.totalTokens());
    out.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedTokens());
    return out;
  }

  /** Compact JSON text of a tree, {@code {}} for none: tool call arguments as OpenAI sends them. */
  public static String compact(JsonNode input) {
    if (input == null || input.isNull()) return "{}";
    try {
      return Json.MAPPER.writeValueAsString(input);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e); // a tree always serialises
    }
  }

  /** A non-2xx body read leniently: its JSON, or an empty object when it is empty or not JSON. */
  public static JsonNode lenient(String body) {
    if (body == null || body.isBlank()) return Json.object();
    try {
      JsonNode node = Json.MAPPER.readTree(body);
      return node == null ? Json.object() : node;
    } catch (Exception e) {
      return Json.object();
    }
  }

  /** ": <body on one line, at most {@code max} chars>" or " with an empty body", for error messages. */
  public static String describe(String body, int max) {
    if (body == null || body.isBlank()) return " with an empty body";
    String flat = body.strip().replaceAll("\\s+", " ");
    if (flat.length() > max) flat = flat.substring(0, max) + "…";
    return ": " + flat;
  }

  private static GatewayException.InvalidRequest invalid(String code, String param, String message) {
    return new GatewayException.InvalidRequest(code, param, message);
  }
}
