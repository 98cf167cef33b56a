package io.recllm.gateway.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Any bytes, cut into any pieces (empty ones too): the same events as fed whole, and the same outcome
 * when an event is over the size limit (the only exception the parser throws). The input's last bytes
 * choose the cuts, the rest is the stream; seeds are the recorded SSE transcripts.
 */
class SseParserFuzzTest {

  /** Small enough that the fuzzer reaches the limit with short inputs. */
  static final int MAX_EVENT_BYTES = 512;

  /** The events, then the failure message if the parser gave up (null if it did not). */
  record Outcome(List<SseEvent> events, String failure) {}

  static Outcome feed(byte[] stream, int[] cuts) {
    List<SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add, MAX_EVENT_BYTES);
    int from = 0;
    try {
      for (int cut : cuts) {
        parser.feed(stream, from, cut - from);
        from = cut;
      }
      parser.feed(stream, from, stream.length - from);
      parser.end();
    } catch (IllegalStateException e) {
      assertThat(e.getMessage()).isNotBlank();
      return new Outcome(events, e.getMessage());
    }
    return new Outcome(events, null);
  }

  @FuzzTest
  void splitFeeding(FuzzedDataProvider data) {
    int pieces = data.consumeInt(0, 12);
    int[] cuts = new int[pieces];
    for (int i = 0; i < pieces; i++) cuts[i] = data.consumeInt(0, Integer.MAX_VALUE);
    byte[] stream = data.consumeRemainingAsBytes();
    for (int i = 0; i < pieces; i++) cuts[i] = cuts[i] % (stream.length + 1);
    Arrays.sort(cuts); // equal cuts feed empty pieces

    Outcome whole = feed(stream, new int[0]);
    for (SseEvent e : whole.events()) {
      assertThat(e.data()).isNotNull().doesNotContain("\r");
      if (e.event() != null) assertThat(e.event()).doesNotContain("\n", "\r");
      if (e.id() != null) assertThat(e.id()).doesNotContain("\n", "\r");
    }
    assertThat(feed(stream, cuts)).isEqualTo(whole);
  }
}
