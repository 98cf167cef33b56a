package io.recllm.gateway.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.fuzz.Contracts;
import io.recllm.gateway.fuzz.Generators;
import io.recllm.gateway.fuzz.SeededCases;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.SseEvent;
import io.recllm.gateway.provider.SseParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generated Anthropic answers (text, thinking, client tool calls, blocks an OpenAI client cannot use,
 * any stop reason and usage) mapped to OpenAI: the non-streaming mapping keeps every text, tool call
 * and token count; and the same answer streamed, as Anthropic streams it (text and arguments in
 * arbitrary fragments, pings, bytes cut anywhere), translates to the same content, tool calls,
 * finish reason and usage.
 */
class AnthropicAnswerPropertiesTest {

  sealed interface Block permits Text, Thinking, ToolUse, Opaque {}

  record Text(String text) implements Block {}

  record Thinking(String thinking) implements Block {}

  record ToolUse(String id, String name, Map<String, Object> input) implements Block {}

  /** A server tool call or redacted thinking: Anthropic's own, nothing for an OpenAI client. */
  record Opaque(String type) implements Block {}

  record Answer(List<Block> blocks, String stopReason, long input, long cacheRead, long cacheWrite, long output,
                long seed) {

    ObjectNode message() {
      ObjectNode m = Json.object().put("id", "msg_prop").put("type", "message").put("role", "assistant")
          .put("model", "claude-prop");
      ArrayNode content = m.putArray("content");
      for (Block b : blocks) content.add(block(b, true));
      m.put("stop_reason", stopReason);
      m.putNull("stop_sequence");
      m.set("usage", usage(output));
      return m;
    }

    ObjectNode usage(long outputTokens) {
      return Json.object().put("input_tokens", input).put("cache_read_input_tokens", cacheRead)
          .put("cache_creation_input_tokens", cacheWrite).put("output_tokens", outputTokens);
    }

    /** The answer as Anthropic's event stream, text and arguments cut into fragments. */
    String sse() {
      Random random = new Random(seed);
      StringBuilder out = new StringBuilder();
      ObjectNode start = message();
      start.putArray("content");
      start.putNull("stop_reason");
      start.set("usage", usage(1));
      event(out, Json.object().put("type", "message_start").set("message", start));
      for (int i = 0; i < blocks.size(); i++) {
        Block b = blocks.get(i);
        int index = i;
        if (random.nextInt(4) == 0) event(out, Json.object().put("type", "ping"));
        event(out, Json.object().put("type", "content_block_start").put("index", i).set("content_block", block(b, false)));
        if (b instanceof Text t) {
          fragments(t.text(), random).forEach(f -> delta(out, index, Json.object().put("type", "text_delta").put("text", f)));
        } else if (b instanceof Thinking t) {
          fragments(t.thinking(), random).forEach(f -> delta(out, index, Json.object().put("type", "thinking_delta").put("thinking", f)));
          delta(out, index, Json.object().put("type", "signature_delta").put("signature", "c2ln"));
        } else if (b instanceof ToolUse t && !t.input().isEmpty()) {
          fragments(AnthropicMapper.compact(Json.MAPPER.valueToTree(t.input())), random)
              .forEach(f -> delta(out, index, Json.object().put("type", "input_json_delta").put("partial_json", f)));
        }
        event(out, Json.object().put("type", "content_block_stop").put("index", i));
      }
      ObjectNode delta = Json.object().put("type", "message_delta");
      delta.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
      delta.putObject("usage").put("output_tokens", output);
      event(out, delta);
      event(out, Json.object().put("type", "message_stop"));
      return out.toString();
    }

    private static ObjectNode block(Block b, boolean complete) {
      if (b instanceof Text t) return Json.object().put("type", "text").put("text", complete ? t.text() : "");
      if (b instanceof Thinking t) {
        return Json.object().put("type", "thinking").put("thinking", complete ? t.thinking() : "")
            .put("signature", complete ? "c2ln" : "");
      }
      if (b instanceof ToolUse t) {
        ObjectNode o = Json.object().put("type", "tool_use").put("id", t.id()).put("name", t.name());
        o.set("input", complete ? Json.MAPPER.valueToTree(t.input()) : Json.object());
        return o;
      }
      if (((Opaque) b).type().equals("redacted_thinking")) {
        return Json.object().put("type", "redacted_thinking").put("data", "b3BhcXVl");
      }
      ObjectNode o = Json.object().put("type", "server_tool_use").put("id", "srvtoolu_1").put("name", "web_search");
      o.putObject("input").put("query", "q");
      return o;
    }

    /** Text cut at code point boundaries into 1..4 pieces (possibly empty ones). */
    private static List<String> fragments(String text, Random random) {
      int points = text.codePointCount(0, text.length());
      int pieces = 1 + random.nextInt(4);
      List<Integer> cuts = new ArrayList<>();
      for (int i = 1; i < pieces; i++) cuts.add(random.nextInt(points + 1));
      cuts.sort(null);
      List<String> out = new ArrayList<>();
      int from = 0;
      for (int cut : cuts) {
        out.add(text.substring(text.offsetByCodePoints(0, from), text.offsetByCodePoints(0, cut)));
        from = cut;
      }
      out.add(text.substring(text.offsetByCodePoints(0, from)));
      return out;
    }

    private static void delta(StringBuilder out, int index, ObjectNode delta) {
      event(out, Json.object().put("type", "content_block_delta").put("index", index).set("delta", delta));
    }

    private static void event(StringBuilder out, ObjectNode data) {
      out.append("event: ").append(data.path("type").asText()).append('\n').append("data: ").append(data).append("\n\n");
    }
  }

  static final String[] STOP_REASONS = {"end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn",
      "refusal", "model_context_window_exceeded", "some_future_reason"};

  static Answer answer(Random random) {
    return new Answer(Generators.list(random, 0, 5, AnthropicAnswerPropertiesTest::block),
        Generators.oneOf(random, STOP_REASONS), tokens(random), tokens(random), tokens(random), tokens(random),
        Generators.anyLong(random));
  }

  static long tokens(Random random) {
    return Generators.longBetween(random, 0, 2_000_000);
  }

  static Block block(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> new Text(Generators.text(random, 30));
      case 1 -> new Thinking(Generators.text(random, 30));
      case 2 -> new ToolUse("toolu_" + Generators.identifier(random), Generators.identifier(random), input(random));
      default -> new Opaque(Generators.oneOf(random, "server_tool_use", "redacted_thinking"));
    };
  }

  static Map<String, Object> input(Random random) {
    Map<String, Object> out = new LinkedHashMap<>();
    int n = Generators.size(random, 0, 3);
    for (int i = 0; i < n; i++) {
      out.put(Generators.identifier(random), switch (random.nextInt(3)) {
        case 0 -> Generators.text(random, 10);
        case 1 -> Generators.anyLong(random);
        default -> random.nextBoolean();
      });
    }
    return out;
  }

  @Test
  void theMappedResponseKeepsTextToolCallsAndUsage() {
    SeededCases.check(300, AnthropicAnswerPropertiesTest::answer,
        AnthropicAnswerPropertiesTest::theMappedResponseKeepsTextToolCallsAndUsage);
  }

  static void theMappedResponseKeepsTextToolCallsAndUsage(Answer answer) {
    ObjectNode completion = AnthropicMapper.fromAnthropicResponse(answer.message(), 1);

    JsonNode message = completion.at("/choices/0/message");
    List<String> texts = answer.blocks().stream().filter(b -> b instanceof Text).map(b -> ((Text) b).text()).toList();
    if (texts.isEmpty()) assertThat(message.get("content").isNull()).isTrue();
    else assertThat(message.get("content").asText()).isEqualTo(String.join("", texts));
    List<String> thoughts = answer.blocks().stream().filter(b -> b instanceof Thinking).map(b -> ((Thinking) b).thinking()).toList();
    if (thoughts.isEmpty()) assertThat(message.has("reasoning_content")).isFalse();
    else assertThat(message.get("reasoning_content").asText()).isEqualTo(String.join("", thoughts));
    List<ToolUse> tools = answer.blocks().stream().filter(b -> b instanceof ToolUse).map(b -> (ToolUse) b).toList();
    JsonNode calls = message.path("tool_calls");
    assertThat(calls.size()).isEqualTo(tools.size());
    for (int i = 0; i < tools.size(); i++) {
      assertThat(calls.get(i).path("id").asText()).isEqualTo(tools.get(i).id());
      assertThat(calls.get(i).at("/function/name").asText()).isEqualTo(tools.get(i).name());
      assertThat(parse(calls.get(i).at("/function/arguments").asText()))
          .isEqualTo(parse(AnthropicMapper.compact(Json.MAPPER.valueToTree(tools.get(i).input()))));
    }
    assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo(AnthropicMapper.finishReason(answer.stopReason()));
    long prompt = answer.input() + answer.cacheRead() + answer.cacheWrite();
    JsonNode usage = completion.get("usage");
    assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(prompt);
    assertThat(usage.path("completion_tokens").asLong()).isEqualTo(answer.output());
    assertThat(usage.path("total_tokens").asLong()).isEqualTo(prompt + answer.output());
    assertThat(usage.at("/prompt_tokens_details/cached_tokens").asLong()).isEqualTo(answer.cacheRead());
  }

  @Test
  void theStreamTranslatesToWhatTheNonStreamingMappingGives() {
    SeededCases.check(300, AnthropicAnswerPropertiesTest::answer,
        AnthropicAnswerPropertiesTest::theStreamTranslatesToWhatTheNonStreamingMappingGives);
  }

  static void theStreamTranslatesToWhatTheNonStreamingMappingGives(Answer answer) {
    ObjectNode completion = AnthropicMapper.fromAnthropicResponse(answer.message(), 1);

    byte[] bytes = answer.sse().getBytes(StandardCharsets.UTF_8);
    List<SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    Random random = new Random(answer.seed());
    for (int from = 0; from < bytes.length; ) { // network reads of any size, cutting characters and lines
      int n = Math.min(bytes.length - from, random.nextInt(64));
      parser.feed(bytes, from, n);
      from += n;
    }
    parser.end();
    AnthropicStreamTranslator translator = new AnthropicStreamTranslator(1);
    List<ObjectNode> chunks = new ArrayList<>();
    events.forEach(e -> chunks.addAll(translator.onEvent(e)));
    chunks.addAll(translator.onEnd());
    assertThat(translator.isFinished()).isTrue();

    StringBuilder content = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    Map<Integer, ObjectNode> calls = new LinkedHashMap<>();
    String finishReason = null;
    JsonNode usage = null;
    for (ObjectNode chunk : chunks) {
      if (chunk.has("usage")) usage = chunk.get("usage");
      JsonNode choice = chunk.path("choices").path(0);
      if (choice.isMissingNode()) continue;
      if (!choice.path("finish_reason").isNull()) finishReason = choice.path("finish_reason").asText();
      JsonNode delta = choice.path("delta");
      content.append(delta.path("content").asText(""));
      reasoning.append(delta.path("reasoning_content").asText(""));
      for (JsonNode call : delta.path("tool_calls")) {
        ObjectNode merged = calls.computeIfAbsent(call.path("index").asInt(), i -> {
          ObjectNode c = Json.object().put("id", call.path("id").asText()).put("type", "function");
          c.putObject("function").put("name", call.at("/function/name").asText()).put("arguments", "");
          return c;
        });
        ObjectNode function = (ObjectNode) merged.get("function");
        function.put("arguments", function.path("arguments").asText() + call.at("/function/arguments").asText(""));
      }
    }

    JsonNode message = completion.at("/choices/0/message");
    assertThat(content.toString()).isEqualTo(message.path("content").asText(""));
    assertThat(reasoning.toString()).isEqualTo(message.path("reasoning_content").asText(""));
    JsonNode expectedCalls = message.path("tool_calls");
    assertThat(calls).hasSize(expectedCalls.size());
    int i = 0;
    for (ObjectNode call : calls.values()) {
      JsonNode expected = expectedCalls.get(i++);
      assertThat(call.path("id").asText()).isEqualTo(expected.path("id").asText());
      assertThat(call.at("/function/name").asText()).isEqualTo(expected.at("/function/name").asText());
      assertThat(parse(call.at("/function/arguments").asText())).isEqualTo(parse(expected.at("/function/arguments").asText()));
    }
    assertThat(finishReason).isEqualTo(completion.at("/choices/0/finish_reason").asText());
    assertThat(usage).isEqualTo(completion.get("usage"));
    assertThat(translator.usage()).isEqualTo(AnthropicMapper.usageOf(answer.message().get("usage")));
  }

  private static JsonNode parse(String json) {
    return Contracts.jsonOrNull(json.getBytes(StandardCharsets.UTF_8));
  }
}
