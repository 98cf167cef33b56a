package io.recllm.gateway.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.fuzz.Generators;
import io.recllm.gateway.fuzz.SeededCases;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Network buffers split a stream anywhere: inside a multi-byte character, between the CR and LF of a
 * line end, into empty pieces. Generated streams (every UTF-8 length, LF/CRLF/CR and mixed line ends,
 * comments, unknown fields, ids, multi-line data, with or without the final blank line) must give
 * the events they were built from, fed whole, cut at every byte boundary, or cut many times at once.
 */
class SseParserSplitPropertiesTest {

  enum LineEnd { LF, CRLF, CR, MIXED }

  /** One event as written: lines other than data come before, between or after the data lines. */
  record Event(String name, String id, List<String> data, List<String> noise) {}

  record Stream(List<Event> events, LineEnd lineEnd, boolean finalBlankLine, long lineEndSeed) {

    byte[] bytes() {
      List<String> lines = new ArrayList<>();
      for (Event e : events) {
        int noiseAt = 0;
        if (e.name() != null) lines.add("event: " + e.name());
        for (String d : e.data()) {
          if (noiseAt < e.noise().size()) lines.add(e.noise().get(noiseAt++));
          if (d.isEmpty()) lines.add(d.hashCode() % 2 == 0 ? "data" : "data:");
          else lines.add(d.startsWith(" ") ? "data: " + d : "data:" + d);
        }
        if (e.id() != null) lines.add("id: " + e.id());
        while (noiseAt < e.noise().size()) lines.add(e.noise().get(noiseAt++));
        lines.add("");
      }
      if (!finalBlankLine && !lines.isEmpty()) lines.remove(lines.size() - 1);
      Random ends = new Random(lineEndSeed);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      String previousEnd = "";
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        String end = switch (lineEnd) {
          case LF -> "\n";
          case CRLF -> "\r\n";
          case CR -> "\r";
          // CR then a blank line ended by LF would read as one CRLF: the stream would mean something else
          case MIXED -> new String[] {"\n", "\r\n", "\r"}[
              previousEnd.equals("\r") && line.isEmpty() ? 1 + ends.nextInt(2) : ends.nextInt(3)];
        };
        // the very last line may also end without a line break: the upstream just closed
        if (i == lines.size() - 1 && !finalBlankLine && ends.nextBoolean()) end = "";
        out.writeBytes((line + end).getBytes(StandardCharsets.UTF_8));
        previousEnd = end;
      }
      return out.toByteArray();
    }

    List<SseEvent> expected() {
      List<SseEvent> out = new ArrayList<>();
      String lastId = null;
      for (Event e : events) {
        if (e.id() != null) lastId = e.id(); // the last event id lasts until changed, as in EventSource
        if (!e.data().isEmpty()) out.add(new SseEvent(e.name(), String.join("\n", e.data()), lastId));
      }
      return out;
    }
  }

  static Stream stream(Random random) {
    List<Event> events = Generators.list(random, 0, 5, r -> new Event(
        Generators.orNull(r, 0.5, v -> Generators.text(v, 12)),
        Generators.orNull(r, 0.7, Generators::identifier),
        Generators.list(r, 0, 3, v -> Generators.text(v, 12)),
        Generators.list(r, 0, 2, SseParserSplitPropertiesTest::noise)));
    return new Stream(events, Generators.oneOf(random, LineEnd.values()), random.nextBoolean(),
        Generators.anyLong(random));
  }

  static String noise(Random random) {
    return switch (random.nextInt(5)) {
      case 0 -> ":" + Generators.text(random, 12);             // comment / keep-alive
      case 1 -> ": ping";
      case 2 -> "retry: " + Generators.longBetween(random, 0, 5000);
      case 3 -> "x-unknown: " + Generators.text(random, 12);
      default -> "dataset";                                     // a field that only starts like data
    };
  }

  static List<SseEvent> parse(byte[] bytes, int... cuts) {
    List<SseEvent> out = new ArrayList<>();
    SseParser parser = new SseParser(out::add);
    int from = 0;
    for (int cut : cuts) {
      parser.feed(bytes, from, cut - from);
      from = cut;
    }
    parser.feed(Buffer.buffer(Arrays.copyOfRange(bytes, from, bytes.length)));
    parser.end();
    return out;
  }

  @Test
  void wholeStreamGivesTheEventsItWasBuiltFrom() {
    SeededCases.check(300, SseParserSplitPropertiesTest::stream,
        stream -> assertThat(parse(stream.bytes())).isEqualTo(stream.expected()));
  }

  @Test
  void cutAtEveryByteBoundaryGivesTheSameEvents() {
    SeededCases.check(200, SseParserSplitPropertiesTest::stream, stream -> {
      byte[] bytes = stream.bytes();
      List<SseEvent> expected = stream.expected();
      for (int cut = 0; cut <= bytes.length; cut++) {
        assertThat(parse(bytes, cut)).as("cut at byte %d of %s", cut, new String(bytes, StandardCharsets.UTF_8))
            .isEqualTo(expected);
      }
    });
  }

  record Cuts(Stream stream, List<Double> points) {}

  @Test
  void cutManyTimesIncludingEmptyPiecesGivesTheSameEvents() {
    SeededCases.check(500, r -> new Cuts(stream(r), cutPoints(r)), c -> {
      byte[] bytes = c.stream().bytes();
      int[] cuts = c.points().stream().mapToInt(p -> (int) Math.floor(p * (bytes.length + 1)))
          .map(cut -> Math.min(cut, bytes.length)).sorted().toArray();
      assertThat(parse(bytes, cuts)).as("cuts %s", Arrays.toString(cuts)).isEqualTo(c.stream().expected());
    });
  }

  static List<Double> cutPoints(Random random) {
    // repeated points feed empty pieces, which a network read can deliver
    if (random.nextBoolean()) return Generators.list(random, 0, 12, SseParserSplitPropertiesTest::cutPoint);
    List<Double> twice = new ArrayList<>(Generators.list(random, 1, 3, SseParserSplitPropertiesTest::cutPoint));
    twice.addAll(List.copyOf(twice));
    return twice;
  }

  /** A point in [0, 1]; the very start and the very end now and then. */
  static double cutPoint(Random random) {
    int edge = random.nextInt(10);
    return edge == 0 ? 0.0 : edge == 1 ? 1.0 : random.nextDouble();
  }
}
