package io.recllm.gateway.provider.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * OpenAI chat ⇄ Gemini {@code generateContent}, as pure functions: JSON in, JSON out, no I/O. Inputs
 * are never modified. Failures caused by the client's request are {@link GatewayException.InvalidRequest}
 * with {@code param} naming the field.
 *
 * <h2>Request fields (OpenAI → Gemini)</h2>
 * What happens to each top-level field is the table {@code GeminiFieldPolicy.POLICY}, rendered as
 * {@code docs/providers/gemini-fields.md}.
 *
 * <h2>Answers (Gemini → OpenAI)</h2>
 * One choice per candidate: text parts → {@code content}; thought parts → {@code reasoning_content}
 * and {@code reasoning_details} (with every {@code thoughtSignature}, see {@link GeminiReasoning});
 * {@code functionCall} parts → {@code tool_calls}, with Gemini's id or, as Gemini usually sends none,
 * one derived from the response id, the call's position, name and arguments ({@link #toolCallId}), so
 * the same answer always gets the same ids. Gemini reports STOP for a function call; the finish reason
 * is then {@code tool_calls}. A prompt Gemini blocked ({@code promptFeedback.blockReason}) is a 400
 * {@code content_filter} naming the reason.
 */
public final class GeminiMapper {

  private static final Map<String, String> FINISH_REASONS = Map.ofEntries(
      Map.entry("STOP", "stop"),
      Map.entry("MAX_TOKENS", "length"),
      Map.entry("SAFETY", "content_filter"),
      Map.entry("RECITATION", "content_filter"),
      Map.entry("BLOCKLIST", "content_filter"),
      Map.entry("PROHIBITED_CONTENT", "content_filter"),
      Map.entry("SPII", "content_filter"),
      Map.entry("IMAGE_SAFETY", "content_filter"),
      Map.entry("IMAGE_PROHIBITED_CONTENT", "content_filter"),
      Map.entry("IMAGE_RECITATION", "content_filter"),
      Map.entry("LANGUAGE", "content_filter"),
      Map.entry("MALFORMED_FUNCTION_CALL", "stop"),
      Map.entry("UNEXPECTED_TOOL_CALL", "stop"),
      Map.entry("TOO_MANY_TOOL_CALLS", "stop"),
      Map.entry("OTHER", "stop"),
      Map.entry("IMAGE_OTHER", "stop"),
      Map.entry("NO_IMAGE", "stop"),
      Map.entry("FINISH_REASON_UNSPECIFIED", "stop"));

  private GeminiMapper() {}

  /**
   * The Gemini request body for an OpenAI chat request.
   *
   * @param model the Gemini model name, provider prefix removed (it goes into the URL, not the body)
   * @throws GatewayException.InvalidRequest when the request cannot be expressed for Gemini
   */
  public static ObjectNode toGeminiRequest(ObjectNode openAiRequest, String model) {
    return new GeminiRequestMapper(openAiRequest).map(model);
  }

  /**
   * An OpenAI {@code chat.completion} for a Gemini answer. Gemini sends no timestamp, hence
   * {@code createdEpochSeconds}; {@code model} is used when the answer names no {@code modelVersion}.
   *
   * @throws GatewayException.UpstreamRejected 400 {@code content_filter} for a blocked prompt
   * @throws GatewayException.ProviderFailure when the body is not a Gemini answer at all
   */
  public static ObjectNode fromGeminiResponse(ObjectNode response, String model, long createdEpochSeconds) {
    JsonNode candidates = response.path("candidates");
    if (!candidates.isArray() || candidates.isEmpty()) {
      GatewayException blocked = blockedPrompt(response);
      if (blocked != null) throw blocked;
      throw new GatewayException.ProviderFailure("bad_upstream_response",
          "Gemini answered without any candidate" + GeminiErrors.describe(response.toString()), 200, false, null);
    }
    String responseId = response.path("responseId").asText("");
    ObjectNode out = Json.object();
    out.put("id", responseId.isEmpty() ? "chatcmpl-" + digest(response.toString()) : responseId);
    out.put("object", "chat.completion");
    out.put("created", createdEpochSeconds);
    out.put("model", response.path("modelVersion").asText(model));
    ArrayNode choices = out.putArray("choices");
    for (int c = 0; c < candidates.size(); c++) {
      JsonNode candidate = candidates.get(c);
      int index = candidate.path("index").asInt(c);
      choices.add(choice(candidate, index, responseId));
    }
    out.set("usage", openAiUsage(usageOf(response.get("usageMetadata"))));
    return out;
  }

  private static ObjectNode choice(JsonNode candidate, int index, String responseId) {
    StringBuilder text = null;
    StringBuilder reasoning = null;
    ArrayNode toolCalls = Json.MAPPER.createArrayNode();
    GeminiReasoning details = new GeminiReasoning();
    List<ObjectNode> fragments = new ArrayList<>();
    for (JsonNode part : candidate.path("content").path("parts")) {
      String callId = null;
      if (part.has("functionCall")) {
        JsonNode fc = part.get("functionCall");
        callId = toolCallId(fc, responseId, index, toolCalls.size());
        ObjectNode call = toolCalls.addObject();
        call.put("id", callId);
        call.put("type", "function");
        call.putObject("function").put("name", fc.path("name").asText("")).put("arguments", compact(fc.get("args")));
      } else if (part.path("thought").asBoolean(false)) {
        if (reasoning == null) reasoning = new StringBuilder();
        reasoning.append(part.path("text").asText(""));
      } else if (part.has("text")) {
        if (text == null) text = new StringBuilder();
        text.append(part.get("text").asText(""));
      }
      fragments.addAll(details.fragments(part, callId));
    }
    ObjectNode choice = Json.object();
    choice.put("index", index);
    ObjectNode msg = choice.putObject("message");
    msg.put("role", "assistant");
    if (text == null) msg.putNull("content");
    else msg.put("content", text.toString());
    if (reasoning != null) msg.put("reasoning_content", reasoning.toString());
    if (!fragments.isEmpty()) msg.set("reasoning_details", GeminiReasoning.merge(fragments));
    if (!toolCalls.isEmpty()) msg.set("tool_calls", toolCalls);
    choice.putNull("logprobs");
    String reason = candidate.path("finishReason").asText(null);
    choice.put("finish_reason", finishReason(reason, !toolCalls.isEmpty()));
    return choice;
  }

  /** {@link #fromGeminiResponse} plus its usage, as the {@code LlmClient} SPI returns it. */
  public static ChatResult toChatResult(ObjectNode response, String model, long createdEpochSeconds) {
    return new ChatResult(fromGeminiResponse(response, model, createdEpochSeconds),
        usageOf(response.get("usageMetadata")), null);
  }

  /**
   * The 400 for a prompt Gemini refused to answer, or null when it was not blocked. The reason and
   * the categories rated likely harmful are named, so the caller can tell what to change.
   */
  static GatewayException blockedPrompt(JsonNode response) {
    JsonNode feedback = response.path("promptFeedback");
    String reason = feedback.path("blockReason").asText("");
    if (reason.isEmpty()) return null;
    StringBuilder message = new StringBuilder("Gemini blocked the prompt (blockReason ").append(reason).append(')');
    String detail = feedback.path("blockReasonMessage").asText("");
    if (!detail.isEmpty()) message.append(": ").append(detail);
    List<String> rated = new ArrayList<>();
    for (JsonNode r : feedback.path("safetyRatings")) {
      String p = r.path("probability").asText("");
      if (r.path("blocked").asBoolean(false) || p.equals("HIGH") || p.equals("MEDIUM")) {
        rated.add(r.path("category").asText("?") + " " + p);
      }
    }
    if (!rated.isEmpty()) message.append("; safety ratings: ").append(String.join(", ", rated));
    return new GatewayException.UpstreamRejected(400, "invalid_request_error", "content_filter", "messages",
        message.toString());
  }

  /**
   * Gemini usage in OpenAI terms. OpenAI counts reasoning inside {@code completion_tokens}, Gemini
   * apart ({@code thoughtsTokenCount}), and bills it as output, so both are added; tokens of tool
   * results Gemini fetched itself ({@code toolUsePromptTokenCount}) are prompt tokens. Then prompt plus
   * completion is Gemini's own total.
   */
  public static TokenUsage usageOf(JsonNode usage) {
    if (usage == null || !usage.isObject()) return TokenUsage.NONE;
    long prompt = usage.path("promptTokenCount").asLong(0) + usage.path("toolUsePromptTokenCount").asLong(0);
    long thoughts = usage.path("thoughtsTokenCount").asLong(0);
    long completion = usage.path("candidatesTokenCount").asLong(0) + thoughts;
    long total = usage.has("totalTokenCount") ? Math.max(usage.path("totalTokenCount").asLong(0), prompt + completion)
        : prompt + completion;
    return new TokenUsage(prompt, completion, total, usage.path("cachedContentTokenCount").asLong(0), 0, thoughts, false);
  }

  /** The OpenAI {@code usage} object for a usage. */
  public static ObjectNode openAiUsage(TokenUsage usage) {
    ObjectNode out = Json.object();
    out.put("prompt_tokens", usage.promptTokens());
    out.put("completion_tokens", usage.completionTokens());
    out.put("total_tokens", usage.totalTokens());
    out.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedTokens());
    out.putObject("completion_tokens_details").put("reasoning_tokens", usage.reasoningTokens());
    return out;
  }

  /**
   * Gemini {@code finishReason} → OpenAI {@code finish_reason}, for a candidate without function calls.
   * Unknown or missing reasons map to "stop" so a new upstream value never breaks a client; see
   * {@link #isKnownFinishReason} to count them.
   */
  public static String finishReason(String reason) {
    return reason == null ? "stop" : FINISH_REASONS.getOrDefault(reason, "stop");
  }

  /** As {@link #finishReason(String)}; a candidate that called functions and stopped normally says {@code tool_calls}. */
  static String finishReason(String reason, boolean calledFunctions) {
    return calledFunctions && (reason == null || reason.equals("STOP")) ? "tool_calls" : finishReason(reason);
  }

  public static boolean isKnownFinishReason(String reason) {
    return reason != null && FINISH_REASONS.containsKey(reason);
  }

  /**
   * The OpenAI id of a function call: Gemini's own when it sent one, else {@code call_} and 24 hex
   * digits of a hash of the response id, the candidate, the call's position and its content. The same
   * answer, streamed or not, always gets the same ids; the request mapper sends them back as the
   * {@code id} of the functionCall and its functionResponse.
   */
  static String toolCallId(JsonNode functionCall, String responseId, int candidate, int ordinal) {
    String id = functionCall.path("id").asText("");
    if (!id.isEmpty()) return id;
    return "call_" + digest(responseId + "\n" + candidate + "\n" + ordinal + "\n"
        + functionCall.path("name").asText("") + "\n" + compact(functionCall.get("args")));
  }

  private static String digest(String text) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JDK has SHA-256
    }
  }

  static String compact(JsonNode args) {
    if (args == null || args.isNull()) return "{}";
    try {
      return Json.MAPPER.writeValueAsString(args);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e); // a tree always serialises
    }
  }
}
