package io.recllm.gateway.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.OpenAiJson;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;

/**
 * ConverseStream messages (already framed and CRC-checked by {@link BedrockStreamDecoder}) → OpenAI
 * {@code chat.completion.chunk} objects, for one stream. Feed every message to {@link #onMessage} in
 * order and call {@link #onEnd} when the body ends. Not thread-safe.
 *
 * <p>What comes out: {@code messageStart} → {@code delta: {role: "assistant", content: ""}}; text deltas
 * → {@code content}; each {@code toolUse} block → one tool call whose {@code index} counts tool blocks
 * only, first with id, type, name and {@code arguments: ""} (from {@code contentBlockStart}), then the
 * argument fragments (a call without arguments gets {@code "{}"} when its block stops); Claude's
 * {@code reasoningContent} → {@code reasoning_content} text plus {@code reasoning_details} fragments
 * (text, then its signature; redacted thinking as {@code reasoning.encrypted}); {@code messageStop} → a
 * chunk with the mapped {@code finish_reason}; {@code metadata} → the usage chunk ({@code choices: []}).
 * The usage chunk always comes when Bedrock sends usage; the caller drops it unless the client asked.
 *
 * <p>Failures are thrown as {@link GatewayException}: an {@code exception} message → the exception
 * {@link BedrockErrors#fromStreamException} gives; something that is not ConverseStream → ProviderFailure
 * {@code bad_upstream_event}; a body that ends before {@code messageStop} → the 502 {@code upstream_truncated}
 * from {@link #onEnd} (a stream that ends after {@code messageStop} without {@code metadata} is complete,
 * and its usage is left to the gateway's estimate). Once failed or finished, further calls return nothing.
 */
public final class BedrockStreamTranslator {

  private static final class ToolBlock {
    final int toolIndex;
    boolean sentArguments;

    ToolBlock(int toolIndex) {
      this.toolIndex = toolIndex;
    }
  }

  private final String id;
  private final String model;
  private final long created;
  private boolean started;
  private boolean stopped;
  private boolean finished;
  private boolean failed;
  private String stopReason;
  private TokenUsage usage;
  private final Map<Integer, ToolBlock> toolsByBlock = new HashMap<>();
  private int nextToolIndex;
  private final Map<Integer, Integer> reasoningByBlock = new HashMap<>();

  /**
   * @param id the {@code id} of every chunk (Converse sends none)
   * @param model the {@code model} of every chunk: the model id the call was made with
   */
  public BedrockStreamTranslator(String id, String model, long createdEpochSeconds) {
    this.id = id;
    this.model = model;
    this.created = createdEpochSeconds;
  }

  /**
   * The chunks for one event-stream message, possibly none.
   *
   * @throws GatewayException for an in-stream exception or a message that is not ConverseStream's
   */
  public List<ObjectNode> onMessage(Message message) {
    if (finished || failed) return List.of();
    String messageType = header(message, ":message-type");
    if ("exception".equals(messageType)) {
      failed = true;
      throw BedrockErrors.fromStreamException(header(message, ":exception-type"), payloadText(message));
    }
    if ("error".equals(messageType)) {
      failed = true;
      String code = header(message, ":error-code");
      String text = header(message, ":error-message");
      throw new GatewayException.ProviderFailure("upstream_stream_error", "Bedrock ended the stream with an error"
          + (code != null ? " " + code : "") + (text != null ? ": " + text : ""), 200, true, null);
    }
    if (!"event".equals(messageType)) return List.of(); // not data for this stream
    String type = header(message, ":event-type");
    JsonNode data = parse(message, type);
    if ("messageStart".equals(type)) return messageStart();
    if (!started) throw fail("Bedrock stream sent '" + type + "' before messageStart");
    if (type == null) return List.of();
    switch (type) {
      case "contentBlockStart":
        return blockStart(data.path("contentBlockIndex").asInt(-1), data.path("start"));
      case "contentBlockDelta":
        return blockDelta(data.path("contentBlockIndex").asInt(-1), data.path("delta"));
      case "contentBlockStop":
        return blockStop(data.path("contentBlockIndex").asInt(-1));
      case "messageStop":
        if (stopped) return List.of();
        stopped = true;
        stopReason = data.path("stopReason").asText(null);
        return List.of(chunk(Json.object(), BedrockMapper.finishReason(stopReason)));
      case "metadata":
        finished = true;
        usage = BedrockMapper.usageOf(data.get("usage"));
        ObjectNode usageChunk = header();
        usageChunk.putArray("choices");
        usageChunk.set("usage", OpenAiJson.usage(usage));
        return List.of(usageChunk);
      default:
        return List.of(); // Bedrock may add event types; unknown ones carry nothing we can map
    }
  }

  /**
   * The body ended. Complete when Bedrock said how the message ended.
   *
   * @throws GatewayException.ProviderFailure {@code upstream_truncated} (502) otherwise
   */
  public List<ObjectNode> onEnd() {
    if (finished || failed) return List.of();
    if (stopped) {
      finished = true;
      return List.of();
    }
    failed = true;
    throw GatewayException.ProviderFailure.truncated(started
        ? "Bedrock stream ended before the message was finished"
        : "Bedrock stream ended before it started", !started);
  }

  /** Usage from the metadata event, or null before it (the gateway then estimates). */
  public TokenUsage usage() {
    return usage;
  }

  /** Bedrock's own stop reason once sent, for counting unknown ones. */
  public String stopReason() {
    return stopReason;
  }

  public boolean isFinished() {
    return finished;
  }

  // ---- events ---------------------------------------------------------------------------------

  private List<ObjectNode> messageStart() {
    if (started) return List.of(); // a repeated start would restart the client's message
    started = true;
    return List.of(chunk(Json.object().put("role", "assistant").put("content", ""), null));
  }

  private List<ObjectNode> blockStart(int block, JsonNode start) {
    JsonNode use = start.get("toolUse");
    if (use == null || !use.isObject()) return List.of();
    ToolBlock tool = new ToolBlock(nextToolIndex++);
    toolsByBlock.put(block, tool);
    ObjectNode call = Json.object();
    call.put("index", tool.toolIndex);
    call.put("id", use.path("toolUseId").asText(""));
    call.put("type", "function");
    call.putObject("function").put("name", use.path("name").asText("")).put("arguments", "");
    return List.of(toolChunk(call));
  }

  private List<ObjectNode> blockDelta(int block, JsonNode delta) {
    JsonNode text = delta.get("text");
    if (text != null) {
      String t = text.asText("");
      return t.isEmpty() ? List.of() : List.of(chunk(Json.object().put("content", t), null));
    }
    JsonNode use = delta.get("toolUse");
    if (use != null) {
      ToolBlock tool = toolsByBlock.get(block);
      String fragment = use.path("input").asText("");
      if (tool == null || fragment.isEmpty()) return List.of();
      tool.sentArguments = true;
      return List.of(argumentsChunk(tool, fragment));
    }
    JsonNode reasoning = delta.get("reasoningContent");
    if (reasoning != null && reasoning.isObject()) return reasoningDelta(block, reasoning);
    return List.of(); // citations, tool results of server tools: no OpenAI counterpart
  }

  private List<ObjectNode> reasoningDelta(int block, JsonNode reasoning) {
    int index = reasoningByBlock.computeIfAbsent(block, b -> reasoningByBlock.size());
    ObjectNode delta = Json.object();
    ObjectNode detail;
    if (reasoning.hasNonNull("text")) {
      String t = reasoning.get("text").asText();
      if (t.isEmpty()) return List.of();
      delta.put("reasoning_content", t);
      detail = BedrockReasoning.textFragment(t, index);
    } else if (reasoning.hasNonNull("signature")) {
      detail = BedrockReasoning.signatureFragment(reasoning.get("signature").asText(), index);
    } else if (reasoning.hasNonNull("redactedContent")) {
      detail = BedrockReasoning.encrypted(reasoning.get("redactedContent").asText(), index);
    } else {
      return List.of();
    }
    ArrayNode details = delta.putArray("reasoning_details");
    details.add(detail);
    return List.of(chunk(delta, null));
  }

  private List<ObjectNode> blockStop(int block) {
    ToolBlock tool = toolsByBlock.get(block);
    if (tool == null || tool.sentArguments) return List.of();
    tool.sentArguments = true;
    // a call without parameters streams no input at all; "" would not parse on the client
    return List.of(argumentsChunk(tool, "{}"));
  }

  // ---- chunk shapes ---------------------------------------------------------------------------

  private ObjectNode argumentsChunk(ToolBlock tool, String fragment) {
    return toolChunk(OpenAiJson.toolArgumentsPiece(tool.toolIndex, fragment));
  }

  private ObjectNode toolChunk(ObjectNode call) {
    return chunk(OpenAiJson.toolCallDelta(call), null);
  }

  private ObjectNode chunk(ObjectNode delta, String finishReason) {
    return OpenAiJson.chunk(id, created, model, 0, delta, finishReason);
  }

  private ObjectNode header() {
    return OpenAiJson.chunkHeader(id, created, model);
  }

  private static String header(Message message, String name) {
    HeaderValue v = message.getHeaders().get(name);
    if (v == null) return null;
    try {
      return v.getString();
    } catch (IllegalStateException e) {
      return null; // not a string header: not one of ConverseStream's
    }
  }

  private static String payloadText(Message message) {
    return new String(message.getPayload(), StandardCharsets.UTF_8);
  }

  private JsonNode parse(Message message, String type) {
    byte[] payload = message.getPayload();
    try {
      JsonNode node = payload.length == 0 ? null : Json.MAPPER.readTree(payload);
      if (node != null && node.isObject()) return node;
    } catch (Exception e) {
      // reported below
    }
    String text = payloadText(message);
    throw fail("Bedrock stream sent a '" + type + "' event that is not a JSON object: "
        + text.substring(0, Math.min(text.length(), BedrockErrors.MAX_BODY_CHARS)));
  }

  private GatewayException fail(String message) {
    failed = true;
    return new GatewayException.ProviderFailure("bad_upstream_event", message, 200, false, null);
  }
}
