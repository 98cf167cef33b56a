package io.recllm.gateway.provider.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.TokenCounter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The mock's answers to the endpoints other than chat, in OpenAI's formats and deterministic: the same
 * input always gives the same vector or text, so {@code ./gateway} with no keys can be tried with curl.
 */
final class MockEndpoints {

  /** Vector size when the request gives no {@code dimensions}: small, it is a mock. */
  static final int DEFAULT_DIMENSIONS = 8;

  private MockEndpoints() {}

  /** One unit vector per input, seeded by the input's text; base64 as OpenAI sends it (little-endian float32). */
  static ChatResult embeddings(String model, ObjectNode request) {
    List<String> inputs = inputs(request.get("input"));
    int dims = request.path("dimensions").canConvertToInt() ? request.path("dimensions").asInt() : DEFAULT_DIMENSIONS;
    if (dims < 1 || dims > 4096) {
      throw new GatewayException.InvalidRequest("invalid_value", "dimensions",
          "Invalid 'dimensions': expected a whole number from 1 to 4096.");
    }
    String format = request.path("encoding_format").asText("float");
    if (!format.equals("float") && !format.equals("base64")) {
      throw new GatewayException.InvalidRequest("invalid_value", "encoding_format",
          "Invalid 'encoding_format': expected 'float' or 'base64', got '" + format + "'.");
    }
    ObjectNode body = Json.object();
    body.put("object", "list");
    ArrayNode data = body.putArray("data");
    long tokens = 0;
    for (int i = 0; i < inputs.size(); i++) {
      String text = inputs.get(i);
      tokens += Math.max(1, TokenCounter.count(text));
      float[] v = vector(text, dims);
      ObjectNode item = data.addObject();
      item.put("object", "embedding");
      item.put("index", i);
      if (format.equals("base64")) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * dims).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) bytes.putFloat(f);
        item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
      } else {
        ArrayNode arr = item.putArray("embedding");
        for (float f : v) arr.add(f);
      }
    }
    body.put("model", model);
    ObjectNode usage = body.putObject("usage");
    usage.put("prompt_tokens", tokens);
    usage.put("total_tokens", tokens);
    return new ChatResult(body, TokenUsage.of(tokens, 0), null);
  }

  static float[] vector(String text, int dims) {
    SplittableRandom random = new SplittableRandom(text.hashCode());
    float[] v = new float[dims];
    double norm = 0;
    for (int i = 0; i < dims; i++) {
      v[i] = (float) (random.nextDouble() * 2 - 1);
      norm += v[i] * v[i];
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < dims; i++) v[i] *= scale;
    return v;
  }

  /** A string, an array of strings, or token arrays (read as their numbers' text). */
  private static List<String> inputs(JsonNode input) {
    if (input == null || input.isNull()) {
      throw new GatewayException.InvalidRequest("missing_required_parameter", "input", "Missing required parameter: 'input'.");
    }
    List<String> out = new ArrayList<>();
    if (input.isTextual()) {
      out.add(input.asText());
    } else if (input.isArray() && !input.isEmpty()) {
      boolean tokens = input.get(0).isNumber();
      if (tokens) {
        out.add(input.toString());
      } else {
        for (JsonNode n : input) out.add(n.isTextual() ? n.asText() : n.toString());
      }
    } else {
      throw new GatewayException.InvalidRequest("invalid_type", "input",
          "Invalid 'input': expected a string or a non-empty array.");
    }
    return out;
  }

  /** The legacy completion: the prompt echoed back. */
  static ChatResult completion(String model, ObjectNode request) {
    String text = prompt(request);
    long prompt = TokenCounter.count(text);
    long completion = TokenCounter.count(text);
    ObjectNode body = Json.object();
    body.put("id", "cmpl-mock-" + Integer.toHexString(text.hashCode()));
    body.put("object", "text_completion");
    body.put("created", System.currentTimeMillis() / 1000);
    body.put("model", model);
    ObjectNode choice = body.putArray("choices").addObject();
    choice.put("text", text);
    choice.put("index", 0);
    choice.putNull("logprobs");
    choice.put("finish_reason", "stop");
    ObjectNode usage = body.putObject("usage");
    usage.put("prompt_tokens", prompt);
    usage.put("completion_tokens", completion);
    usage.put("total_tokens", prompt + completion);
    return new ChatResult(body, TokenUsage.of(prompt, completion), null);
  }

  /** The same completion as {@code text_completion} chunks, a finish reason, then the usage chunk. */
  static List<ChatChunk> completionChunks(String model, ObjectNode request) {
    String text = prompt(request);
    String id = "cmpl-mock-" + Integer.toHexString(text.hashCode());
    long created = System.currentTimeMillis() / 1000;
    List<ChatChunk> chunks = new ArrayList<>();
    for (String piece : MockClient.pieces(text)) chunks.add(ChatChunk.of(completionChunk(id, created, model, piece, null)));
    chunks.add(ChatChunk.of(completionChunk(id, created, model, "", "stop")));
    ObjectNode u = Json.object();
    u.put("id", id);
    u.put("object", "text_completion");
    u.put("created", created);
    u.put("model", model);
    u.putArray("choices");
    long tokens = TokenCounter.count(text);
    ObjectNode usage = u.putObject("usage");
    usage.put("prompt_tokens", tokens);
    usage.put("completion_tokens", tokens);
    usage.put("total_tokens", 2 * tokens);
    chunks.add(ChatChunk.of(u));
    return chunks;
  }

  private static ObjectNode completionChunk(String id, long created, String model, String text, String finish) {
    ObjectNode c = Json.object();
    c.put("id", id);
    c.put("object", "text_completion");
    c.put("created", created);
    c.put("model", model);
    ObjectNode choice = c.putArray("choices").addObject();
    choice.put("text", text);
    choice.put("index", 0);
    choice.putNull("logprobs");
    if (finish == null) choice.putNull("finish_reason"); else choice.put("finish_reason", finish);
    return c;
  }

  private static String prompt(ObjectNode request) {
    JsonNode p = request.get("prompt");
    if (p == null || p.isNull()) {
      throw new GatewayException.InvalidRequest("missing_required_parameter", "prompt", "Missing required parameter: 'prompt'.");
    }
    if (p.isArray()) p = p.isEmpty() ? null : p.get(0);
    String text = p == null ? "" : p.isTextual() ? p.asText() : p.toString();
    return text.isEmpty() ? "Hello from the mock provider." : text;
  }
}
