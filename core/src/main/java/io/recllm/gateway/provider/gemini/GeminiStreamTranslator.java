package io.recllm.gateway.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChunkTranslator;
import io.recllm.gateway.provider.OpenAiJson;
import io.recllm.gateway.provider.SseEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Gemini {@code streamGenerateContent?alt=sse} events → OpenAI {@code chat.completion.chunk} objects,
 * for one stream. Feed every {@link SseEvent} to {@link #onEvent} in order and call {@link #onEnd} when
 * the upstream closes; send the returned chunks in order. Not thread-safe.
 *
 * <p>Each Gemini event is a whole {@code GenerateContentResponse} holding only the new parts. What
 * comes out, per candidate (one choice each): a first chunk with {@code delta: {role: "assistant",
 * content: ""}}; text → {@code content}; thought text → {@code reasoning_content} together with a
 * {@code reasoning_details} fragment; a {@code thoughtSignature} → a {@code reasoning_details} fragment
 * (see {@link GeminiReasoning}); a {@code functionCall} (Gemini sends it whole) → one tool call with id,
 * name and all its arguments, ids as in {@link GeminiMapper#toolCallId}; its {@code finishReason} → a
 * chunk with an empty delta and the mapped finish reason. Gemini sends no end marker: the body ends.
 * Then the usage chunk ({@code choices: []}) follows, from the last {@code usageMetadata} (counts are
 * cumulative and the last is authoritative). The caller drops it unless the client asked for
 * {@code stream_options.include_usage}.
 *
 * <p>Failures are thrown as {@link GatewayException}: a blocked prompt → the 400 of
 * {@link GeminiMapper#blockedPrompt}; an {@code error} object → {@link GeminiErrors#fromStreamError}; an
 * event that is not a JSON object → ProviderFailure {@code bad_upstream_event}; the body ending before
 * every candidate had its finish reason → the 502 {@code upstream_truncated} from {@link #onEnd}. Once
 * failed or finished, further calls return nothing; {@link #usage()} stays readable throughout.
 */
public final class GeminiStreamTranslator implements ChunkTranslator {

  /** Per candidate (choice) state. */
  private static final class Candidate {
    final GeminiReasoning reasoning = new GeminiReasoning();
    int toolCalls;
    String finishReason;
  }

  private final String requestedModel;
  private final long created;
  private String responseId;
  private String model;
  private boolean started;
  private boolean finished;
  private boolean failed;
  private final TreeMap<Integer, Candidate> candidates = new TreeMap<>();
  private TokenUsage usage = TokenUsage.NONE;

  /**
   * @param model the requested model, used until Gemini names its {@code modelVersion}
   * @param createdEpochSeconds the {@code created} of every chunk (Gemini sends no timestamp)
   */
  public GeminiStreamTranslator(String model, long createdEpochSeconds) {
    this.requestedModel = model;
    this.created = createdEpochSeconds;
  }

  /**
   * The chunks for one upstream event, possibly none.
   *
   * @throws GatewayException for a blocked prompt, an in-stream error or an unreadable event
   */
  @Override
  public List<ObjectNode> onEvent(SseEvent event) {
    if (finished || failed) return List.of();
    JsonNode data = parse(event);
    if (data.has("error")) {
      failed = true;
      throw GeminiErrors.fromStreamError(event.data());
    }
    if (data.has("usageMetadata")) usage = GeminiMapper.usageOf(data.get("usageMetadata"));
    JsonNode list = data.path("candidates");
    if (!list.isArray() || list.isEmpty()) {
      GatewayException blocked = GeminiMapper.blockedPrompt(data);
      if (blocked != null) {
        failed = true;
        throw blocked;
      }
      return List.of(); // a usage-only event
    }
    if (!started) {
      started = true;
      responseId = data.path("responseId").asText("");
    }
    if (data.hasNonNull("modelVersion")) model = data.get("modelVersion").asText();
    List<ObjectNode> out = new ArrayList<>();
    for (int c = 0; c < list.size(); c++) {
      JsonNode candidate = list.get(c);
      int index = candidate.path("index").asInt(c);
      Candidate state = candidates.get(index);
      if (state == null) {
        state = new Candidate();
        candidates.put(index, state);
        out.add(chunk(index, Json.object().put("role", "assistant").put("content", ""), null));
      }
      if (state.finishReason != null) continue; // nothing may follow a candidate's end
      for (JsonNode part : candidate.path("content").path("parts")) part(index, state, part, out);
      String reason = candidate.path("finishReason").asText(null);
      if (reason != null) {
        state.finishReason = reason;
        out.add(chunk(index, Json.object(), GeminiMapper.finishReason(reason, state.toolCalls > 0)));
      }
    }
    return out;
  }

  private void part(int index, Candidate state, JsonNode part, List<ObjectNode> out) {
    String callId = null;
    ObjectNode delta = Json.object();
    if (part.has("functionCall")) {
      JsonNode fc = part.get("functionCall");
      callId = GeminiMapper.toolCallId(fc, responseId, index, state.toolCalls);
      ObjectNode call = Json.object();
      call.put("index", state.toolCalls++);
      call.put("id", callId);
      call.put("type", "function");
      call.putObject("function").put("name", fc.path("name").asText("")).put("arguments", GeminiMapper.compact(fc.get("args")));
      delta.putArray("tool_calls").add(call);
    } else if (part.path("thought").asBoolean(false)) {
      String text = part.path("text").asText("");
      if (!text.isEmpty()) delta.put("reasoning_content", text);
    } else if (part.has("text")) {
      String text = part.get("text").asText("");
      if (!text.isEmpty()) delta.put("content", text);
    }
    List<ObjectNode> fragments = state.reasoning.fragments(part, callId);
    if (!fragments.isEmpty()) {
      ArrayNode details = delta.putArray("reasoning_details");
      fragments.forEach(details::add);
    }
    if (!delta.isEmpty()) out.add(chunk(index, delta, null));
  }

  /**
   * The upstream closed: the usage chunk when every candidate finished.
   *
   * @throws GatewayException.ProviderFailure {@code upstream_truncated} (502) when it closed before that
   */
  @Override
  public List<ObjectNode> onEnd() {
    if (finished || failed) return List.of();
    boolean complete = started && candidates.values().stream().allMatch(c -> c.finishReason != null);
    if (!complete) {
      failed = true;
      throw GatewayException.ProviderFailure.truncated(started
          ? "Gemini stream ended before the answer was finished (no finishReason)"
          : "Gemini stream ended without sending anything", !started);
    }
    finished = true;
    ObjectNode usageChunk = header();
    usageChunk.putArray("choices");
    usageChunk.set("usage", GeminiMapper.openAiUsage(usage));
    return List.of(usageChunk);
  }

  /** Usage so far, from the latest usageMetadata. */
  @Override
  public TokenUsage usage() {
    return usage;
  }

  /** False when a candidate ended for a reason {@link GeminiMapper} does not know. */
  @Override
  public boolean knownStopReason() {
    return candidates.values().stream().allMatch(c -> GeminiMapper.isKnownFinishReason(c.finishReason));
  }

  // ---- chunk shapes ---------------------------------------------------------------------------

  private ObjectNode chunk(int index, ObjectNode delta, String finishReason) {
    return OpenAiJson.chunk(chunkId(), created, chunkModel(), index, delta, finishReason);
  }

  private ObjectNode header() {
    return OpenAiJson.chunkHeader(chunkId(), created, chunkModel());
  }

  private String chunkId() {
    return responseId == null || responseId.isEmpty() ? "chatcmpl-gemini" : responseId;
  }

  private String chunkModel() {
    return model != null ? model : requestedModel;
  }

  private JsonNode parse(SseEvent event) {
    String data = event.data();
    try {
      JsonNode node = data == null || data.isBlank() ? null : Json.MAPPER.readTree(data);
      if (node != null && node.isObject()) return node;
    } catch (Exception e) {
      // reported below
    }
    failed = true;
    throw new GatewayException.ProviderFailure("bad_upstream_event", "Gemini stream sent an event that is not a JSON object: "
        + (data == null ? "" : data.substring(0, Math.min(data.length(), GeminiErrors.MAX_BODY_CHARS))), 200, false, null);
  }
}
