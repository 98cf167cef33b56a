package io.recllm.gateway.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.EmbeddingsTranslation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI embeddings ⇄ the InvokeModel bodies of Bedrock's text embedding models, as pure functions:
 * Amazon Titan Text Embeddings (one text per call; v2 takes {@code dimensions}) and Cohere Embed (up
 * to {@link #COHERE_BATCH} texts per call; v4 takes {@code output_dimension}, v3 has a fixed size).
 */
final class BedrockEmbeddings {

  /** Cohere Embed's limit of texts per call on Bedrock. */
  static final int COHERE_BATCH = 96;
  /** Cohere requires an input type; a stored document is what most embeddings calls are for. */
  static final String DEFAULT_INPUT_TYPE = "search_document";

  enum Family { TITAN_V1, TITAN_V2, COHERE_V3, COHERE_V4 }

  private BedrockEmbeddings() {}

  /**
   * Which request format a model id (base model or inference profile, e.g. {@code us.cohere.embed-v4:0})
   * takes; anything else is a 400 naming what is supported.
   */
  static Family family(String model) {
    String m = model.toLowerCase(java.util.Locale.ROOT);
    if (m.contains("amazon.titan-embed-text-v2")) return Family.TITAN_V2;
    if (m.contains("amazon.titan-embed-text-v1") || m.contains("amazon.titan-embed-g1-text")) return Family.TITAN_V1;
    if (m.contains("cohere.embed-v4")) return Family.COHERE_V4;
    if (m.contains("cohere.embed-english-v3") || m.contains("cohere.embed-multilingual-v3")) return Family.COHERE_V3;
    throw new GatewayException.InvalidRequest("unsupported_value", "model",
        "Bedrock model '" + model + "' is not a text embedding model the gateway translates: use Amazon Titan Text "
            + "Embeddings (amazon.titan-embed-text-v2:0, amazon.titan-embed-text-v1) or Cohere Embed "
            + "(cohere.embed-english-v3, cohere.embed-multilingual-v3, cohere.embed-v4:0).");
  }

  /** The model's own request fields a client may add, passed on as sent (Bedrock validates them). */
  static Set<String> ownFields(Family family) {
    return switch (family) {
      case TITAN_V2 -> Set.of("normalize");
      case TITAN_V1 -> Set.of();
      case COHERE_V3, COHERE_V4 -> Set.of("input_type", "truncate");
    };
  }

  /** The body of one Titan call for {@code text}. */
  static ObjectNode titanRequest(Family family, String text, Integer dimensions, Map<String, JsonNode> own) {
    ObjectNode body = Json.object().put("inputText", text);
    own.forEach(body::set);
    if (dimensions != null) {
      if (family != Family.TITAN_V2) {
        throw EmbeddingsTranslation.unsupported("dimensions",
            "Titan Text Embeddings v1 has a fixed size; 'dimensions' needs amazon.titan-embed-text-v2:0.");
      }
      body.put("dimensions", dimensions);
    }
    return body;
  }

  /** The body of one Cohere call for up to {@link #COHERE_BATCH} texts. */
  static ObjectNode cohereRequest(Family family, List<String> texts, Integer dimensions, Map<String, JsonNode> own) {
    ObjectNode body = Json.object();
    body.putArray("texts").addAll(texts.stream().map(Json.MAPPER.getNodeFactory()::textNode).toList());
    body.put("input_type", DEFAULT_INPUT_TYPE);
    own.forEach(body::set);
    if (dimensions != null) {
      if (family != Family.COHERE_V4) {
        throw EmbeddingsTranslation.unsupported("dimensions",
            "Cohere Embed v3 has a fixed size; 'dimensions' needs cohere.embed-v4:0.");
      }
      body.put("output_dimension", dimensions);
    }
    return body;
  }

  /** The vector of a Titan answer, or null when the body is not one. */
  static JsonNode titanVector(ObjectNode answer) {
    JsonNode v = answer.get("embedding");
    if (v != null && v.isArray()) return v;
    v = answer.path("embeddingsByType").get("float");
    return v != null && v.isArray() ? v : null;
  }

  /**
   * The vectors of a Cohere answer: {@code embeddings} as a list of float vectors, or, when embedding
   * types were in play (v4's default), {@code embeddings.float}. Null when the body is neither or the
   * count is not {@code expected}.
   */
  static List<JsonNode> cohereVectors(ObjectNode answer, int expected) {
    JsonNode e = answer.get("embeddings");
    if (e != null && e.isObject()) e = e.get("float");
    if (e == null || !e.isArray() || e.size() != expected) return null;
    List<JsonNode> out = new ArrayList<>(expected);
    for (JsonNode v : e) {
      if (!v.isArray()) return null;
      out.add(v);
    }
    return out;
  }

  /** {@code texts} cut into Cohere-sized batches. */
  static List<List<String>> batches(List<String> texts) {
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < texts.size(); i += COHERE_BATCH) out.add(texts.subList(i, Math.min(texts.size(), i + COHERE_BATCH)));
    return out;
  }
}
