package io.recllm.gateway.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.provider.StreamGolden;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each Gemini transcript in {@code fixtures/gemini/} through SseParser and the translator must give
 * exactly the chunks (and error) in {@code golden/gemini/<name>.expected.sse}, however the bytes are
 * split across network buffers. {@code -DregenerateGolden=true} rewrites the golden files from the
 * current code (then review the diff).
 */
class GeminiStreamGoldenTest {

  static final long CREATED = 1_700_000_000L;
  static final String MODEL = "gemini-requested";

  static Stream<String> transcripts() {
    return Stream.of(
        "stream_text",
        "stream_tool_call_thought_signature",
        "stream_after_tool_result",
        "stream_finish_recitation",
        "stream_prompt_blocked_safety",
        // the recorded JSON-array stream (streamGenerateContent without alt=sse) in SSE framing
        "stream_thinking.constructed",
        // stream_text without its last event: Gemini never said how the answer ended
        "stream_text_truncated.constructed");
  }

  static StreamGolden.Outcome translate(byte[] bytes) {
    return StreamGolden.translate(() -> new GeminiStreamTranslator(MODEL, CREATED), bytes);
  }

  @ParameterizedTest
  @MethodSource("transcripts")
  void producesTheGoldenTranscript(String name) throws IOException {
    StreamGolden.Outcome actual = translate(StreamGolden.resource("fixtures/gemini/" + name + ".sse"));
    String golden = "golden/gemini/" + name + ".expected.sse";
    if (Boolean.getBoolean("regenerateGolden")) StreamGolden.writeGolden(golden, actual);
    StreamGolden.assertGolden(actual, golden, name);
  }

  @ParameterizedTest
  @MethodSource("transcripts")
  void splittingTheBytesAnywhereChangesNothing(String name) {
    StreamGolden.assertSplitsChangeNothing(() -> new GeminiStreamTranslator(MODEL, CREATED),
        StreamGolden.resource("fixtures/gemini/" + name + ".sse"), name);
  }

  @ParameterizedTest
  @MethodSource("transcripts")
  void everyChunkHasTheOpenAiEnvelope(String name) {
    StreamGolden.Outcome out = translate(StreamGolden.resource("fixtures/gemini/" + name + ".sse"));
    for (int i = 0; i < out.chunks().size(); i++) {
      JsonNode chunk = out.chunks().get(i);
      assertThat(chunk.path("id").asText()).isEqualTo(out.chunks().get(0).path("id").asText());
      assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
      assertThat(chunk.path("created").asLong()).isEqualTo(CREATED);
      JsonNode choices = chunk.path("choices");
      if (choices.isEmpty()) {
        assertThat(i).as("usage chunk is last").isEqualTo(out.chunks().size() - 1);
        JsonNode usage = chunk.path("usage");
        assertThat(usage.path("total_tokens").asLong())
            .isEqualTo(usage.path("prompt_tokens").asLong() + usage.path("completion_tokens").asLong());
        continue;
      }
      JsonNode choice = choices.get(0);
      assertThat(choice.path("index").asInt(-1)).isZero();
      assertThat(choice.get("logprobs").isNull()).isTrue();
      boolean last = out.error() == null && i == out.chunks().size() - 2;
      assertThat(choice.get("finish_reason").isNull()).as("%s chunk %d finish_reason", name, i).isEqualTo(!last);
    }
  }
}
