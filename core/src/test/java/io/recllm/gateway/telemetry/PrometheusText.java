package io.recllm.gateway.telemetry;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser for the Prometheus text exposition format 0.0.4, written for the tests because no
 * Java library on Maven Central parses it (the Prometheus Java client only writes it). It rejects what
 * a Prometheus server would reject and checks the structural rules a scrape must keep: TYPE before a
 * family's samples, a family's samples together, no duplicate series, label escaping, and for each
 * histogram cumulative buckets ending in {@code +Inf} equal to {@code _count}.
 */
final class PrometheusText {

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

  record Sample(String name, Map<String, String> labels, double value) {}

  record Family(String name, String type, String help, List<Sample> samples) {}

  private final Map<String, Family> families = new LinkedHashMap<>();

  private PrometheusText() {}

  static PrometheusText parse(String text) {
    PrometheusText p = new PrometheusText();
    p.read(text);
    p.checkHistograms();
    return p;
  }

  Map<String, Family> families() {
    return families;
  }

  Family family(String name) {
    Family f = families.get(name);
    if (f == null) throw new AssertionError("no metric family " + name + " in the scrape; have " + families.keySet());
    return f;
  }

  /** The value of one series, 0 when it does not exist (yet): what a delta needs. */
  double value(String sampleName, String... labelPairs) {
    Map<String, String> want = new TreeMap<>();
    for (int i = 0; i + 1 < labelPairs.length; i += 2) want.put(labelPairs[i], labelPairs[i + 1]);
    for (Family f : families.values()) {
      for (Sample s : f.samples()) {
        if (s.name().equals(sampleName) && s.labels().equals(want)) return s.value();
      }
    }
    return 0;
  }

  private void read(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) fail(0, "the exposition must end with a line feed");
    Set<String> closed = new HashSet<>(); // families whose samples are over
    Set<String> series = new HashSet<>();
    String current = null;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length - 1; i++) {
      String line = lines[i];
      int n = i + 1;
      if (line.isEmpty()) continue;
      if (line.startsWith("#")) {
        String[] parts = line.split(" ", 4);
        if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
          String name = parts[2];
          if (!METRIC_NAME.matcher(name).matches()) fail(n, "bad metric name " + name);
          if (closed.contains(name) || (current != null && !current.equals(name) && families.containsKey(name))) {
            fail(n, "metadata for " + name + " after its samples");
          }
          Family f = families.get(name);
          if (parts[1].equals("TYPE")) {
            String type = parts.length > 3 ? parts[3] : "";
            if (!TYPES.contains(type)) fail(n, "unknown type " + type);
            if (f != null && f.type() != null) fail(n, "second TYPE line for " + name);
            if (f != null && !f.samples().isEmpty()) fail(n, "TYPE after samples of " + name);
            families.put(name, new Family(name, type, f == null ? null : f.help(), f == null ? new ArrayList<>() : f.samples()));
          } else {
            if (f != null && f.help() != null) fail(n, "second HELP line for " + name);
            families.put(name, new Family(name, f == null ? null : f.type(), parts.length > 3 ? parts[3] : "",
                f == null ? new ArrayList<>() : f.samples()));
          }
          if (current != null && !current.equals(name)) closed.add(current);
          current = name;
        }
        continue; // other comments are allowed
      }
      Sample s = sample(line, n);
      String family = familyOf(s.name());
      if (current != null && !current.equals(family)) closed.add(current);
      if (closed.contains(family)) fail(n, "samples of " + family + " are not together");
      current = family;
      Family f = families.computeIfAbsent(family, k -> new Family(k, "untyped", null, new ArrayList<>()));
      if (!series.add(s.name() + s.labels())) fail(n, "duplicate series " + s.name() + s.labels());
      checkSuffix(f, s, n);
      f.samples().add(s);
    }
  }

  private String familyOf(String sampleName) {
    for (String suffix : List.of("_bucket", "_count", "_sum", "_total", "_created")) {
      if (sampleName.endsWith(suffix)) {
        String base = sampleName.substring(0, sampleName.length() - suffix.length());
        Family f = families.get(base);
        if (f != null && f.type() != null && !f.type().equals("untyped") && !f.type().equals("gauge")) return base;
      }
    }
    return sampleName;
  }

  private static void checkSuffix(Family f, Sample s, int n) {
    String rest = s.name().substring(f.name().length());
    boolean ok = switch (f.type() == null ? "untyped" : f.type()) {
      case "counter" -> rest.equals("_total") || rest.equals("_created") || rest.isEmpty();
      case "histogram" -> rest.equals("_bucket") || rest.equals("_count") || rest.equals("_sum") || rest.equals("_created");
      case "summary" -> rest.isEmpty() || rest.equals("_count") || rest.equals("_sum") || rest.equals("_created");
      default -> rest.isEmpty();
    };
    if (!ok) fail(n, "sample " + s.name() + " does not belong to " + f.type() + " " + f.name());
    if (f.type() != null && f.type().equals("histogram") && rest.equals("_bucket") && !s.labels().containsKey("le")) {
      fail(n, "histogram bucket without le");
    }
  }

  private static Sample sample(String line, int n) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') i++;
    String name = line.substring(0, i);
    if (!METRIC_NAME.matcher(name).matches()) fail(n, "bad metric name '" + name + "'");
    Map<String, String> labels = new TreeMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (true) {
        if (i >= line.length()) fail(n, "unterminated label set");
        if (line.charAt(i) == '}') {
          i++;
          break;
        }
        int eq = line.indexOf('=', i);
        if (eq < 0) fail(n, "label without =");
        String label = line.substring(i, eq);
        if (!LABEL_NAME.matcher(label).matches()) fail(n, "bad label name '" + label + "'");
        if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') fail(n, "label value must be quoted");
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        while (true) {
          if (j >= line.length()) fail(n, "unterminated label value");
          char c = line.charAt(j);
          if (c == '"') break;
          if (c == '\\') {
            if (j + 1 >= line.length()) fail(n, "dangling escape");
            char e = line.charAt(j + 1);
            if (e == 'n') value.append('\n');
            else if (e == '\\' || e == '"') value.append(e);
            else fail(n, "bad escape \\" + e);
            j += 2;
          } else {
            value.append(c);
            j++;
          }
        }
        if (labels.put(label, value.toString()) != null) fail(n, "duplicate label " + label);
        i = j + 1;
        if (i < line.length() && line.charAt(i) == ',') i++;
        else if (i < line.length() && line.charAt(i) != '}') fail(n, "expected , or } after a label");
      }
    }
    if (i >= line.length() || line.charAt(i) != ' ') fail(n, "expected a space before the value");
    String[] rest = line.substring(i + 1).split(" ");
    if (rest.length < 1 || rest.length > 2) fail(n, "expected a value and an optional timestamp");
    double value = number(rest[0], n);
    if (rest.length == 2 && !rest[1].matches("-?\\d+")) fail(n, "bad timestamp " + rest[1]);
    return new Sample(name, labels, value);
  }

  private static double number(String s, int n) {
    switch (s) {
      case "+Inf": return Double.POSITIVE_INFINITY;
      case "-Inf": return Double.NEGATIVE_INFINITY;
      case "NaN": return Double.NaN;
      default:
        if (!s.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) fail(n, "bad value " + s);
        return Double.parseDouble(s);
    }
  }

  private void checkHistograms() {
    for (Family f : families.values()) {
      if (!"histogram".equals(f.type())) continue;
      Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
      Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
      for (Sample s : f.samples()) {
        Map<String, String> key = new TreeMap<>(s.labels());
        key.remove("le");
        if (s.name().endsWith("_bucket")) buckets.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
        if (s.name().endsWith("_count")) counts.put(key, s.value());
      }
      for (var e : buckets.entrySet()) {
        double lastLe = Double.NEGATIVE_INFINITY;
        double lastCount = 0;
        for (Sample b : e.getValue()) {
          double le = number(b.labels().get("le"), 0);
          if (!(le > lastLe)) throw new AssertionError(f.name() + e.getKey() + ": buckets not in increasing le order");
          if (b.value() < lastCount) throw new AssertionError(f.name() + e.getKey() + ": bucket counts not cumulative");
          lastLe = le;
          lastCount = b.value();
        }
        if (lastLe != Double.POSITIVE_INFINITY) throw new AssertionError(f.name() + e.getKey() + ": no +Inf bucket");
        Double count = counts.get(e.getKey());
        if (count == null || count != lastCount) {
          throw new AssertionError(f.name() + e.getKey() + ": _count " + count + " differs from the +Inf bucket " + lastCount);
        }
      }
    }
  }

  private static void fail(int line, String why) {
    throw new AssertionError("invalid Prometheus text exposition at line " + line + ": " + why);
  }
}
