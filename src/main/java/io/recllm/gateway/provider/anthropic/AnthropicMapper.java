package io.recllm.gateway.provider.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.TokenUsage;
import java.util.Map;

/**
 * OpenAI chat ⇄ Anthropic Messages, as pure functions: JSON in, JSON out, no I/O. Inputs are never
 * modified. Failures caused by the client's request are {@link GatewayException.InvalidRequest}
 * (code {@code unsupported_parameter}, {@code unsupported_value}, {@code invalid_value} or
 * {@code invalid_type}, with {@code param} naming the field, e.g. {@code messages[3].tool_calls[0].function.arguments}).
 *
 * <h2>Request fields (OpenAI → Anthropic)</h2>
 * A field sent as JSON {@code null} counts as absent, as it does for OpenAI.
 * <table>
 * <caption>What happens to each OpenAI chat field</caption>
 * <tr><th>field</th><th>policy</th><th>Anthropic</th></tr>
 * <tr><td>messages</td><td>mapped</td><td>system/developer → top-level {@code system} blocks (in order, wherever
 *   they appear); user/assistant/tool → alternating {@code messages} (runs of one role merged; tool results
 *   become {@code tool_result} blocks in a user turn); empty text dropped (Anthropic rejects it);
 *   message {@code name}, {@code refusal} (field) and {@code reasoning_content} ignored</td></tr>
 * <tr><td>model</td><td>replaced</td><td>the {@code model} argument (provider prefix already removed)</td></tr>
 * <tr><td>max_tokens, max_completion_tokens</td><td>mapped</td><td>{@code max_tokens} (the latter wins);
 *   absent → the configured default, plus the thinking budget when thinking is on</td></tr>
 * <tr><td>stop</td><td>mapped</td><td>{@code stop_sequences} (a string becomes a one-item list)</td></tr>
 * <tr><td>temperature, top_p</td><td>mapped</td><td>same names, values unchanged (Anthropic's temperature
 *   range is 0–1 and Anthropic says so if exceeded)</td></tr>
 * <tr><td>stream</td><td>mapped</td><td>{@code stream}</td></tr>
 * <tr><td>user, safety_identifier</td><td>mapped</td><td>{@code metadata.user_id} ({@code user} first; an
 *   explicit {@code metadata.user_id} wins)</td></tr>
 * <tr><td>tools</td><td>mapped</td><td>function → {@code {name, description, input_schema, strict?, cache_control?}};
 *   entries already in Anthropic's shape (incl. server tools) copied; {@code custom} rejected</td></tr>
 * <tr><td>tool_choice</td><td>mapped</td><td>auto/none/required/named → {@code auto}/{@code none}/{@code any}/{@code tool};
 *   auto/none dropped when there are no tools; {@code allowed_tools}/{@code custom} rejected</td></tr>
 * <tr><td>parallel_tool_calls</td><td>mapped</td><td>false → {@code tool_choice.disable_parallel_tool_use: true}
 *   (on {@code auto} if no choice given; not on {@code none})</td></tr>
 * <tr><td>reasoning_effort</td><td>mapped</td><td>{@code thinking: {type: enabled, budget_tokens}}: minimal/low 1024,
 *   medium 2048, high 4096, xhigh 8192, max 16384; none → no thinking; rejected together with {@code thinking},
 *   or when the client's max tokens do not exceed the budget</td></tr>
 * <tr><td>service_tier</td><td>mapped</td><td>auto → auto, default → standard_only, standard_only kept;
 *   flex/scale/priority/fast rejected ({@code unsupported_value})</td></tr>
 * <tr><td>metadata</td><td>carried</td><td>copied as sent (Anthropic only accepts {@code user_id} in it and says so)</td></tr>
 * <tr><td>stream_options</td><td>ignored</td><td>Anthropic always reports usage; the stream translator always
 *   emits the usage chunk and the caller decides whether the client sees it</td></tr>
 * <tr><td>prompt_cache_key, prompt_cache_retention, prompt_cache_options</td><td>ignored</td><td>cache hints only;
 *   Anthropic caches where {@code cache_control} says ({@code prompt_cache_breakpoint} on a part becomes
 *   {@code cache_control: {type: ephemeral}})</td></tr>
 * <tr><td>n</td><td>harmless default accepted</td><td>1 accepted; anything else rejected</td></tr>
 * <tr><td>logprobs / top_logprobs</td><td>harmless default accepted</td><td>false / 0 accepted; otherwise rejected</td></tr>
 * <tr><td>presence_penalty, frequency_penalty</td><td>harmless default accepted</td><td>0 accepted; otherwise rejected</td></tr>
 * <tr><td>logit_bias</td><td>harmless default accepted</td><td>{@code {}} accepted; otherwise rejected</td></tr>
 * <tr><td>store</td><td>harmless default accepted</td><td>false accepted; true rejected</td></tr>
 * <tr><td>response_format</td><td>harmless default accepted</td><td>{@code {type: text}} accepted; json_object and
 *   json_schema rejected (not mapped yet)</td></tr>
 * <tr><td>modalities</td><td>harmless default accepted</td><td>{@code ["text"]} accepted; audio rejected</td></tr>
 * <tr><td>verbosity</td><td>harmless default accepted</td><td>"medium" accepted; otherwise rejected</td></tr>
 * <tr><td>seed, audio, prediction, web_search_options, moderation, functions, function_call</td><td>rejected</td>
 *   <td>{@code unsupported_parameter}</td></tr>
 * <tr><td>top_k, thinking, cache_control, container, context_management, inference_geo, mcp_servers,
 *   output_config, output_format</td><td>carried</td><td>Anthropic-only fields, copied as sent</td></tr>
 * <tr><td>system, stop_sequences</td><td>rejected</td><td>Anthropic names with an OpenAI counterpart: the message
 *   says to use system messages / {@code stop}, so there is one way to say each thing</td></tr>
 * <tr><td>anything else</td><td>rejected</td><td>{@code unsupported_parameter}; Anthropic rejects unknown fields
 *   too, and a silent drop would hide a client's mistake</td></tr>
 * </table>
 *
 * <p>Content parts: text (with {@code cache_control}), {@code image_url} (data URL → base64 image, or a
 * {@code document} for application/pdf; http(s) URL → url image), {@code file} with {@code file_data}
 * (→ document/image; {@code file_id} rejected), and Anthropic's own image/document/search_result/
 * thinking/redacted_thinking blocks (copied). {@code input_audio} is rejected. A message-level
 * {@code cache_control} goes on that message's last block.
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
        }
        case "tool_use" -> {
          ObjectNode call = toolCalls.addObject();
          call.put("id", block.path("id").asText());
          call.put("type", "function");
          call.putObject("function")
              .put("name", block.path("name").asText())
              .put("arguments", compact(block.get("input")));
        }
        default -> { } // server tool blocks, redacted thinking: nothing an OpenAI client can use
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
    if (anthropicUsage == null || !anthropicUsage.isObject()) return TokenUsage.NONE;
    long input = anthropicUsage.path("input_tokens").asLong(0);
    long cacheRead = anthropicUsage.path("cache_read_input_tokens").asLong(0);
    long cacheWrite = anthropicUsage.path("cache_creation_input_tokens").asLong(0);
    long output = anthropicUsage.path("output_tokens").asLong(0);
    long prompt = input + cacheRead + cacheWrite;
    return new TokenUsage(prompt, output, prompt + output, cacheRead, cacheWrite, 0, false);
  }

  /** The OpenAI {@code usage} object for a usage. */
  public static ObjectNode openAiUsage(TokenUsage usage) {
    ObjectNode out = Json.object();
    out.put("prompt_tokens", usage.promptTokens());
    out.put("completion_tokens", usage.completionTokens());
    out.put("total_tokens", usage.totalTokens());
    out.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedTokens());
    return out;
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
    if (input == null || input.isNull()) return "{}";
    try {
      return Json.MAPPER.writeValueAsString(input);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e); // a tree always serialises
    }
  }
}
