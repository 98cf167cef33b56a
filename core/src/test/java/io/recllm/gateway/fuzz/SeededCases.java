package io.recllm.gateway.fuzz;

import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs a property over generated inputs, case {@code i} from {@code new Random(i)}: every run checks
 * the same inputs, and a failure names the seed and the input. {@code -Dproperty.seed=N} runs that one
 * case alone, to replay it.
 */
public final class SeededCases {

  private SeededCases() {}

  public static <T> void check(int cases, Function<Random, T> generator, Consumer<T> property) {
    String only = System.getProperty("property.seed");
    long from = only == null ? 0 : Long.parseLong(only);
    long to = only == null ? cases : from + 1;
    for (long seed = from; seed < to; seed++) {
      T input = generator.apply(new Random(seed));
      try {
        property.accept(input);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("property failed for seed " + seed + " (replay with -Dproperty.seed=" + seed
            + "), input: " + input + "\n" + e.getMessage(), e);
      }
    }
  }
}
