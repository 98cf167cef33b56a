package io.recllm.gateway.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.provider.StreamGolden;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each Anthropic transcript in {@code fixtures/anthropic/} through SseParser and the translator must
 * give exactly the chunks (and error) in {@code golden/anthropic/<name>.expected.sse}, however the
 * bytes are split across network buffers.
 */
class AnthropicStreamGoldenTest {

  static final long CREATED = 1_700_000_000L;

  static Stream<String> transcripts() {
    return Stream.of(
        "stream_text",
        "stream_text_minimal",
        "stream_stop_sequence",
        "stream_image_base64_input",
        "stream_after_tool_result",
        "stream_tool_use_parallel",
        "stream_tool_use_docs_example",
        "stream_tool_use_with_input_json_delta",
        "stream_thinking",
        "stream_thinking_tool_use",
        "stream_redacted_thinking_tool_use",
        "stream_error_overloaded");
  }

  @ParameterizedTest
  @MethodSource("transcripts")
  void producesTheGoldenTranscript(String name) {
    StreamGolden.assertGolden(translate(resource("fixtures/anthropic/" + name + ".sse")),
        "golden/anthropic/" + name + ".expected.sse", name);
  }

  @ParameterizedTest
  @MethodSource("transcripts")
  void splittingTheBytesAnywhereChangesNothing(String name) {
    StreamGolden.assertSplitsChangeNothing(() -> new AnthropicStreamTranslator(CREATED),
        resource("fixtures/anthropic/" + name + ".sse"), name);
  }

  @ParameterizedTest
  @MethodSource("transcripts")
  void everyChunkHasTheOpenAiEnvelope(String name) {
    StreamGolden.Outcome out = translate(resource("fixtures/anthropic/" + name + ".sse"));
    String id = out.chunks().get(0).path("id").asText();
    assertThat(id).startsWith("msg_");
    for (int i = 0; i < out.chunks().size(); i++) {
      JsonNode chunk = out.chunks().get(i);
      assertThat(chunk.path("id").asText()).isEqualTo(id);
      assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
      assertThat(chunk.path("created").asLong()).isEqualTo(CREATED);
      JsonNode choices = chunk.path("choices");
      boolean usageChunk = choices.isEmpty();
      if (usageChunk) {
        assertThat(i).as("usage chunk is last").isEqualTo(out.chunks().size() - 1);
        assertThat(chunk.path("usage").path("total_tokens").asLong()).isPositive();
        continue;
      }
      JsonNode choice = choices.get(0);
      assertThat(choice.path("index").asInt(-1)).isZero();
      assertThat(choice.get("logprobs").isNull()).isTrue();
      boolean last = out.error() == null && i == out.chunks().size() - 2;
      assertThat(choice.get("finish_reason").isNull()).as("%s chunk %d finish_reason", name, i).isEqualTo(!last);
    }
  }

  // ---- harness (StreamGolden's, named here for the other Anthropic tests) ---------------------

  static StreamGolden.Outcome translate(byte[] bytes, int... cuts) {
    return StreamGolden.translate(() -> new AnthropicStreamTranslator(CREATED), bytes, cuts);
  }

  static ObjectNode describe(GatewayException e) {
    return StreamGolden.describe(e);
  }

  static JsonNode parse(String json) {
    return StreamGolden.parse(json);
  }

  static byte[] resource(String path) {
    return StreamGolden.resource(path);
  }
}
