package io.recllm.gateway.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.fuzz.Contracts;
import io.recllm.gateway.fuzz.Generators;
import io.recllm.gateway.fuzz.SeededCases;
import io.recllm.gateway.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * OpenAI conversation → Anthropic request, for generated conversations of every role, text as a
 * string or as parts (empty ones included), assistant tool calls and tool results: every non-empty
 * text, every tool call (id, name, arguments) and every tool result (id, text) arrives, in order, on
 * the right side of the conversation; nothing else appears.
 */
class AnthropicRequestMappingPropertiesTest {

  sealed interface Message permits Instruction, User, Assistant, ToolResult {}

  record Instruction(String role, List<String> texts, boolean asParts) implements Message {}

  record User(List<String> texts, boolean asParts) implements Message {}

  record Assistant(List<String> texts, boolean asParts, List<Call> calls) implements Message {}

  record ToolResult(String callId, String text) implements Message {}

  record Call(String id, String name, Map<String, Object> arguments) {}

  static List<Message> conversation(Random random) {
    return Generators.list(random, 1, 8, AnthropicRequestMappingPropertiesTest::message);
  }

  static Message message(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> new Instruction(Generators.oneOf(random, "system", "developer"), texts(random), random.nextBoolean());
      case 1 -> new User(texts(random), random.nextBoolean());
      case 2 -> new Assistant(texts(random), random.nextBoolean(),
          Generators.list(random, 0, 3, r -> new Call(Generators.identifier(r), Generators.identifier(r), arguments(r))));
      default -> new ToolResult(Generators.identifier(random), text(random));
    };
  }

  static String text(Random random) {
    return random.nextBoolean() ? Generators.text(random, 20) : "";
  }

  static List<String> texts(Random random) {
    return Generators.list(random, 1, 3, AnthropicRequestMappingPropertiesTest::text);
  }

  static Map<String, Object> arguments(Random random) {
    Map<String, Object> out = new LinkedHashMap<>();
    int n = Generators.size(random, 0, 3);
    for (int i = 0; i < n; i++) out.put(Generators.identifier(random), argumentValue(random));
    return out;
  }

  static Object argumentValue(Random random) {
    return switch (random.nextInt(3)) {
      case 0 -> Generators.text(random, 10);
      case 1 -> Generators.anyLong(random);
      default -> random.nextBoolean();
    };
  }

  @Test
  void everyTextToolCallAndToolResultArrivesInOrder() {
    SeededCases.check(300, AnthropicRequestMappingPropertiesTest::conversation,
        AnthropicRequestMappingPropertiesTest::everyTextToolCallAndToolResultArrivesInOrder);
  }

  static void everyTextToolCallAndToolResultArrivesInOrder(List<Message> conversation) {
    ObjectNode request = Json.object();
    request.put("model", "gpt-4o");
    ArrayNode messages = request.putArray("messages");
    List<String> expectedSystem = new ArrayList<>();
    List<String> expectedBlocks = new ArrayList<>();
    for (Message m : conversation) {
      ObjectNode out = messages.addObject();
      if (m instanceof Instruction i) {
          out.put("role", i.role());
          content(out, i.texts(), i.asParts());
          i.texts().stream().filter(t -> !t.isEmpty()).forEach(expectedSystem::add);
      } else if (m instanceof User u) {
          out.put("role", "user");
          content(out, u.texts(), u.asParts());
          u.texts().stream().filter(t -> !t.isEmpty()).forEach(t -> expectedBlocks.add("user text " + t));
      } else if (m instanceof Assistant a) {
          out.put("role", "assistant");
          content(out, a.texts(), a.asParts());
          a.texts().stream().filter(t -> !t.isEmpty()).forEach(t -> expectedBlocks.add("assistant text " + t));
          if (!a.calls().isEmpty()) {
            ArrayNode calls = out.putArray("tool_calls");
            for (Call c : a.calls()) {
              ObjectNode call = calls.addObject().put("id", c.id()).put("type", "function");
              call.putObject("function").put("name", c.name()).put("arguments", json(c.arguments()));
              expectedBlocks.add("assistant tool_use " + c.id() + " " + c.name() + " " + Json.MAPPER.valueToTree(c.arguments()));
            }
          }
      } else if (m instanceof ToolResult t) {
          out.put("role", "tool").put("tool_call_id", t.callId()).put("content", t.text());
          expectedBlocks.add("user tool_result " + t.callId() + (t.text().isEmpty() ? "" : " " + t.text()));
      }
    }

    ObjectNode mapped = AnthropicMapper.toAnthropicRequest(request, "claude-test", 1000);

    List<String> system = new ArrayList<>();
    mapped.path("system").forEach(block -> {
      assertThat(block.path("type").asText()).isEqualTo("text");
      system.add(block.path("text").asText());
    });
    assertThat(system).isEqualTo(expectedSystem);
    List<String> blocks = new ArrayList<>();
    String previousRole = null;
    for (JsonNode turn : mapped.path("messages")) {
      String role = turn.path("role").asText();
      assertThat(role).as("turns alternate").isNotEqualTo(previousRole);
      previousRole = role;
      for (JsonNode block : turn.path("content")) blocks.add(describe(role, block));
    }
    assertThat(blocks).isEqualTo(expectedBlocks);
    Contracts.survivesWriteAndRead(mapped);
  }

  private static void content(ObjectNode message, List<String> texts, boolean asParts) {
    if (!asParts && texts.size() == 1) {
      message.put("content", texts.get(0));
      return;
    }
    ArrayNode parts = message.putArray("content");
    texts.forEach(t -> parts.addObject().put("type", "text").put("text", t));
  }

  private static String describe(String role, JsonNode block) {
    String type = block.path("type").asText();
    return switch (type) {
      case "text" -> role + " text " + block.path("text").asText();
      case "tool_use" -> role + " tool_use " + block.path("id").asText() + " " + block.path("name").asText() + " "
          + block.path("input");
      case "tool_result" -> role + " tool_result " + block.path("tool_use_id").asText()
          + (block.has("content") ? " " + block.path("content").asText() : "");
      default -> role + " unexpected " + block;
    };
  }

  private static String json(Object value) {
    try {
      return Json.MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
