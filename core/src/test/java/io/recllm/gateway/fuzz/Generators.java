package io.recllm.gateway.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Input generators shared by the property tests: plain functions of a seeded {@link Random}, so a
 * seed names an input and a failure can be replayed. Sizes, numbers and characters lean towards their
 * edge cases (empty, smallest, largest, the longest UTF-8 encodings), where the bugs are.
 */
public final class Generators {

  private Generators() {}

  private static final int[] SPECIAL = {0x09, 0x00, 0x7f, 0x0b};
  private static final int[] NOTABLE = {0xe9, 0x2713, 0x65e5, 0x1f600, 0x2028, 0xfeff};

  /**
   * One Unicode character of every UTF-8 length (1 to 4 bytes, so surrogate pairs too) and no line
   * break: the text models put line breaks in on purpose.
   */
  public static String character(Random random) {
    int pick = random.nextInt(15); // weights 6 ASCII, 1 controls, 2 each for 2-, 3-, 4-byte and notable ones
    int cp;
    if (pick < 6) cp = between(random, 0x20, 0x7e);
    else if (pick < 7) cp = SPECIAL[random.nextInt(SPECIAL.length)];
    else if (pick < 9) cp = between(random, 0x80, 0x7ff);
    else if (pick < 11) {
      do cp = between(random, 0x800, 0xffff); while (cp >= 0xd800 && cp <= 0xdfff);
    } else if (pick < 13) cp = between(random, 0x10000, 0x10ffff);
    else cp = NOTABLE[random.nextInt(NOTABLE.length)];
    return Character.toString(cp);
  }

  /** Text of such characters, up to {@code maxChars} long (possibly empty). */
  public static String text(Random random, int maxChars) {
    return text(random, 0, maxChars);
  }

  /** Non-empty text. */
  public static String nonEmptyText(Random random, int maxChars) {
    return text(random, 1, maxChars);
  }

  private static String text(Random random, int minChars, int maxChars) {
    int n = size(random, minChars, maxChars);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < n; i++) out.append(character(random));
    return out.toString();
  }

  private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_-";

  /** Short identifier-like text, as ids and tool names are: 1 to 12 of [a-z0-9_-]. */
  public static String identifier(Random random) {
    int n = size(random, 1, 12);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < n; i++) out.append(ID_CHARS.charAt(random.nextInt(ID_CHARS.length())));
    return out.toString();
  }

  /** A list of {@code min..max} generated elements; the bounds come up more often than the rest. */
  public static <T> List<T> list(Random random, int min, int max, Function<Random, T> element) {
    int n = size(random, min, max);
    List<T> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) out.add(element.apply(random));
    return out;
  }

  /** A size in {@code min..max}, each bound taken one time in eight besides its uniform share. */
  public static int size(Random random, int min, int max) {
    int edge = random.nextInt(8);
    if (edge == 0) return min;
    if (edge == 1) return max;
    return between(random, min, max);
  }

  /** A number in {@code min..max} (inclusive), now and then one of the bounds or zero. */
  public static long longBetween(Random random, long min, long max) {
    switch (random.nextInt(10)) {
      case 0: return min;
      case 1: return max;
      case 2: if (min <= 0 && max >= 0) return 0;
      default:
        long span = max - min + 1;
        if (span <= 0) return random.nextLong(); // the full range of long
        return min + Math.floorMod(random.nextLong(), span);
    }
  }

  /** Any long, edge values included. */
  public static long anyLong(Random random) {
    return longBetween(random, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  public static int between(Random random, int min, int max) {
    return min + random.nextInt(max - min + 1);
  }

  @SafeVarargs
  public static <T> T oneOf(Random random, T... values) {
    return values[random.nextInt(values.length)];
  }

  /** {@code null} with the given probability, else a generated value. */
  public static <T> T orNull(Random random, double nullProbability, Function<Random, T> value) {
    return random.nextDouble() < nullProbability ? null : value.apply(random);
  }
}
