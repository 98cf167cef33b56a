package io.recllm.gateway.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.provider.ChatChunk;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden tests of the ConverseStream translation: each recorded (or, for the exception frame,
 * constructed) event-stream body → the OpenAI chunks in {@code fixtures/bedrock/golden/<name>.chunks.jsonl},
 * one chunk per line and a last line saying how the stream ended ({@code END} or {@code ERROR <code>}).
 * The same output must come out whether the body arrives whole, cut in two at every byte offset (inside
 * preludes, headers, payloads and CRCs alike), or one byte at a time. Regenerate the files after a
 * deliberate change with {@code -DregenerateGolden=true}, then read the diff.
 */
class BedrockStreamGoldenTest {

  static final String REGENERATE = "regenerateGolden";

  @ParameterizedTest
  @ValueSource(strings = {"converse_stream_basic", "converse_stream_tool_use", "converse_stream_after_tool_result",
      "converse_stream_claude_reasoning", "converse_stream_exception_frame.constructed"})
  void everySplitOfTheBodyGivesTheGoldenChunks(String name) throws Exception {
    byte[] body = Fixtures.bytes("bedrock/" + name + ".bin");
    if (name.contains("exception")) {
      // the constructed frame alone; a real stream carries it after some events
      body = EventStreamFrames.concat(EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}"),
          EventStreamFrames.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hel\"}}"), body);
    }
    List<String> whole = translate(body, List.of(body.length));
    Path golden = Path.of("src/test/resources/fixtures/bedrock/golden/" + name + ".chunks.jsonl");
    if (Boolean.getBoolean(REGENERATE)) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, String.join("\n", whole) + "\n", StandardCharsets.UTF_8);
    }
    List<String> expected = Files.readAllLines(golden, StandardCharsets.UTF_8);
    assertThat(whole).as("whole body vs %s", golden).isEqualTo(expected);
    for (int cut = 1; cut < body.length; cut++) {
      assertThat(translate(body, List.of(cut, body.length - cut))).as("cut at byte %d", cut).isEqualTo(expected);
    }
    List<Integer> ones = new ArrayList<>();
    for (int i = 0; i < body.length; i++) ones.add(1);
    assertThat(translate(body, ones)).as("one byte at a time").isEqualTo(expected);
  }

  /** The body fed in pieces of the given sizes; the chunks' JSON, then how it ended. */
  static List<String> translate(byte[] body, List<Integer> pieces) {
    BedrockStreamDecoder decoder = new BedrockStreamDecoder(new BedrockStreamTranslator("chatcmpl-golden", "model-x", 1700000000L));
    List<String> out = new ArrayList<>();
    try {
      int from = 0;
      for (int size : pieces) {
        decoder.feed(Arrays.copyOfRange(body, from, from + size), c -> out.add(describe(c)));
        from += size;
      }
      decoder.end(c -> out.add(describe(c)));
      out.add("END");
    } catch (GatewayException e) {
      out.add("ERROR " + e.status() + " " + e.type() + " " + e.code() + " " + e.getMessage());
    }
    return out;
  }

  private static String describe(ChatChunk c) {
    return c.hasUsage() && !c.hasChoices() ? c.text() + " usage=" + c.usage() : c.text();
  }
}
