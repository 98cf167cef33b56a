package io.recllm.gateway.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.fuzz.Contracts;
import io.recllm.gateway.fuzz.Generators;
import io.recllm.gateway.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

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

  @Provide
  Arbitrary<List<Message>> conversations() {
    Arbitrary<String> text = Arbitraries.oneOf(Generators.text(20), Arbitraries.just(""));
    Arbitrary<List<String>> texts = text.list().ofMinSize(1).ofMaxSize(3);
    Arbitrary<Object> argumentValue = Arbitraries.oneOf(Generators.text(10).map(s -> (Object) s),
        Arbitraries.longs().map(n -> (Object) n), Arbitraries.of(true, false).map(b -> (Object) b));
    Arbitrary<Map<String, Object>> arguments = Arbitraries.maps(Generators.identifier(), argumentValue).ofMaxSize(3)
        .map(LinkedHashMap::new);
    Arbitrary<Call> call = Combinators.combine(Generators.identifier(), Generators.identifier(), arguments).as(Call::new);
    Arbitrary<Message> message = Arbitraries.oneOf(
        Combinators.combine(Arbitraries.of("system", "developer"), texts, Arbitraries.of(true, false)).as(Instruction::new),
        Combinators.combine(texts, Arbitraries.of(true, false)).as(User::new),
        Combinators.combine(texts, Arbitraries.of(true, false), call.list().ofMaxSize(3)).as(Assistant::new),
        Combinators.combine(Generators.identifier(), text).as(ToolResult::new));
    return message.list().ofMinSize(1).ofMaxSize(8);
  }

  @Property(tries = 300)
  void everyTextToolCallAndToolResultArrivesInOrder(@ForAll("conversations") List<Message> conversation) {
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
