package io.recllm.gateway.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.fuzz.Generators;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

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

  @Provide
  Arbitrary<Stream> streams() {
    Arbitrary<String> value = Generators.text(12);
    Arbitrary<String> noise = Arbitraries.oneOf(
        value.map(v -> ":" + v),                  // comment / keep-alive
        Arbitraries.just(": ping"),
        Arbitraries.integers().between(0, 5000).map(n -> "retry: " + n),
        value.map(v -> "x-unknown: " + v),
        Arbitraries.just("dataset"));             // a field that only starts like data
    Arbitrary<Event> event = Combinators.combine(
        value.injectNull(0.5),
        Generators.identifier().injectNull(0.7),
        value.list().ofMaxSize(3),
        noise.list().ofMaxSize(2))
        .as(Event::new);
    return Combinators.combine(
        event.list().ofMaxSize(5),
        Arbitraries.of(LineEnd.class),
        Arbitraries.of(true, false),
        Arbitraries.longs())
        .as(Stream::new);
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

  @Property(tries = 300)
  void wholeStreamGivesTheEventsItWasBuiltFrom(@ForAll("streams") Stream stream) {
    assertThat(parse(stream.bytes())).isEqualTo(stream.expected());
  }

  @Property(tries = 200)
  void cutAtEveryByteBoundaryGivesTheSameEvents(@ForAll("streams") Stream stream) {
    byte[] bytes = stream.bytes();
    List<SseEvent> expected = stream.expected();
    for (int cut = 0; cut <= bytes.length; cut++) {
      assertThat(parse(bytes, cut)).as("cut at byte %d of %s", cut, new String(bytes, StandardCharsets.UTF_8))
          .isEqualTo(expected);
    }
  }

  @Property(tries = 500)
  void cutManyTimesIncludingEmptyPiecesGivesTheSameEvents(
      @ForAll("streams") Stream stream, @ForAll("cutPoints") List<Double> cutPoints) {
    byte[] bytes = stream.bytes();
    int[] cuts = cutPoints.stream().mapToInt(p -> (int) Math.floor(p * (bytes.length + 1))).map(c -> Math.min(c, bytes.length))
        .sorted().toArray();
    assertThat(parse(bytes, cuts)).as("cuts %s", Arrays.toString(cuts)).isEqualTo(stream.expected());
  }

  @Provide
  Arbitrary<List<Double>> cutPoints() {
    // repeated points feed empty pieces, which a network read can deliver
    Arbitrary<Double> point = Arbitraries.doubles().between(0, 1);
    return Arbitraries.oneOf(point.list().ofMaxSize(12), point.list().ofMinSize(1).ofMaxSize(3)
        .map(ps -> { List<Double> twice = new ArrayList<>(ps); twice.addAll(ps); return twice; }));
  }
}
