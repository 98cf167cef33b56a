package io.recllm.gateway.provider.anthropic;

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
import java.util.ArrayList;
import java.util.List;
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

  /** What a stream produced: chunks as the client would read them, and the thrown error if any. */
  record Outcome(List<JsonNode> chunks, JsonNode error) {}

  @ParameterizedTest
  @MethodSource("transcripts")
  void producesTheGoldenTranscript(String name) {
    Outcome expected = readGolden(name);
    Outcome actual = translate(resource("fixtures/anthropic/" + name + ".sse"));

    for (int i = 0; i < Math.min(expected.chunks().size(), actual.chunks().size()); i++) {
      assertThat(actual.chunks().get(i)).as("%s chunk %d", name, i).isEqualTo(expected.chunks().get(i));
    }
    assertThat(actual.chunks()).as(name + " chunk count").hasSameSizeAs(expected.chunks());
    assertThat(actual.error()).as(name + " error").isEqualTo(expected.error());
  }

  @ParameterizedTest
  @MethodSource("transcripts")
  void splittingTheBytesAnywhereChangesNothing(String name) {
    byte[] bytes = resource("fixtures/anthropic/" + name + ".sse");
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
    Outcome out = translate(resource("fixtures/anthropic/" + name + ".sse"));
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

  // ---- harness --------------------------------------------------------------------------------

  /** Feeds {@code bytes} cut at the given offsets, as the HTTP layer would, and collects the outcome. */
  static Outcome translate(byte[] bytes, int... cuts) {
    AnthropicStreamTranslator translator = new AnthropicStreamTranslator(CREATED);
    List<JsonNode> chunks = new ArrayList<>();
    JsonNode[] error = {null};
    SseParser parser = new SseParser(event -> {
      if (error[0] != null) return; // the caller stops at the first failure
      try {
        translator.onEvent(event).forEach(c -> chunks.add(asClientSees(c)));
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
        translator.onEnd().forEach(c -> chunks.add(asClientSees(c)));
      } catch (GatewayException e) {
        error[0] = describe(e);
      }
    }
    return new Outcome(chunks, error[0]);
  }

  /** Serialised and read back, so numbers compare by value the way a client reads them. */
  static JsonNode asClientSees(ObjectNode chunk) {
    return parse(chunk.toString());
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

  static Outcome readGolden(String name) {
    List<JsonNode> chunks = new ArrayList<>();
    List<JsonNode> errors = new ArrayList<>();
    List<SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    parser.feed(resource("golden/anthropic/" + name + ".expected.sse"));
    parser.end();
    for (SseEvent e : events) {
      if (e.event() == null) {
        assertThat(errors).as("nothing follows a gateway_error in " + name).isEmpty();
        chunks.add(parse(e.data()));
      } else if (e.event().equals("gateway_error")) {
        errors.add(parse(e.data()));
      } else {
        throw new AssertionError("unexpected event '" + e.event() + "' in golden " + name);
      }
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
    try (InputStream in = AnthropicStreamGoldenTest.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) throw new AssertionError("missing test resource " + path);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
