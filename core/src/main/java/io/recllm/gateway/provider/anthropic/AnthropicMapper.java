package io.recllm.gateway.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.MessagesTranslation;
import io.recllm.gateway.provider.OpenAiJson;
import java.util.Map;

/**
 * OpenAI chat ⇄ Anthropic Messages, as pure functions: JSON in, JSON out, no I/O. Inputs are never
 * modified. Failures caused by the client's request are {@link GatewayException.InvalidRequest}
 * (code {@code unsupported_parameter}, {@code unsupported_value}, {@code invalid_value} or
 * {@code invalid_type}, with {@code param} naming the field, e.g. {@code messages[3].tool_calls[0].function.arguments}).
 *
 * <h2>Request fields (OpenAI → Anthropic)</h2>
 * What happens to each top-level field (mapped, carried, ignored, accepted only with a harmless
 * value, rejected) is the table {@code AnthropicFieldPolicy.POLICY}, rendered as
 * {@code docs/providers/anthropic-fields.md}.
 */
public final class AnthropicMapper {

  private static final Map<String, String> FINISH_REASONS = Map.of(
      "end_turn", "stop",
      "stop_sequence", "stop",
      "max_tokens", "length",
      "model_context_window_exceeded", "length",
      "tool_use", "tool_calls",
      "refusal", "content_filter",
      "pause_turn", "stop");

  private AnthropicMapper() {}

  /**
   * The Anthropic Messages body for an OpenAI chat request.
   *
   * @param model the Anthropic model name, provider prefix removed
   * @param defaultMaxTokens used when the client gave no max tokens (Anthropic requires the field)
   * @throws GatewayException.InvalidRequest when the request cannot be expressed for Anthropic
   */
  public static ObjectNode toAnthropicRequest(ObjectNode openAiRequest, String model, int defaultMaxTokens) {
    return new AnthropicRequestMapper(openAiRequest).map(model, defaultMaxTokens);
  }

  /**
   * An OpenAI {@code chat.completion} for a non-streaming Anthropic message. Anthropic sends no
   * timestamp, hence {@code createdEpochSeconds}.
   *
   * @throws GatewayException.ProviderFailure when the body is not an Anthropic message at all
   */
  public static ObjectNode fromAnthropicResponse(ObjectNode message, long createdEpochSeconds) {
    if (message == null || !message.path("content").isArray()) {
      throw new GatewayException.ProviderFailure("bad_upstream_response",
          "Anthropic answered with a body that is not a message", 200, false, null);
    }
    StringBuilder text = null;
    StringBuilder reasoning = null;
    ArrayNode reasoningDetails = Json.MAPPER.createArrayNode();
    ArrayNode toolCalls = Json.MAPPER.createArrayNode();
    for (JsonNode block : message.get("content")) {
      switch (block.path("type").asText("")) {
        case "text" -> {
          if (text == null) text = new StringBuilder();
          text.append(block.path("text").asText(""));
        }
        case "thinking" -> {
          if (reasoning == null) reasoning = new StringBuilder();
          reasoning.append(block.path("thinking").asText(""));
          reasoningDetails.add(AnthropicReasoning.of(block, reasoningDetails.size()));
        }
        case "redacted_thinking" -> reasoningDetails.add(AnthropicReasoning.of(block, reasoningDetails.size()));
        case "tool_use" -> {
          ObjectNode call = toolCalls.addObject();
          call.put("id", block.path("id").asText());
          call.put("type", "function");
          call.putObject("function")
              .put("name", block.path("name").asText())
              .put("arguments", compact(block.get("input")));
        }
        default -> { } // server tool blocks: Anthropic ran them itself; nothing an OpenAI client can use
      }
    }
    ObjectNode out = Json.object();
    out.put("id", message.path("id").asText(""));
    out.put("object", "chat.completion");
    out.put("created", createdEpochSeconds);
    out.put("model", message.path("model").asText(""));
    ObjectNode choice = out.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode msg = choice.putObject("message");
    msg.put("role", "assistant");
    if (text == null) msg.putNull("content");
    else msg.put("content", text.toString());
    if (reasoning != null) msg.put("reasoning_content", reasoning.toString());
    if (!reasoningDetails.isEmpty()) msg.set("reasoning_details", reasoningDetails);
    if (!toolCalls.isEmpty()) msg.set("tool_calls", toolCalls);
    choice.putNull("logprobs");
    choice.put("finish_reason", finishReason(message.path("stop_reason").asText(null)));
    out.set("usage", openAiUsage(usageOf(message.get("usage"))));
    return out;
  }

  /** {@link #fromAnthropicResponse} plus its usage, as the {@code LlmClient} SPI returns it. */
  public static ChatResult toChatResult(ObjectNode message, long createdEpochSeconds, String upstreamRequestId) {
    return new ChatResult(fromAnthropicResponse(message, createdEpochSeconds), usageOf(message.get("usage")),
        upstreamRequestId);
  }

  /**
   * Anthropic usage in OpenAI terms. Anthropic's {@code input_tokens} excludes cache reads and cache
   * writes; OpenAI's {@code prompt_tokens} includes everything that was read, so all three are added.
   */
  public static TokenUsage usageOf(JsonNode anthropicUsage) {
    return MessagesTranslation.usageOf(anthropicUsage);
  }

  /** The OpenAI {@code usage} object for a usage. */
  public static ObjectNode openAiUsage(TokenUsage usage) {
    return OpenAiJson.usage(usage);
  }

  /**
   * Anthropic {@code stop_reason} → OpenAI {@code finish_reason}. Unknown or missing reasons map to
   * "stop" so a new upstream value never breaks a client; see {@link #isKnownStopReason} to count them.
   */
  public static String finishReason(String stopReason) {
    return stopReason == null ? "stop" : FINISH_REASONS.getOrDefault(stopReason, "stop");
  }

  /** False for a stop reason this mapper does not know (or none at all): worth counting. */
  public static boolean isKnownStopReason(String stopReason) {
    return stopReason != null && FINISH_REASONS.containsKey(stopReason);
  }

  static String compact(JsonNode input) {
    return OpenAiJson.compact(input);
  }
}
