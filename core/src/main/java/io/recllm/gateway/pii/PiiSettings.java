package io.recllm.gateway.pii;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code pii} section: a mode per built-in detector and the custom patterns. Off by default: a
 * gateway without the section has no redaction step at all.
 *
 * @param detectors the mode of each built-in detector by name ({@link Detectors#BUILT_IN}); absent means off
 * @param custom patterns from the config, each with its own name and mode
 */
public record PiiSettings(Map<String, PiiMode> detectors, List<Custom> custom) {

  public static final PiiSettings OFF = new PiiSettings(Map.of(), List.of());

  public PiiSettings {
    detectors = Map.copyOf(detectors);
    custom = List.copyOf(custom);
  }

  /** A custom detector: {@code { name: employee_id, regex: "EMP-[0-9]{6}", mode: mask }}. */
  public record Custom(String name, Pattern regex, PiiMode mode) {}

  public PiiMode mode(String detector) {
    return detectors.getOrDefault(detector, PiiMode.OFF);
  }

  /** Whether any detector runs. */
  public boolean enabled() {
    return detectors.values().stream().anyMatch(m -> m != PiiMode.OFF)
        || custom.stream().anyMatch(c -> c.mode() != PiiMode.OFF);
  }
}
