package io.recllm.gateway.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The harness of the stream golden tests: a recorded transcript through {@link SseParser} and a
 * {@link ChunkTranslator}, cut wherever a test says, and the golden files
 * ({@code golden/<provider>/<name>.expected.sse}: the chunks as {@code data:} events, then a
 * {@code gateway_error} event for a failure).
 */
public final class StreamGolden {

  private StreamGolden() {}

  /** What a stream produced: chunks as the client would read them, and the thrown error if any. */
  public record Outcome(List<JsonNode> chunks, JsonNode error) {}

  /** Feeds {@code bytes} cut at the given offsets, as the HTTP layer would, and collects the outcome. */
  public static Outcome translate(Supplier<? extends ChunkTranslator> newTranslator, byte[] bytes, int... cuts) {
    ChunkTranslator translator = newTranslator.get();
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

  /** The transcript cut at every byte, once each, and then fed one byte at a time: always the same outcome. */
  public static void assertSplitsChangeNothing(Supplier<? extends ChunkTranslator> newTranslator, byte[] bytes, String name) {
    Outcome whole = translate(newTranslator, bytes);
    for (int cut = 1; cut < bytes.length; cut++) {
      assertThat(translate(newTranslator, bytes, cut)).as("%s split at byte %d", name, cut).isEqualTo(whole);
    }
    int[] everyByte = new int[bytes.length - 1];
    for (int i = 0; i < everyByte.length; i++) everyByte[i] = i + 1;
    assertThat(translate(newTranslator, bytes, everyByte)).as(name + " fed one byte at a time").isEqualTo(whole);
  }

  /** The outcome must equal the golden file, chunk by chunk. */
  public static void assertGolden(Outcome actual, String goldenPath, String name) {
    Outcome expected = readGolden(goldenPath);
    for (int i = 0; i < Math.min(expected.chunks().size(), actual.chunks().size()); i++) {
      assertThat(actual.chunks().get(i)).as("%s chunk %d", name, i).isEqualTo(expected.chunks().get(i));
    }
    assertThat(actual.chunks()).as(name + " chunk count").hasSameSizeAs(expected.chunks());
    assertThat(actual.error()).as(name + " error").isEqualTo(expected.error());
  }

  public static ObjectNode describe(GatewayException e) {
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

  /** Writes {@code outcome} as the golden file under src/test/resources (then review the diff). */
  public static void writeGolden(String goldenPath, Outcome outcome) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (JsonNode c : outcome.chunks()) sb.append("data: ").append(c).append("\n\n");
    if (outcome.error() != null) sb.append("event: gateway_error\ndata: ").append(outcome.error()).append("\n\n");
    Files.writeString(Path.of("src/test/resources", goldenPath), sb, StandardCharsets.UTF_8);
  }

  public static Outcome readGolden(String goldenPath) {
    List<JsonNode> chunks = new ArrayList<>();
    List<JsonNode> errors = new ArrayList<>();
    List<SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    parser.feed(resource(goldenPath));
    parser.end();
    for (SseEvent e : events) {
      if (e.event() == null) {
        assertThat(errors).as("nothing follows a gateway_error in " + goldenPath).isEmpty();
        chunks.add(parse(e.data()));
      } else if (e.event().equals("gateway_error")) {
        errors.add(parse(e.data()));
      } else {
        throw new AssertionError("unexpected event '" + e.event() + "' in golden " + goldenPath);
      }
    }
    assertThat(errors).as("at most one error in " + goldenPath).hasSizeLessThanOrEqualTo(1);
    return new Outcome(chunks, errors.isEmpty() ? null : errors.get(0));
  }

  public static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] resource(String path) {
    try (InputStream in = StreamGolden.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) throw new AssertionError("missing test resource " + path);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
