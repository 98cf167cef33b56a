package io.recllm.gateway.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.OpenAiJson;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * OpenAI chat ⇄ Bedrock Converse, as pure functions: JSON in, JSON out, no I/O. Inputs are never
 * modified. Failures caused by the client's request are {@link GatewayException.InvalidRequest} with
 * {@code param} naming the field. What happens to each top-level request field is the table
 * {@code BedrockFieldPolicy.POLICY}, rendered as {@code docs/providers/bedrock-fields.md}.
 */
public final class BedrockMapper {

  private static final Map<String, String> FINISH_REASONS = Map.of(
      "end_turn", "stop",
      "stop_sequence", "stop",
      "max_tokens", "length",
      "model_context_window_exceeded", "length",
      "tool_use", "tool_calls",
      "guardrail_intervened", "content_filter",
      "content_filtered", "content_filter",
      "malformed_model_output", "stop",
      "malformed_tool_use", "stop");

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private BedrockMapper() {}

  /**
   * The Converse body for an OpenAI chat request.
   *
   * @param model the model id, inference profile id or ARN (it goes into the path: {@link #path})
   * @throws GatewayException.InvalidRequest when the request cannot be expressed for Converse
   */
  public static ObjectNode toConverseRequest(ObjectNode openAiRequest, String model) {
    return new BedrockRequestMapper(openAiRequest).map(model);
  }

  /**
   * {@code /model/{modelId}/converse} or {@code /converse-stream}: the id is used as given, every byte
   * outside RFC 3986's unreserved set percent-encoded, so an ARN's {@code :} and {@code /} stay in one segment.
   */
  public static String path(String model, boolean stream) {
    return modelPath(model, stream ? "/converse-stream" : "/converse");
  }

  /** {@code /model/{modelId}/invoke}, the model's native API (embedding models), encoded as {@link #path}. */
  public static String invokePath(String model) {
    return modelPath(model, "/invoke");
  }

  private static String modelPath(String model, String operation) {
    StringBuilder out = new StringBuilder(model.length() + 24).append("/model/");
    for (byte b : model.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
      }
    }
    return out.append(operation).toString();
  }

  /**
   * An OpenAI {@code chat.completion} for a Converse answer. Converse sends neither an id, a model nor a
   * timestamp, so the caller gives them.
   *
   * @throws GatewayException.ProviderFailure when the body is not a Converse answer
   */
  public static ObjectNode fromConverseResponse(ObjectNode answer, String id, String model, long createdEpochSeconds) {
    JsonNode content = answer == null ? null : answer.path("output").path("message").get("content");
    if (content == null || !content.isArray()) {
      throw new GatewayException.ProviderFailure("bad_upstream_response",
          "Bedrock answered with a body that is not a Converse answer", 200, false, null);
    }
    StringBuilder text = null;
    StringBuilder reasoning = null;
    ArrayNode details = Json.MAPPER.createArrayNode();
    ArrayNode toolCalls = Json.MAPPER.createArrayNode();
    for (JsonNode block : content) {
      if (block.has("text")) {
        if (text == null) text = new StringBuilder();
        text.append(block.path("text").asText(""));
      } else if (block.has("toolUse")) {
        JsonNode use = block.get("toolUse");
        ObjectNode call = toolCalls.addObject();
        call.put("id", use.path("toolUseId").asText());
        call.put("type", "function");
        call.putObject("function").put("name", use.path("name").asText()).put("arguments", OpenAiJson.compact(use.get("input")));
      } else if (block.has("reasoningContent")) {
        ObjectNode detail = BedrockReasoning.detail(block.get("reasoningContent"), details.size());
        if (detail != null) {
          details.add(detail);
          if (detail.has("text")) {
            if (reasoning == null) reasoning = new StringBuilder();
            reasoning.append(detail.get("text").asText());
          }
        }
      }
      // citationsContent and other blocks have no OpenAI counterpart
    }
    ObjectNode out = Json.object();
    out.put("id", id);
    out.put("object", "chat.completion");
    out.put("created", createdEpochSeconds);
    out.put("model", model);
    ObjectNode choice = out.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode msg = choice.putObject("message");
    msg.put("role", "assistant");
    if (text == null) msg.putNull("content");
    else msg.put("content", text.toString());
    if (reasoning != null) msg.put("reasoning_content", reasoning.toString());
    if (!details.isEmpty()) msg.set("reasoning_details", details);
    if (!toolCalls.isEmpty()) msg.set("tool_calls", toolCalls);
    choice.putNull("logprobs");
    choice.put("finish_reason", finishReason(answer.path("stopReason").asText(null)));
    out.set("usage", OpenAiJson.usage(usageOf(answer.get("usage"))));
    return out;
  }

  /**
   * Converse usage in OpenAI terms. {@code inputTokens} excludes cache reads and writes (their sum is
   * {@code totalTokens} minus output); OpenAI's {@code prompt_tokens} counts everything read, so all three
   * are added, as for Anthropic.
   */
  public static TokenUsage usageOf(JsonNode usage) {
    if (usage == null || !usage.isObject()) return TokenUsage.NONE;
    long input = usage.path("inputTokens").asLong(0);
    long cacheRead = usage.path("cacheReadInputTokens").asLong(0);
    long cacheWrite = usage.path("cacheWriteInputTokens").asLong(0);
    long output = usage.path("outputTokens").asLong(0);
    long prompt = input + cacheRead + cacheWrite;
    return new TokenUsage(prompt, output, prompt + output, cacheRead, cacheWrite, 0, false);
  }

  /** Converse {@code stopReason} → OpenAI {@code finish_reason}; unknown or missing → "stop". */
  public static String finishReason(String stopReason) {
    return stopReason == null ? "stop" : FINISH_REASONS.getOrDefault(stopReason, "stop");
  }

  /** False for a stop reason this mapper does not know (or none at all): worth counting. */
  public static boolean isKnownStopReason(String stopReason) {
    return stopReason != null && FINISH_REASONS.containsKey(stopReason);
  }
}
