package io.recllm.gateway.pricing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The parsed built-in price table, immutable once loaded. Besides the rows by id it keeps, for each
 * model family that has no row of its own (the id with its snapshot date removed), the newest dated
 * row: that is how {@code claude-3-5-sonnet-latest} finds {@code claude-3-5-sonnet-20241022}.
 */
final class PriceTable {

  static final String RESOURCE = "/pricing/prices.csv";

  private static final List<String> COLUMNS = List.of(
      "provider", "model", "effective_date", "input", "cached_input", "cache_write", "cache_write_1h",
      "output", "max_output_tokens", "long_context_above", "long_input", "long_cached_input",
      "long_cache_write", "long_output", "priority_input", "priority_cached_input",
      "priority_cache_write", "priority_output", "note");

  private final List<PriceRow> rows;
  /** Rows by {@link #key}: under provider and id, and under the id alone for the first row listing it. */
  private final Map<String, PriceRow> byModel;
  private final Map<String, PriceRow> newestOfFamily;
  private final Set<String> providers;

  private PriceTable(List<PriceRow> rows) {
    Map<String, PriceRow> models = new HashMap<>();
    for (PriceRow row : rows) {
      models.putIfAbsent(key(null, row.model()), row);
      models.put(key(row.provider(), row.model()), row);
    }
    Map<String, PriceRow> families = new HashMap<>();
    for (PriceRow row : rows) {
      String family = ModelIds.withoutSnapshotSuffix(row.model());
      if (family == null) continue;
      for (String provider : new String[] {null, row.provider()}) {
        String key = key(provider, family);
        if (!models.containsKey(key)) families.merge(key, row, PriceTable::newer);
      }
    }
    this.rows = List.copyOf(rows);
    this.byModel = Map.copyOf(models);
    this.newestOfFamily = Map.copyOf(families);
    this.providers = rows.stream().map(PriceRow::provider).collect(Collectors.toUnmodifiableSet());
  }

  /** One model id may be listed by several providers (a Llama on Groq and on Cerebras), at their own prices. */
  private static String key(String provider, String model) {
    return provider == null ? model : provider + '\u0000' + model;
  }

  /** Loads the table shipped in the jar; a broken table is a build defect, hence unchecked. */
  static PriceTable builtIn() {
    InputStream in = PriceTable.class.getResourceAsStream(RESOURCE);
    if (in == null) throw new IllegalStateException("price table " + RESOURCE + " is missing from the classpath");
    try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      return parse(reader, RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /**
   * Parses the CSV format documented at the top of {@code prices.csv}.
   *
   * @throws IllegalArgumentException naming the source, line and column of the first bad value
   */
  static PriceTable parse(Reader reader, String sourceName) throws IOException {
    BufferedReader lines = new BufferedReader(reader);
    List<PriceRow> rows = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    Map<String, Integer> header = null;
    String line;
    int lineNo = 0;
    while ((line = lines.readLine()) != null) {
      lineNo++;
      if (line.isBlank() || line.startsWith("#")) continue;
      List<String> fields = splitCsv(line, sourceName, lineNo);
      if (header == null) {
        header = header(fields, sourceName, lineNo);
        continue;
      }
      if (fields.size() != header.size()) {
        throw new IllegalArgumentException(sourceName + ":" + lineNo + ": expected " + header.size()
            + " fields, found " + fields.size());
      }
      RowReader r = new RowReader(fields, header, sourceName, lineNo);
      PriceRow row = r.row();
      Integer first = seen.putIfAbsent(key(row.provider(), row.model()), lineNo);
      if (first != null) {
        throw new IllegalArgumentException(sourceName + ":" + lineNo + ": model '" + row.model()
            + "' of provider '" + row.provider() + "' is already listed on line " + first);
      }
      rows.add(row);
    }
    if (header == null) throw new IllegalArgumentException(sourceName + ": no header line");
    return new PriceTable(rows);
  }

  List<PriceRow> rows() {
    return rows;
  }

  /**
   * The row listed under exactly this id by {@code provider}; with a null provider, the first row in
   * the file that lists the id.
   */
  PriceRow exact(String model, String provider) {
    return byModel.get(key(provider, model));
  }

  /** The newest dated row of a family that has no row of its own (of {@code provider}; null: any). */
  PriceRow newestOfFamily(String family, String provider) {
    return newestOfFamily.get(key(provider, family));
  }

  boolean knowsProvider(String provider) {
    return providers.contains(provider);
  }

  private static PriceRow newer(PriceRow a, PriceRow b) {
    return a.standard().effectiveDate().compareTo(b.standard().effectiveDate()) >= 0 ? a : b;
  }

  private static Map<String, Integer> header(List<String> fields, String source, int lineNo) {
    Map<String, Integer> index = new LinkedHashMap<>();
    for (int i = 0; i < fields.size(); i++) index.put(fields.get(i).trim(), i);
    for (String column : COLUMNS) {
      if (!index.containsKey(column)) {
        throw new IllegalArgumentException(source + ":" + lineNo + ": header lacks column '" + column + "'");
      }
    }
    return index;
  }

  /** Splits one line; double quotes may enclose a field holding commas, "" is a literal quote. */
  static List<String> splitCsv(String line, String source, int lineNo) {
    List<String> out = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"' && field.length() == 0) {
        quoted = true;
      } else if (c == ',') {
        out.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    if (quoted) throw new IllegalArgumentException(source + ":" + lineNo + ": unterminated quote");
    out.add(field.toString());
    return out;
  }

  /** Reads the typed values of one data line, failing with the column that is wrong. */
  private static final class RowReader {
    private final List<String> fields;
    private final Map<String, Integer> header;
    private final String where;

    RowReader(List<String> fields, Map<String, Integer> header, String source, int lineNo) {
      this.fields = fields;
      this.header = header;
      this.where = source + ":" + lineNo + ": ";
    }

    PriceRow row() {
      String provider = required("provider");
      String model = required("model");
      String date = required("effective_date");
      try {
        LocalDate.parse(date);
      } catch (DateTimeParseException e) {
        throw bad("effective_date", "'" + date + "' is not an ISO date (yyyy-mm-dd)");
      }
      Integer maxOutput = optionalInt("max_output_tokens");
      // an embedding model produces no output tokens: its row leaves output empty
      BigDecimal output = value("output").isEmpty() ? BigDecimal.ZERO : price("output");
      ModelPrice standard = new ModelPrice(price("input"), optionalPrice("cached_input"),
          optionalPrice("cache_write"), output, maxOutput, date);

      Long longAbove = optionalLong("long_context_above");
      ModelPrice longContext = null;
      if (longAbove != null) {
        longContext = new ModelPrice(price("long_input"), optionalPrice("long_cached_input"),
            optionalPrice("long_cache_write"), price("long_output"), maxOutput, date);
      } else {
        requireEmpty("long_input", "long_cached_input", "long_cache_write", "long_output");
      }

      ModelPrice priority = null;
      if (!value("priority_input").isEmpty() || !value("priority_output").isEmpty()) {
        priority = new ModelPrice(price("priority_input"), optionalPrice("priority_cached_input"),
            optionalPrice("priority_cache_write"), price("priority_output"), maxOutput, date);
      } else {
        requireEmpty("priority_cached_input", "priority_cache_write");
      }
      return new PriceRow(provider, model, standard, optionalPrice("cache_write_1h"), longAbove,
          longContext, priority, value("note"));
    }

    private String value(String column) {
      return fields.get(header.get(column)).trim();
    }

    private String required(String column) {
      String v = value(column);
      if (v.isEmpty()) throw bad(column, "is required");
      return v;
    }

    private BigDecimal price(String column) {
      BigDecimal p = optionalPrice(column);
      if (p == null) throw bad(column, "is required");
      return p;
    }

    /** Read as the exact decimal written: 0.15 is 0.15, not the double nearest to it. */
    private BigDecimal optionalPrice(String column) {
      String v = value(column);
      if (v.isEmpty()) return null;
      BigDecimal p;
      try {
        p = new BigDecimal(v);
      } catch (NumberFormatException e) {
        throw bad(column, "'" + v + "' is not a number");
      }
      // Zero would silently make a model free; a truly free model belongs in config overrides.
      if (p.signum() <= 0) throw bad(column, "must be a positive price, was " + v);
      String unusable = Pricing.unusableRate(p);
      if (unusable != null) throw bad(column, unusable + ", was " + v);
      return p;
    }

    private Integer optionalInt(String column) {
      Long v = optionalLong(column);
      if (v == null) return null;
      if (v > Integer.MAX_VALUE) throw bad(column, "is too large");
      return v.intValue();
    }

    private Long optionalLong(String column) {
      String v = value(column);
      if (v.isEmpty()) return null;
      try {
        long n = Long.parseLong(v);
        if (n <= 0) throw bad(column, "must be positive, was " + v);
        return n;
      } catch (NumberFormatException e) {
        throw bad(column, "'" + v + "' is not a whole number");
      }
    }

    private void requireEmpty(String... columns) {
      for (String column : columns) {
        if (!value(column).isEmpty()) throw bad(column, "is set but the tier it belongs to is not");
      }
    }

    private IllegalArgumentException bad(String column, String problem) {
      return new IllegalArgumentException(where + column + " " + problem);
    }
  }
}
