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
 * </pre>
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
    pii.checkKeys(Set.of("detectors", "custom"));
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
    return new PiiSettings(modes, custom);
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
