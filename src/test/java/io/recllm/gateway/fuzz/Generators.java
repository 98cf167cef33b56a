package io.recllm.gateway.fuzz;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/** jqwik generators shared by the property tests. */
public final class Generators {

  private Generators() {}

  /**
   * One Unicode character of every UTF-8 length (1 to 4 bytes, so surrogate pairs too) and no line
   * break: the text models put line breaks in on purpose.
   */
  public static Arbitrary<String> character() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.integers().between(0x20, 0x7e)),
        Tuple.of(1, Arbitraries.of(0x09, 0x00, 0x7f, 0x0b)),
        Tuple.of(2, Arbitraries.integers().between(0x80, 0x7ff)),
        Tuple.of(2, Arbitraries.integers().between(0x800, 0xffff).filter(cp -> cp < 0xd800 || cp > 0xdfff)),
        Tuple.of(2, Arbitraries.integers().between(0x10000, 0x10ffff)),
        Tuple.of(2, Arbitraries.of(0xe9, 0x2713, 0x65e5, 0x1f600, 0x2028, 0xfeff)))
        .filter(cp -> cp != '\n' && cp != '\r')
        .map(Character::toString);
  }

  /** Text of such characters, up to {@code maxChars} long (possibly empty). */
  public static Arbitrary<String> text(int maxChars) {
    return character().list().ofMaxSize(maxChars).map(chars -> String.join("", chars));
  }

  /** Non-empty text. */
  public static Arbitrary<String> nonEmptyText(int maxChars) {
    return character().list().ofMinSize(1).ofMaxSize(maxChars).map(chars -> String.join("", chars));
  }

  /** Short identifier-like text, as ids and tool names are. */
  public static Arbitrary<String> identifier() {
    return Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars('_', '-')
        .ofMinLength(1).ofMaxLength(12);
  }
}
