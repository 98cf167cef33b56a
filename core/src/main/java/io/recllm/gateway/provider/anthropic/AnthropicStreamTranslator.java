package io.recllm.gateway.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChunkTranslator;
import io.recllm.gateway.provider.OpenAiJson;
import io.recllm.gateway.provider.SseEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Anthropic Messages stream events → OpenAI {@code chat.completion.chunk} objects, for one stream.
 * Feed every {@link SseEvent} to {@link #onEvent} in order and call {@link #onEnd} when the upstream
 * closes; send the returned chunks in order. Not thread-safe.
 *
 * <p>What comes out: {@code message_start} → a chunk with {@code delta: {role: "assistant", content: ""}};
 * text deltas → {@code content}; thinking deltas → {@code reasoning_content} and a {@code reasoning_details}
 * piece ({@link AnthropicReasoning}), a signature and a redacted thinking block → a {@code reasoning_details}
 * piece of their own, all of one block with the same {@code index}; each
 * client {@code tool_use} block → one tool call whose {@code index} counts tool blocks only (0, 1, …),
 * first with id, type, name and {@code arguments: ""}, then argument fragments (an argument-less call
 * gets {@code "{}"} when its block closes, so clients can always parse it); server tool blocks
 * (Anthropic running a tool itself) produce nothing. At {@code message_stop}: a chunk with an empty
 * delta and the mapped {@code finish_reason}, then a usage chunk ({@code choices: []}, OpenAI usage).
 * The usage chunk always comes; the caller drops it unless the client asked for
 * {@code stream_options.include_usage}. No {@code [DONE]}: that is the HTTP layer's framing.
 *
 * <p>Failures are thrown as {@link GatewayException}: an Anthropic {@code error} event → the exception
 * {@link AnthropicErrors#fromStreamError} gives (e.g. ProviderFailure, code overloaded_error); a body
 * that is not Anthropic's event stream → ProviderFailure {@code bad_upstream_event}; the upstream closing
 * before it said how the message ended → the 502 ProviderFailure {@code upstream_truncated} from
 * {@link #onEnd}. Complete means {@code message_stop} was seen, or a {@code message_delta} with its
 * {@code stop_reason} before a clean close (the same rule as a {@code finish_reason} in OpenAI streams). Chunks returned before the failure stay valid; once failed or finished, further calls
 * return nothing. {@link #usage()} stays readable throughout, for accounting a cut-short stream.
 */
public final class AnthropicStreamTranslator implements ChunkTranslator {

  /** Per upstream content block that is a client tool call. */
  private static final class ToolBlock {
    final int toolIndex;
    final JsonNode startInput;
    boolean sentArguments;

    ToolBlock(int toolIndex, JsonNode startInput) {
      this.toolIndex = toolIndex;
      this.startInput = startInput;
    }
  }

  private final long created;
  private String messageId;
  private String model;
  private boolean started;
  private boolean finished;
  private boolean failed;
  private final Map<Integer, ToolBlock> toolsByBlockIndex = new HashMap<>();
  private int nextToolIndex;
  /** Upstream block index → its index among the message's thinking blocks ({@code reasoning_details}). */
  private final Map<Integer, Integer> reasoningByBlockIndex = new HashMap<>();
  private long inputTokens;
  private long cacheReadTokens;
  private long cacheWriteTokens;
  private long outputTokens;
  private String stopReason;

  /** @param createdEpochSeconds the {@code created} of every chunk (Anthropic sends no timestamp) */
  public AnthropicStreamTranslator(long createdEpochSeconds) {
    this.created = createdEpochSeconds;
  }

  /**
   * The chunks for one upstream event, possibly none.
   *
   * @throws GatewayException for an upstream {@code error} event or an unreadable stream
   */
  @Override
  public List<ObjectNode> onEvent(SseEvent event) {
    if (finished || failed) return List.of();
    JsonNode data = parse(event);
    String type = data.path("type").asText(event.event() == null ? "" : event.event());
    if (type.equals("error")) {
      failed = true;
      throw AnthropicErrors.fromStreamError(event.data());
    }
    if (type.equals("ping")) return List.of();
    if (type.equals("message_start")) return messageStart(data.path("message"));
    if (!started) {
      throw fail("Anthropic stream sent '" + type + "' before message_start");
    }
    switch (type) {
      case "content_block_start":
        return blockStart(data.path("index").asInt(-1), data.path("content_block"));
      case "content_block_delta":
        return blockDelta(data.path("index").asInt(-1), data.path("delta"));
      case "content_block_stop":
        return blockStop(data.path("index").asInt(-1));
      case "message_delta":
        stopReason = data.path("delta").path("stop_reason").asText(stopReason);
        readUsage(data.path("usage"));
        return List.of();
      case "message_stop":
        return finish();
      default:
        return List.of(); // Anthropic may add event types; unknown ones carry nothing we can map
    }
  }

  /**
   * The upstream closed. Normally nothing is left to send. If the stream ended after
   * {@code message_delta} but without {@code message_stop}, the ending is known and the final chunks
   * are returned; with no ending at all the stream was cut short.
   *
   * @throws GatewayException.ProviderFailure {@code upstream_truncated} (502) when the stream ended before
   *     Anthropic said how it ended
   */
  @Override
  public List<ObjectNode> onEnd() {
    if (finished || failed) return List.of();
    if (started && stopReason != null) return finish();
    failed = true;
    throw GatewayException.ProviderFailure.truncated(started
        ? "Anthropic stream ended before the message was finished"
        : "Anthropic stream ended before it started", !started);
  }

  /** Usage so far, in OpenAI terms: input and cache counts from message_start, the latest message_delta over them. */
  @Override
  public TokenUsage usage() {
    if (!started) return TokenUsage.NONE;
    long prompt = inputTokens + cacheReadTokens + cacheWriteTokens;
    return new TokenUsage(prompt, outputTokens, prompt + outputTokens, cacheReadTokens, cacheWriteTokens, 0, false);
  }

  /** The mapped finish reason once Anthropic sent one, else null. */
  public String finishReason() {
    return stopReason == null ? null : AnthropicMapper.finishReason(stopReason);
  }

  @Override
  public boolean knownStopReason() {
    return AnthropicMapper.isKnownStopReason(stopReason);
  }

  /** Anthropic's own stop reason, for counting unknown ones with {@link AnthropicMapper#isKnownStopReason}. */
  public String stopReason() {
    return stopReason;
  }

  /** The upstream message id (also every chunk's id), null before message_start. */
  public String messageId() {
    return messageId;
  }

  /** The model Anthropic says answered, null before message_start. */
  public String model() {
    return model;
  }

  /** True once the final chunks were returned. */
  public boolean isFinished() {
    return finished;
  }

  // ---- events ---------------------------------------------------------------------------------

  private List<ObjectNode> messageStart(JsonNode message) {
    if (started) return List.of(); // a repeated start would restart the client's message; ignore it
    started = true;
    messageId = message.path("id").asText("");
    model = message.path("model").asText("");
    readUsage(message.path("usage"));
    ObjectNode delta = Json.object().put("role", "assistant").put("content", "");
    return List.of(chunk(delta, null));
  }

  private List<ObjectNode> blockStart(int index, JsonNode block) {
    switch (block.path("type").asText("")) {
      case "text":
        return textDelta("content", block.path("text").asText(""));
      case "thinking": {
        int reasoning = reasoningIndex(index);
        String text = block.path("thinking").asText("");
        String signature = block.path("signature").asText("");
        if (text.isEmpty() && signature.isEmpty()) return List.of();
        return List.of(reasoningChunk(text, AnthropicReasoning.text(reasoning, text, signature.isEmpty() ? null : signature)));
      }
      case "redacted_thinking":
        return List.of(reasoningChunk("", AnthropicReasoning.encrypted(reasoningIndex(index), block.path("data").asText(""))));
      case "tool_use": {
        ToolBlock tool = new ToolBlock(nextToolIndex++, block.get("input"));
        toolsByBlockIndex.put(index, tool);
        ObjectNode call = Json.object();
        call.put("index", tool.toolIndex);
        call.put("id", block.path("id").asText(""));
        call.put("type", "function");
        call.putObject("function").put("name", block.path("name").asText("")).put("arguments", "");
        return List.of(toolChunk(call));
      }
      default:
        return List.of(); // server tools and their results run inside Anthropic
    }
  }

  private List<ObjectNode> blockDelta(int index, JsonNode delta) {
    switch (delta.path("type").asText("")) {
      case "text_delta":
        return textDelta("content", delta.path("text").asText(""));
      case "thinking_delta": {
        String text = delta.path("thinking").asText("");
        if (text.isEmpty()) return List.of();
        return List.of(reasoningChunk(text, AnthropicReasoning.text(reasoningIndex(index), text, null)));
      }
      case "signature_delta": {
        String signature = delta.path("signature").asText("");
        if (signature.isEmpty()) return List.of();
        return List.of(reasoningChunk("", AnthropicReasoning.text(reasoningIndex(index), null, signature)));
      }
      case "input_json_delta": {
        ToolBlock tool = toolsByBlockIndex.get(index);
        String fragment = delta.path("partial_json").asText("");
        if (tool == null || fragment.isEmpty()) return List.of();
        tool.sentArguments = true;
        return List.of(argumentsChunk(tool, fragment));
      }
      default:
        return List.of(); // citations_delta: no OpenAI counterpart
    }
  }

  private List<ObjectNode> blockStop(int index) {
    ToolBlock tool = toolsByBlockIndex.get(index);
    if (tool == null || tool.sentArguments) return List.of();
    tool.sentArguments = true;
    // A call without parameters streams no JSON at all; "" would not parse on the client.
    return List.of(argumentsChunk(tool, AnthropicMapper.compact(
        tool.startInput != null && tool.startInput.isObject() ? tool.startInput : Json.object())));
  }

  private List<ObjectNode> finish() {
    finished = true;
    List<ObjectNode> out = new ArrayList<>(2);
    out.add(chunk(Json.object(), AnthropicMapper.finishReason(stopReason)));
    ObjectNode usageChunk = header();
    usageChunk.putArray("choices");
    usageChunk.set("usage", AnthropicMapper.openAiUsage(usage()));
    out.add(usageChunk);
    return out;
  }

  /** Counts are cumulative; older message_delta events carry output_tokens only, so absent ones are kept. */
  private void readUsage(JsonNode usage) {
    inputTokens = count(usage, "input_tokens", inputTokens);
    cacheReadTokens = count(usage, "cache_read_input_tokens", cacheReadTokens);
    cacheWriteTokens = count(usage, "cache_creation_input_tokens", cacheWriteTokens);
    outputTokens = count(usage, "output_tokens", outputTokens);
  }

  private static long count(JsonNode usage, String field, long current) {
    JsonNode n = usage.path(field);
    return n.isNumber() ? n.asLong() : current;
  }

  // ---- chunk shapes ---------------------------------------------------------------------------

  private List<ObjectNode> textDelta(String field, String text) {
    if (text.isEmpty()) return List.of();
    return List.of(chunk(Json.object().put(field, text), null));
  }

  private int reasoningIndex(int blockIndex) {
    return reasoningByBlockIndex.computeIfAbsent(blockIndex, i -> reasoningByBlockIndex.size());
  }

  /** {@code reasoning_content} (when there is text) and the same piece as a {@code reasoning_details} entry. */
  private ObjectNode reasoningChunk(String text, ObjectNode detail) {
    ObjectNode delta = Json.object();
    if (!text.isEmpty()) delta.put("reasoning_content", text);
    delta.putArray("reasoning_details").add(detail);
    return chunk(delta, null);
  }

  private ObjectNode argumentsChunk(ToolBlock tool, String fragment) {
    return toolChunk(OpenAiJson.toolArgumentsPiece(tool.toolIndex, fragment));
  }

  private ObjectNode toolChunk(ObjectNode call) {
    return chunk(OpenAiJson.toolCallDelta(call), null);
  }

  private ObjectNode chunk(ObjectNode delta, String finishReason) {
    return OpenAiJson.chunk(messageId, created, model, 0, delta, finishReason);
  }

  private ObjectNode header() {
    return OpenAiJson.chunkHeader(messageId, created, model);
  }

  private JsonNode parse(SseEvent event) {
    String data = event.data();
    try {
      JsonNode node = data == null || data.isBlank() ? null : Json.MAPPER.readTree(data);
      if (node != null && node.isObject()) return node;
    } catch (Exception e) {
      // reported below
    }
    throw fail("Anthropic stream sent an event that is not a JSON object: "
        + (data == null ? "" : data.substring(0, Math.min(data.length(), AnthropicErrors.MAX_BODY_CHARS))));
  }

  private GatewayException fail(String message) {
    failed = true;
    return new GatewayException.ProviderFailure("bad_upstream_event", message, 200, false, null);
  }
}
