package io.recllm.gateway.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

  static List<SseEvent> parse(String text, int splitEvery) {
    List<SseEvent> out = new ArrayList<>();
    SseParser p = new SseParser(out::add);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i += splitEvery) p.feed(bytes, i, Math.min(splitEvery, bytes.length - i));
    p.end();
    return out;
  }

  @Test
  void lfCrlfAndCrLineEndsGiveTheSameEvents() {
    String lf = "event: a\ndata: one\n\ndata: two\n\n";
    List<SseEvent> expected = List.of(new SseEvent("a", "one", null), new SseEvent(null, "two", null));
    assertThat(parse(lf, 1000)).isEqualTo(expected);
    assertThat(parse(lf.replace("\n", "\r\n"), 1000)).isEqualTo(expected);
    assertThat(parse(lf.replace("\n", "\r"), 1000)).isEqualTo(expected);
  }

  @Test
  void eventsSplitAtEveryByteBoundaryIncludingInsideMultiByteCharacters() {
    String text = "data: {\"content\":\"héllo ✓ 日本\"}\r\n\r\n: ping\r\n\r\ndata: second\r\n\r\n";
    List<SseEvent> whole = parse(text, 100_000);
    assertThat(whole).containsExactly(new SseEvent(null, "{\"content\":\"héllo ✓ 日本\"}", null), new SseEvent(null, "second", null));
    for (int split = 1; split < 8; split++) assertThat(parse(text, split)).isEqualTo(whole);
  }

  @Test
  void commentsAreIgnoredAndMultiLineDataIsJoinedWithLf() {
    assertThat(parse(": keep-alive\ndata: a\ndata: b\n\n", 3)).containsExactly(new SseEvent(null, "a\nb", null));
  }

  @Test
  void fieldsWithoutSpaceOrValueFollowTheSpec() {
    assertThat(parse("data:x\nid: 7\nretry: 10\n\ndata\n\n", 1000))
        .containsExactly(new SseEvent(null, "x", "7"), new SseEvent(null, "", "7"));
  }

  @Test
  void aFinalEventWithoutBlankLineIsDeliveredAtEnd() {
    assertThat(parse("data: last", 2)).containsExactly(new SseEvent(null, "last", null));
  }

  @Test
  void blankLinesWithoutDataDispatchNothing() {
    assertThat(parse("\n\n\nevent: x\n\n", 1)).isEmpty();
  }

  @Test
  void anEmptyBufferBetweenTheCrAndLfOfALineEndKeepsThemOneLineEnd() {
    // found by SseParserSplitPropertiesTest: the LF after the empty read ended a second, blank line
    // and cut the event in two
    List<SseEvent> out = new ArrayList<>();
    SseParser p = new SseParser(out::add);
    byte[] bytes = "data: a\r\ndata: b\r\n\r\n".getBytes(StandardCharsets.UTF_8);
    p.feed(bytes, 0, 8);
    p.feed(bytes, 8, 0);
    p.feed(new byte[0]);
    p.feed(bytes, 8, bytes.length - 8);
    p.end();
    assertThat(out).containsExactly(new SseEvent(null, "a\nb", null));
  }

  @Test
  void anOversizedEventIsAnErrorNotUnboundedMemory() {
    SseParser p = new SseParser(e -> { }, 100);
    assertThatThrownBy(() -> p.feed(("data: " + "x".repeat(200)).getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalStateException.class);
  }
}
