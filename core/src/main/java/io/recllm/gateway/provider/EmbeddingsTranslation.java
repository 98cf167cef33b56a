package io.recllm.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * OpenAI's embeddings request and answer for a provider that embeds in its own format (Gemini, Bedrock):
 * what of the request such a provider can honour, and the OpenAI {@code list} built from its vectors.
 * Pure functions apart from {@link #each}, which only sequences futures.
 */
public final class EmbeddingsTranslation {

  /** Fields every translated provider honours or may drop: {@code user} only labels the call for OpenAI's abuse checks. */
  private static final Set<String> COMMON = Set.of("model", "input", "encoding_format", "dimensions", "user");

  /** Upstream calls one embeddings request may have open at once when the provider takes one text per call. */
  static final int PARALLEL_CALLS = 8;

  private EmbeddingsTranslation() {}

  /**
   * What the client asked for.
   *
   * @param single the input was one string, not an array (the provider's single-text method fits)
   * @param dimensions null when not asked for
   * @param extra the provider-specific fields the caller allowed, as sent (null when absent)
   */
  public record Request(List<String> inputs, boolean single, boolean base64, Integer dimensions,
                        Map<String, JsonNode> extra) {

    /** A provider-specific text field, or {@code fallback}; a non-string value is a 400. */
    public String text(String field, String fallback) {
      JsonNode v = extra.get(field);
      if (v == null || v.isNull()) return fallback;
      if (!v.isTextual()) {
        throw new GatewayException.InvalidRequest("invalid_type", field,
            "Invalid type for '" + field + "': expected a string.");
      }
      return v.asText();
    }
  }

  /**
   * Reads an OpenAI embeddings request for a provider that takes text only.
   *
   * @param provider the provider's name, for messages
   * @param extraFields fields of the provider's own the gateway passes on (Cohere's {@code input_type}, say);
   *     any other field OpenAI does not define is a 400 {@code unsupported_parameter}, not silently dropped
   */
  public static Request read(ObjectNode request, String provider, Set<String> extraFields) {
    Map<String, JsonNode> extra = new java.util.LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = request.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      if (COMMON.contains(name)) continue;
      if (extraFields.contains(name)) {
        extra.put(name, e.getValue());
        continue;
      }
      throw unsupported(name, "Provider \"" + provider + "\" does not take '" + name + "' for embeddings.");
    }
    JsonNode input = request.get("input");
    List<String> inputs = new ArrayList<>();
    boolean single = false;
    if (input != null && input.isTextual()) {
      inputs.add(input.asText());
      single = true;
    } else if (input != null && input.isArray() && !input.isEmpty()) {
      for (int i = 0; i < input.size(); i++) {
        JsonNode n = input.get(i);
        if (n.isTextual()) {
          inputs.add(n.asText());
        } else if (n.isNumber() || n.isArray()) {
          // token ids are the OpenAI tokenizer's; another provider's model cannot read them
          throw new GatewayException.InvalidRequest("unsupported_value", "input",
              "Provider \"" + provider + "\" embeds text only: send 'input' as a string or an array of strings, not token ids.");
        } else {
          throw new GatewayException.InvalidRequest("invalid_type", "input[" + i + "]",
              "Invalid type for 'input[" + i + "]': expected a string.");
        }
      }
    } else {
      throw new GatewayException.InvalidRequest("invalid_type", "input",
          "Invalid 'input': expected a string or a non-empty array of strings.");
    }
    JsonNode format = request.get("encoding_format");
    boolean base64 = false;
    if (format != null && !format.isNull()) {
      if (!format.isTextual() || !(format.asText().equals("float") || format.asText().equals("base64"))) {
        throw new GatewayException.InvalidRequest("invalid_value", "encoding_format",
            "Invalid 'encoding_format': expected 'float' or 'base64'.");
      }
      base64 = format.asText().equals("base64");
    }
    JsonNode dims = request.get("dimensions");
    Integer dimensions = null;
    if (dims != null && !dims.isNull()) {
      if (!dims.canConvertToInt() || !dims.isIntegralNumber() || dims.asInt() < 1) {
        throw new GatewayException.InvalidRequest("invalid_value", "dimensions",
            "Invalid 'dimensions': expected a positive whole number.");
      }
      dimensions = dims.asInt();
    }
    return new Request(List.copyOf(inputs), single, base64, dimensions, Map.copyOf(extra));
  }

  /** The 400 for a field (or value) the provider cannot honour. */
  public static GatewayException unsupported(String param, String message) {
    return new GatewayException.InvalidRequest("unsupported_parameter", param, message);
  }

  /**
   * OpenAI's answer: {@code {"object":"list","data":[{"object":"embedding","index":i,"embedding":...}],
   * "model":..,"usage":{"prompt_tokens":n,"total_tokens":n}}}. Float vectors keep the provider's numbers
   * as they were; base64 is their little-endian float32 bytes, as OpenAI encodes them.
   *
   * @param vectors one JSON array of numbers per input, in input order
   */
  public static ObjectNode answer(String model, List<JsonNode> vectors, boolean base64, TokenUsage usage) {
    ObjectNode body = Json.object();
    body.put("object", "list");
    ArrayNode data = body.putArray("data");
    for (int i = 0; i < vectors.size(); i++) {
      ObjectNode item = data.addObject();
      item.put("object", "embedding");
      item.put("index", i);
      if (base64) item.put("embedding", base64(vectors.get(i)));
      else item.set("embedding", vectors.get(i));
    }
    body.put("model", model);
    ObjectNode u = body.putObject("usage");
    u.put("prompt_tokens", usage.promptTokens());
    u.put("total_tokens", usage.promptTokens());
    return body;
  }

  /** A vector as OpenAI's base64: float32, little-endian, in order. */
  public static String base64(JsonNode vector) {
    ByteBuffer bytes = ByteBuffer.allocate(4 * vector.size()).order(ByteOrder.LITTLE_ENDIAN);
    for (JsonNode n : vector) bytes.putFloat(n.floatValue());
    return Base64.getEncoder().encodeToString(bytes.array());
  }

  /** Input tokens counted with the gateway's tokenizer, marked estimated: for a provider that reports none. */
  public static TokenUsage estimate(List<String> inputs) {
    long tokens = 0;
    for (String s : inputs) tokens += TokenCounter.count(s);
    return new TokenUsage(tokens, 0, tokens, 0, 0, 0, true);
  }

  /** Input tokens as the provider counted them (its own tokenizer), or the estimate when it sent none. */
  public static TokenUsage counted(long tokens, List<String> inputs) {
    return tokens >= 0 ? TokenUsage.of(tokens, 0) : estimate(inputs);
  }

  /**
   * One upstream call per input, for a provider whose embedding method takes one text (Titan, Vertex's
   * predict for Gemini models) or a limited batch (Cohere), with at most {@link #PARALLEL_CALLS} open at once so a batch of a
   * thousand texts does not turn into a thousand simultaneous requests. The results are in input order;
   * the first failure fails the whole and no further calls are started.
   */
  public static <I, T> Future<List<T>> each(List<I> inputs, Function<I, Future<T>> call) {
    int n = inputs.size();
    List<T> results = new ArrayList<>(java.util.Collections.nCopies(n, null));
    Promise<List<T>> done = Promise.promise();
    int[] next = {0};
    int[] finished = {0};
    Runnable[] startNext = new Runnable[1];
    startNext[0] = () -> {
      if (next[0] >= n || done.future().isComplete()) return;
      int i = next[0]++;
      Future<T> f;
      try {
        f = call.apply(inputs.get(i));
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        if (ar.failed()) {
          done.tryFail(ar.cause());
          return;
        }
        results.set(i, ar.result());
        if (++finished[0] == n) done.tryComplete(results);
        else startNext[0].run();
      });
    };
    for (int k = 0; k < Math.min(PARALLEL_CALLS, n); k++) startNext[0].run();
    return done.future();
  }
}
