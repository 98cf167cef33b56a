package io.recllm.gateway.pii;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code pii} section: a mode per built-in detector and the custom patterns. Off by default: a
 * gateway without the section has no redaction step at all.
 *
 * @param detectors the mode of each built-in detector by name ({@link Detectors#BUILT_IN}); absent means off
 * @param custom patterns from the config, each with its own name and mode
 * @param routes what a route changes, by route name ({@code pii.routes})
 * @param keys what a caller's key changes, by virtual key name or id ({@code pii.keys}); applied after the route's
 */
public record PiiSettings(Map<String, PiiMode> detectors, List<Custom> custom, Map<String, Overlay> routes,
                          Map<String, Overlay> keys) {

  public static final PiiSettings OFF = new PiiSettings(Map.of(), List.of());

  public PiiSettings {
    detectors = Map.copyOf(detectors);
    custom = List.copyOf(custom);
    routes = Map.copyOf(routes);
    keys = Map.copyOf(keys);
  }

  /** Settings that are the same for every route and key. */
  public PiiSettings(Map<String, PiiMode> detectors, List<Custom> custom) {
    this(detectors, custom, Map.of(), Map.of());
  }

  /** A custom detector: {@code { name: employee_id, regex: "EMP-[0-9]{6}", mode: mask }}. */
  public record Custom(String name, Pattern regex, PiiMode mode) {}

  /**
   * What a route or a key changes: {@code off} turns every detector off (before {@code detectors} apply),
   * {@code detectors} sets the mode of the built-in or custom detectors it names and leaves the others.
   */
  public record Overlay(boolean off, Map<String, PiiMode> detectors) {
    public static final Overlay ALL_OFF = new Overlay(true, Map.of());

    public Overlay {
      detectors = Map.copyOf(detectors);
    }
  }

  /** These settings with {@code o} applied; the routes and keys are dropped, they have been applied. */
  PiiSettings with(Overlay o) {
    Map<String, PiiMode> modes = new HashMap<>(o.off() ? Map.of() : detectors);
    List<Custom> customs = new ArrayList<>(custom.size());
    for (Custom c : custom) {
      PiiMode m = o.detectors().getOrDefault(c.name(), o.off() ? PiiMode.OFF : c.mode());
      customs.add(new Custom(c.name(), c.regex(), m));
    }
    o.detectors().forEach((name, mode) -> {
      if (Detectors.BUILT_IN.contains(name)) modes.put(name, mode);
    });
    return new PiiSettings(modes, customs);
  }

  public PiiMode mode(String detector) {
    return detectors.getOrDefault(detector, PiiMode.OFF);
  }

  /** Whether any detector runs, for every call or for some route or key. */
  public boolean enabled() {
    return runs() || routes.values().stream().anyMatch(o -> with(o).runs()) || keys.values().stream().anyMatch(o -> with(o).runs());
  }

  /** Whether any detector runs with these settings alone (their routes and keys aside). */
  boolean runs() {
    return detectors.values().stream().anyMatch(m -> m != PiiMode.OFF)
        || custom.stream().anyMatch(c -> c.mode() != PiiMode.OFF);
  }
}
