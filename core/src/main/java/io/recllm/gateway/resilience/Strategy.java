package io.recllm.gateway.resilience;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How a route picks its first target; whichever it picks, a failed target is followed by the next pick. */
public enum Strategy {
  /** The targets in the order listed: the first one whose circuit is not open. */
  FALLBACK("fallback"),
  /** Smooth weighted round robin over the targets' {@code weight}s (nginx's algorithm). */
  WEIGHTED("weighted"),
  /** The lowest moving average of recent latency; targets not measured yet come first. */
  LEAST_LATENCY("least_latency"),
  /** The lowest estimated price of this call (prompt estimate plus {@code max_tokens}). */
  LOWEST_COST("lowest_cost"),
  /** The fewest calls in flight right now. */
  LEAST_BUSY("least_busy");

  private final String configName;

  Strategy(String configName) {
    this.configName = configName;
  }

  /** The name used in {@code routes.<name>.strategy}. */
  public String configName() {
    return configName;
  }

  /** The names accepted in config, comma-separated, for error messages. */
  public static String names() {
    return Arrays.stream(values()).map(Strategy::configName).collect(Collectors.joining(", "));
  }

  /** The strategy of a config name, or null. */
  public static Strategy fromConfigName(String name) {
    for (Strategy s : values()) {
      if (s.configName.equals(name)) return s;
    }
    return null;
  }
}
