package io.recllm.gateway.pii;

import io.recllm.gateway.pii.Detectors.Detector;
import io.recllm.gateway.pii.Detectors.Match;
import io.recllm.gateway.pii.Detectors.TextFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The configured detectors, in the order they claim text: custom patterns first (they are the most
 * specific), then secrets, emails, IBANs, cards, SSNs, IP addresses and phone numbers last (the most
 * permissive). A span one detector claimed is not looked at by the later ones.
 */
final class Redactor {

  private static final List<String> ORDER =
      List.of(Detectors.SECRET, Detectors.EMAIL, Detectors.IBAN, Detectors.CARD, Detectors.SSN, Detectors.IP, Detectors.PHONE);

  /** A detector with its mode. */
  record Rule(Detector detector, PiiMode mode, String label) {}

  /** A value found: its span, and the rule that found it. */
  record Found(int start, int end, Rule rule) {}

  private final List<Rule> rules;

  Redactor(PiiSettings settings) {
    List<Rule> r = new ArrayList<>();
    for (PiiSettings.Custom c : settings.custom()) {
      if (c.mode() != PiiMode.OFF) r.add(new Rule(Detectors.custom(c.name(), c.regex()), c.mode(), label(c.name())));
    }
    for (String kind : ORDER) {
      PiiMode mode = settings.mode(kind);
      if (mode != PiiMode.OFF) r.add(new Rule(Detectors.builtIn(kind), mode, label(kind)));
    }
    this.rules = List.copyOf(r);
  }

  private static String label(String kind) {
    return kind.toUpperCase(Locale.ROOT);
  }

  /** The values in {@code text}, not overlapping, ordered by position; empty (and not allocated) when there are none. */
  List<Found> scan(String text) {
    if (text.isEmpty()) return List.of();
    TextFacts facts = new TextFacts(text);
    List<Found> found = null;
    List<Match> matches = new ArrayList<>(4);
    for (Rule rule : rules) {
      matches.clear();
      rule.detector().find(text, facts, matches);
      for (Match m : matches) {
        if (found == null) found = new ArrayList<>(4);
        if (!overlaps(found, m)) found.add(new Found(m.start(), m.end(), rule));
      }
    }
    if (found == null) return List.of();
    found.sort((a, b) -> Integer.compare(a.start(), b.start()));
    return found;
  }

  private static boolean overlaps(List<Found> found, Match m) {
    for (Found f : found) {
      if (m.start() < f.end() && f.start() < m.end()) return true;
    }
    return false;
  }
}
