package io.recllm.gateway.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.SseEvent;
import io.recllm.gateway.provider.SseParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

  /** What a stream produced: chunks as the client would read them, and the thrown error if any. */
  record Outcome(List<JsonNode> chunks, JsonNode error) {}

  @ParameterizedTest
  @MethodSource("transcripts")
  void producesTheGoldenTranscript(String name) throws IOException {
    Outcome actual = translate(resource("fixtures/gemini/" + name + ".sse"));
    if (Boolean.getBoolean("regenerateGolden")) writeGolden(name, actual);
    Outcome expected = readGolden(name);
    for (int i = 0; i < Math.min(expected.chunks().size(), actual.chunks().size()); i++) {
      assertThat(actual.chunks().get(i)).as("%s chunk %d", name, i).isEqualTo(expected.chunks().get(i));
    }
    assertThat(actual.chunks()).as(name + " chunk count").hasSameSizeAs(expected.chunks());
    assertThat(actual.error()).as(name + " error").isEqualTo(expected.error());
  }

  @ParameterizedTest
  @MethodSource("transcripts")
  void splittingTheBytesAnywhereChangesNothing(String name) {
    byte[] bytes = resource("fixtures/gemini/" + name + ".sse");
    Outcome whole = translate(bytes);
    for (int cut = 1; cut < bytes.length; cut++) {
      assertThat(translate(bytes, cut)).as("%s split at byte %d", name, cut).isEqualTo(whole);
    }
    int[] everyByte = new int[bytes.length - 1];
    for (int i = 0; i < everyByte.length; i++) everyByte[i] = i + 1;
    assertThat(translate(bytes, everyByte)).as(name + " fed one byte at a time").isEqualTo(whole);
  }

  @ParameterizedTest
  @MethodSource("transcripts")
  void everyChunkHasTheOpenAiEnvelope(String name) {
    Outcome out = translate(resource("fixtures/gemini/" + name + ".sse"));
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

  // ---- harness --------------------------------------------------------------------------------

  /** Feeds {@code bytes} cut at the given offsets, as the HTTP layer would, and collects the outcome. */
  static Outcome translate(byte[] bytes, int... cuts) {
    GeminiStreamTranslator translator = new GeminiStreamTranslator(MODEL, CREATED);
    List<JsonNode> chunks = new ArrayList<>();
    JsonNode[] error = {null};
    SseParser parser = new SseParser(event -> {
      if (error[0] != null) return; // the caller stops at the first failure
      try {
        translator.onEvent(event).forEach(c -> chunks.add(parse(c.toString())));
      } catch (GatewayException e) {
        error[0] = describe(e);
      }
    });
    int from = 0;
    for (int cut : cuts) {
      parser.feed(bytes, from, cut - from);
      from = cut;
    }
    parser.feed(bytes, from, bytes.length - from);
    parser.end();
    if (error[0] == null) {
      try {
        translator.onEnd().forEach(c -> chunks.add(parse(c.toString())));
      } catch (GatewayException e) {
        error[0] = describe(e);
      }
    }
    return new Outcome(chunks, error[0]);
  }

  static ObjectNode describe(GatewayException e) {
    ObjectNode out = Json.object();
    out.put("exception", e.getClass().getSimpleName());
    out.put("status", e.status());
    out.put("type", e.type());
    out.put("code", e.code());
    out.put("param", e.param());
    out.put("message", e.getMessage());
    out.put("retryable", e.retryable());
    out.put("upstream_status", e.upstreamStatus());
    out.put("retry_after", e.retryAfter());
    return (ObjectNode) parse(out.toString());
  }

  static void writeGolden(String name, Outcome outcome) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (JsonNode c : outcome.chunks()) sb.append("data: ").append(c).append("\n\n");
    if (outcome.error() != null) sb.append("event: gateway_error\ndata: ").append(outcome.error()).append("\n\n");
    Files.writeString(Path.of("src/test/resources/golden/gemini/" + name + ".expected.sse"), sb, StandardCharsets.UTF_8);
  }

  static Outcome readGolden(String name) {
    List<JsonNode> chunks = new ArrayList<>();
    List<JsonNode> errors = new ArrayList<>();
    List<SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    parser.feed(resource("golden/gemini/" + name + ".expected.sse"));
    parser.end();
    for (SseEvent e : events) {
      if (e.event() == null) chunks.add(parse(e.data()));
      else if (e.event().equals("gateway_error")) errors.add(parse(e.data()));
      else throw new AssertionError("unexpected event '" + e.event() + "' in golden " + name);
    }
    assertThat(errors).as("at most one error in " + name).hasSizeLessThanOrEqualTo(1);
    return new Outcome(chunks, errors.isEmpty() ? null : errors.get(0));
  }

  static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] resource(String path) {
    try (InputStream in = GeminiStreamGoldenTest.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) throw new AssertionError("missing test resource " + path);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
