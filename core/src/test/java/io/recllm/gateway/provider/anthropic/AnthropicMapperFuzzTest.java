package io.recllm.gateway.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.fuzz.Contracts;
import io.recllm.gateway.provider.ChatResult;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Both directions of the Anthropic mapping, any JSON object in: a documented failure with a message,
 * or a well-formed body out. Seeds: the recorded requests and messages of src/test/resources/fixtures.
 */
class AnthropicMapperFuzzTest {

  static final String MODEL = "claude-fuzz";
  static final int DEFAULT_MAX_TOKENS = 4096;
  static final long CREATED = 1_700_000_000L;

  @FuzzTest
  void openAiRequestToAnthropic(byte[] body) {
    if (!(Contracts.jsonOrNull(body) instanceof ObjectNode request)) return; // ChatRequestFuzzTest covers non-objects
    ObjectNode before = request.deepCopy();
    ObjectNode out;
    try {
      out = AnthropicMapper.toAnthropicRequest(request, MODEL, DEFAULT_MAX_TOKENS);
    } catch (GatewayException.InvalidRequest e) {
      Contracts.readableFailure(e);
      assertThat(request).isEqualTo(before);
      return;
    }
    assertThat(request).as("the client's request is never modified").isEqualTo(before);
    assertWellFormedAnthropicRequest(request, out);
  }

  @FuzzTest
  void anthropicResponseToOpenAi(byte[] body) {
    if (!(Contracts.jsonOrNull(body) instanceof ObjectNode message)) return;
    ObjectNode before = message.deepCopy();
    ChatResult result;
    try {
      result = AnthropicMapper.toChatResult(message, CREATED, "req_fuzz");
    } catch (GatewayException.ProviderFailure e) {
      Contracts.readableFailure(e);
      assertThat(message.path("content").isArray()).isFalse();
      return;
    }
    assertThat(message).isEqualTo(before);
    assertWellFormedCompletion(result.body());
    assertThat(result.usage()).isEqualTo(AnthropicMapper.usageOf(message.get("usage")));
  }

  static void assertWellFormedAnthropicRequest(ObjectNode request, ObjectNode out) {
    assertThat(out.path("model").asText()).isEqualTo(MODEL);
    JsonNode maxTokens = out.get("max_tokens");
    assertThat(maxTokens != null && maxTokens.isIntegralNumber()).as("max_tokens: %s", maxTokens).isTrue();
    assertThat(maxTokens.asLong()).isNotNegative();
    JsonNode asked = request.hasNonNull("max_completion_tokens") ? request.get("max_completion_tokens")
        : request.get("max_tokens");
    if (asked != null && !asked.isNull()) {
      assertThat(maxTokens.decimalValue()).as("max_tokens as the client asked").isEqualByComparingTo(asked.decimalValue());
    }
    JsonNode turns = out.get("messages");
    assertThat(turns != null && turns.isArray()).isTrue();
    String previousRole = null;
    for (JsonNode turn : turns) {
      String role = turn.path("role").asText();
      assertThat(role).isIn("user", "assistant");
      assertThat(role).as("turns alternate").isNotEqualTo(previousRole);
      previousRole = role;
      JsonNode content = turn.get("content");
      assertThat(content.isArray() && !content.isEmpty()).as("turn content: %s", content).isTrue();
      content.forEach(AnthropicMapperFuzzTest::assertBlock);
    }
    JsonNode system = out.get("system");
    if (system != null) {
      assertThat(system.isArray() && !system.isEmpty()).isTrue();
      system.forEach(AnthropicMapperFuzzTest::assertBlock);
    }
    JsonNode tools = out.get("tools");
    if (tools != null) tools.forEach(t -> assertThat(t.isObject()).isTrue());
    if (out.has("tool_choice")) assertThat(out.get("tool_choice").path("type").isTextual()).isTrue();
    Contracts.survivesWriteAndRead(out);
  }

  private static void assertBlock(JsonNode block) {
    assertThat(block.isObject()).as("block %s", block).isTrue();
    assertThat(block.path("type").isTextual()).as("block type %s", block).isTrue();
    if (block.path("type").asText().equals("text")) {
      assertThat(block.path("text").asText()).as("Anthropic rejects empty text blocks").isNotEmpty();
    }
    if (block.path("type").asText().equals("tool_use")) {
      assertThat(block.path("id").asText()).isNotEmpty();
      assertThat(block.path("name").asText()).isNotEmpty();
      assertThat(block.path("input").isObject()).isTrue();
    }
  }

  static void assertWellFormedCompletion(ObjectNode out) {
    assertThat(out.path("object").asText()).isEqualTo("chat.completion");
    assertThat(out.path("choices").size()).isEqualTo(1);
    JsonNode message = out.at("/choices/0/message");
    assertThat(message.path("role").asText()).isEqualTo("assistant");
    Contracts.isTextOrNull(message.get("content"), "content");
    assertThat(out.at("/choices/0/finish_reason").asText())
        .isIn(Set.of("stop", "length", "tool_calls", "content_filter"));
    JsonNode calls = message.get("tool_calls");
    if (calls != null) {
      for (JsonNode call : calls) {
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.path("id").isTextual()).isTrue();
        assertThat(call.at("/function/name").isTextual()).isTrue();
        JsonNode arguments = call.at("/function/arguments");
        assertThat(arguments.isTextual()).isTrue();
        assertThat(Contracts.jsonOrNull(arguments.asText().getBytes(StandardCharsets.UTF_8)))
            .as("arguments are JSON: %s", arguments).isNotNull();
      }
    }
    JsonNode usage = out.get("usage");
    for (String field : new String[] {"prompt_tokens", "completion_tokens", "total_tokens"}) {
      assertThat(usage.path(field).isIntegralNumber()).as(field).isTrue();
    }
    Contracts.survivesWriteAndRead(out);
  }
}
