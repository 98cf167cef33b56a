package io.recllm.gateway.pii;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What redaction did to one call: the placeholders it gave (the same value always gets the same one
 * within the call, so the model can still tell two people apart), how many values of each kind it
 * found, and the kinds that block the call. Never holds more than the call's own values and never
 * outlives the call.
 */
final class Redaction {

  static final Pattern PLACEHOLDER = Pattern.compile("<[A-Z][A-Z0-9_]*_[0-9]+>");

  private final Map<String, String> placeholderOf = new HashMap<>();
  private final Map<String, String> valueOf = new HashMap<>();
  private final Map<String, Integer> numbered = new HashMap<>();
  /** Kind to count, for the meters: the kinds found, never the values. */
  final Map<String, Integer> counts = new TreeMap<>();
  final Map<String, PiiMode> modes = new HashMap<>();
  final TreeSet<String> blocked = new TreeSet<>();
  private int longestPlaceholder;

  /** {@code text} with each value replaced as its mode says. */
  String apply(String text, List<Redactor.Found> found) {
    StringBuilder out = new StringBuilder(text.length() + 16 * found.size());
    int at = 0;
    for (Redactor.Found f : found) {
      String kind = f.rule().detector().kind();
      counts.merge(kind, 1, Integer::sum);
      modes.put(kind, f.rule().mode());
      out.append(text, at, f.start());
      String value = text.substring(f.start(), f.end());
      switch (f.rule().mode()) {
        case BLOCK -> {
          blocked.add(kind);
          out.append('[').append(f.rule().label()).append(']');
        }
        case MASK -> out.append('[').append(f.rule().label()).append(']');
        case RESTORE -> out.append(placeholder(f.rule().label(), value));
        case OFF -> out.append(value);
      }
      at = f.end();
    }
    return out.append(text, at, text.length()).toString();
  }

  private String placeholder(String label, String value) {
    String key = label + '\u0000' + value;
    String p = placeholderOf.get(key);
    if (p == null) {
      p = "<" + label + "_" + numbered.merge(label, 1, Integer::sum) + ">";
      placeholderOf.put(key, p);
      valueOf.put(p, value);
      longestPlaceholder = Math.max(longestPlaceholder, p.length());
    }
    return p;
  }

  /** Whether the answer needs restoring: some value went upstream as a placeholder. */
  boolean restores() {
    return !valueOf.isEmpty();
  }

  /** {@code text} with the call's own placeholders put back; other look-alikes stay as they are. */
  String restore(String text) {
    if (text.indexOf('<') < 0) return text;
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = null;
    int at = 0;
    while (m.find()) {
      String value = valueOf.get(m.group());
      if (value == null) continue;
      if (out == null) out = new StringBuilder(text.length());
      out.append(text, at, m.start()).append(value);
      at = m.end();
    }
    return out == null ? text : out.append(text, at, text.length()).toString();
  }

  /**
   * Where the text may end inside a placeholder: the index of a trailing {@code <...} that is the start of
   * one of the call's placeholders, or the text's length when it cannot be.
   */
  int safeEnd(CharSequence text) {
    int n = text.length();
    for (int i = n - 1; i >= 0 && n - i < longestPlaceholder; i--) {
      char c = text.charAt(i);
      if (c == '>') return n;
      if (c == '<') return startsSomePlaceholder(text, i) ? i : n;
    }
    return n;
  }

  private boolean startsSomePlaceholder(CharSequence text, int from) {
    String tail = text.subSequence(from, text.length()).toString();
    for (String p : valueOf.keySet()) {
      if (p.startsWith(tail)) return true;
    }
    return false;
  }
}
