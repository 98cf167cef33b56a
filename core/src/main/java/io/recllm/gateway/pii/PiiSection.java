package io.recllm.gateway.pii;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.config.ConfigException;
import io.recllm.gateway.config.ConfigNode;
import io.recllm.gateway.config.ConfigSection;
import io.recllm.gateway.config.ConfigValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the {@code pii} section:
 * <pre>
 * pii:
 *   detectors: { email: restore, phone: restore, card: mask, iban: mask, ssn: block, ip: off, secret: block }
 *   custom: [ { name: employee_id, regex: "EMP-[0-9]{6}", mode: mask } ]
 *   routes:                                   # by route name (a name under routes)
 *     internal: off                           # no redaction for calls to this route
 *     support: { detectors: { phone: mask } } # over pii.detectors; custom detectors by their name
 *   keys:                                     # by virtual key name or id, applied after the route's
 *     eval-bot: { detectors: { email: off } }
 * </pre>
 * A route's or key's settings live here rather than on the route or the key, so that everything about
 * redaction is read in one place and a key stored through the admin API needs no new field.
 */
public final class PiiSection implements ConfigSection<PiiSettings> {

  public static final PiiSection SECTION = new PiiSection();

  @Override
  public Set<String> topKeys() {
    return Set.of("pii");
  }

  @Override
  public PiiSettings read(ConfigNode root, Set<String> providers) {
    if (!root.has("pii")) return null;
    ConfigNode pii = root.child("pii");
    pii.checkKeys(Set.of("detectors", "custom", "routes", "keys"));
    ConfigNode detectors = pii.child("detectors");
    detectors.checkKeys(Detectors.BUILT_IN);
    Map<String, PiiMode> modes = new LinkedHashMap<>();
    for (String name : Detectors.BUILT_IN) {
      if (detectors.has(name)) modes.put(name, mode(detectors.string(name, "off"), detectors.path(name)));
    }
    List<PiiSettings.Custom> custom = new ArrayList<>();
    JsonNode list = pii.node().path("custom");
    if (!ConfigValues.absent(list)) {
      if (!list.isArray()) throw pii.fail("custom", "must be a list, got " + ConfigValues.describe(list));
      for (int i = 0; i < list.size(); i++) custom.add(custom(list.get(i), pii.path("custom") + "[" + i + "]"));
    }
    Set<String> names = new java.util.HashSet<>(Detectors.BUILT_IN);
    custom.forEach(c -> names.add(c.name()));
    JsonNode configuredRoutes = root.node().path("routes");
    Map<String, PiiSettings.Overlay> routes = overrides(pii, "routes", names, name -> {
      if (!configuredRoutes.has(name)) {
        List<String> known = new ArrayList<>();
        configuredRoutes.fieldNames().forEachRemaining(known::add);
        return "no route named \"" + name + "\" under routes (configured: " + (known.isEmpty() ? "none" : String.join(", ", known)) + ")";
      }
      return null;
    });
    Map<String, PiiSettings.Overlay> keys = overrides(pii, "keys", names, name -> null); // keys may be made later
    return new PiiSettings(modes, custom, routes, keys);
  }

  /** {@code pii.<where>}: a mapping of name to {@code off} or {@code { detectors: {...} }}. */
  private static Map<String, PiiSettings.Overlay> overrides(ConfigNode pii, String where, Set<String> detectorNames,
                                                             java.util.function.Function<String, String> unknown) {
    if (!pii.has(where)) return Map.of();
    ConfigNode all = pii.child(where);
    Map<String, PiiSettings.Overlay> out = new LinkedHashMap<>();
    for (String name : all.keys()) {
      String problem = unknown.apply(name);
      if (problem != null) throw all.fail(name, problem);
      JsonNode n = all.node().get(name);
      if (n.isBoolean() && !n.asBoolean() || n.isTextual() && n.asText().trim().equalsIgnoreCase("off")) {
        out.put(name, PiiSettings.Overlay.ALL_OFF);
        continue;
      }
      if (!n.isObject()) throw all.fail(name, "must be off or a mapping { detectors: {...} }, got " + ConfigValues.describe(n));
      ConfigNode o = all.child(name);
      o.checkKeys(Set.of("detectors"));
      Map<String, PiiMode> modes = new LinkedHashMap<>();
      if (o.has("detectors")) {
        ConfigNode d = o.child("detectors");
        d.checkKeys(detectorNames);
        for (String k : d.keys()) modes.put(k, mode(d.string(k, "off"), d.path(k)));
      }
      out.put(name, new PiiSettings.Overlay(false, modes));
    }
    return out;
  }

  private static PiiSettings.Custom custom(JsonNode item, String path) {
    if (!item.isObject()) throw new ConfigException(path + ": must be a mapping, got " + ConfigValues.describe(item));
    ConfigValues.checkKeys(item, path, Set.of("name", "regex", "mode"));
    String name = ConfigValues.string(item, "name", path + ".name");
    if (!name.matches("[A-Za-z][A-Za-z0-9_]*")) {
      throw new ConfigException(path + ".name: must be letters, digits and _, got \"" + name + "\"");
    }
    if (Detectors.BUILT_IN.contains(name)) {
      throw new ConfigException(path + ".name: \"" + name + "\" is a built-in detector; set it under pii.detectors");
    }
    String regex = ConfigValues.string(item, "regex", path + ".regex");
    Pattern pattern;
    try {
      pattern = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new ConfigException(path + ".regex: not a valid regular expression: " + e.getDescription());
    }
    PiiMode mode = item.hasNonNull("mode") ? mode(ConfigValues.string(item, "mode", path + ".mode"), path + ".mode") : PiiMode.MASK;
    return new PiiSettings.Custom(name, pattern, mode);
  }

  private static PiiMode mode(String text, String path) {
    if (text.equals("false")) return PiiMode.OFF; // YAML 1.1 reads a bare off as false
    try {
      return PiiMode.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(path + ": must be one of " + PiiMode.names() + ", got \"" + text + "\"");
    }
  }

  @Override
  public PiiSettings defaults() {
    return PiiSettings.OFF;
  }
}
