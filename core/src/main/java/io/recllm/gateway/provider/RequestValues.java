package io.recllm.gateway.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;

/**
 * Readers for values of an OpenAI chat request that every translating mapper needs, failing with the
 * 400 OpenAI would give: {@link GatewayException.InvalidRequest} with {@code param} naming the value.
 */
public final class RequestValues {

  private RequestValues() {}

  /** A non-empty string, else {@code Missing required parameter: '<param>'}. */
  public static String requiredText(JsonNode v, String param) {
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw invalid("invalid_value", param, "Missing required parameter: '" + param + "'");
    }
    return v.asText();
  }

  public static String text(JsonNode v, String param) {
    if (!v.isTextual()) throw invalid("invalid_type", param, "'" + param + "' must be a string");
    return v.asText();
  }

  /** A whole number that fits a long: anything larger would be read as a long's low bits. */
  public static boolean isWholeNumber(JsonNode v) {
    return (v.isIntegralNumber() || (v.isNumber() && v.decimalValue().stripTrailingZeros().scale() <= 0))
        && v.canConvertToLong();
  }

  /** {@code stop}: a string is a one-item list. */
  public static ArrayNode stopSequences(JsonNode v) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    if (v.isTextual()) {
      out.add(v.asText());
      return out;
    }
    if (!v.isArray()) throw invalid("invalid_type", "stop", "'stop' must be a string or an array of strings");
    for (JsonNode s : v) {
      if (!s.isTextual()) throw invalid("invalid_type", "stop", "'stop' must be a string or an array of strings");
      out.add(s.asText());
    }
    return out;
  }

  /**
   * A tool call's {@code function.arguments} as the object the provider wants: the JSON text parsed
   * (blank or absent is {@code {}}); some clients send the object itself, which is taken too.
   *
   * @param provider as written in "must be a JSON object for Gemini models"
   */
  public static ObjectNode functionArguments(JsonNode arguments, String param, String provider) {
    if (arguments == null || arguments.isNull()) return Json.object();
    if (arguments.isObject()) return ((ObjectNode) arguments).deepCopy();
    if (!arguments.isTextual()) throw invalid("invalid_type", param, param + " must be a JSON string");
    String text = arguments.asText();
    if (text.isBlank()) return Json.object();
    JsonNode parsed;
    try {
      parsed = Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw invalid("invalid_value", param, param + " is not valid JSON: " + e.getOriginalMessage());
    }
    if (!(parsed instanceof ObjectNode o)) {
      throw invalid("invalid_value", param, param + " must be a JSON object for " + provider + " models");
    }
    return o;
  }

  public static GatewayException.InvalidRequest invalid(String code, String param, String message) {
    return new GatewayException.InvalidRequest(code, param, message);
  }
}
