package io.recllm.gateway.pricing;

import io.recllm.gateway.core.TokenUsage;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prices calls: model id to {@link ModelPrice}, token usage to {@link Cost}.
 *
 * <p>A model id resolves, first match wins, to
 * <ol>
 *   <li>a config override under exactly that id;</li>
 *   <li>a built-in row under exactly that id;</li>
 *   <li>its family, when the id ends in a snapshot date ({@code -2024-08-06}, {@code -20241022}) or
 *       {@code -latest}: an override or row for the id without that suffix, else the newest dated
 *       row of the family ({@code claude-3-5-sonnet-latest} finds {@code claude-3-5-sonnet-20241022});</li>
 *   <li>for an OpenAI fine-tune ({@code ft:BASE:org:name:id}), the table's fine-tuning price
 *       {@code ft:BASE} resolved the same way, else the price of {@code BASE} itself. The fallback
 *       underestimates (fine-tuned inference costs more than the base model), but it is closer
 *       than pricing the call at zero;</li>
 *   <li>nothing: the call costs {@link Cost#UNPRICED} and the model is logged once.</li>
 * </ol>
 * Only those suffixes are removed, so {@code gpt-4o-mini} can never take {@code gpt-4o}'s price.
 *
 * <p>Built-in rows are matched by provider and model id: one id may be listed by several providers
 * at their own prices. When {@code provider} names a provider the table covers ("openai", "groq")
 * only that provider's rows match; else, when it is a configured provider whose type the table covers
 * ({@link #withProviderTypes}: a provider "fast" of type groq), that type's rows; anything else (an
 * Azure provider, a provider of type openai called "proxy") matches by id alone, taking the first row
 * in the file that lists the id. OpenAI's and Anthropic's rows come first, so Azure's {@code gpt-4o}
 * is priced as OpenAI's, which is Azure's list price too. Overrides match by id for every provider.
 *
 * <p>Resolutions, misses included, are cached per provider and model, so the per-call path is two
 * map reads and the arithmetic. Instances are immutable apart from that cache and are thread-safe.
 */
public final class Pricing {

  private static final Logger LOG = LoggerFactory.getLogger(Pricing.class);

  /** The {@code service_tier} value OpenAI reports for priority processing. */
  public static final String PRIORITY_TIER = "priority";

  // Model ids come from clients; the bound keeps a flood of made-up names from growing the
  // cache without limit. Clearing (rather than evicting one) is rare and keeps the hot path simple.
  static final int MAX_CACHED_MODELS_PER_PROVIDER = 10_000;
  private static final int MAX_CACHED_PROVIDERS = 256;

  private final PriceTable table;
  private final Map<String, ModelPrice> overrides;
  private final Map<String, String> providerTypes;
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Resolution>> cache =
      new ConcurrentHashMap<>();

  private Pricing(PriceTable table, Map<String, ModelPrice> overrides, Map<String, String> providerTypes) {
    this.table = table;
    this.overrides = overrides;
    this.providerTypes = providerTypes;
  }

  /**
   * Pricing from the table shipped in the jar ({@code /pricing/prices.csv}), without overrides.
   * The table is parsed once per JVM; each instance has its own lookup cache and its own memory of
   * which unpriced models it has logged, so create one and share it.
   */
  public static Pricing builtIn() {
    return new Pricing(BuiltInTable.TABLE, Map.of(), Map.of());
  }

  /**
   * A new instance in which {@code overrides} (config {@code pricing:}, keyed by model id) win over
   * the built-in table and over overrides given earlier. Prices may be 0, which is how a local
   * model is marked free rather than unpriced.
   *
   * @throws IllegalArgumentException naming the model whose price is unusable
   */
  public Pricing withOverrides(Map<String, ModelPrice> overrides) {
    Objects.requireNonNull(overrides, "overrides");
    Map<String, ModelPrice> merged = new HashMap<>(this.overrides);
    overrides.forEach((model, price) -> {
      validateOverride(model, price);
      merged.put(model, price);
    });
    return new Pricing(table, Map.copyOf(merged), providerTypes);
  }

  /**
   * A new instance that knows the type of each configured provider (name to type), so that a provider
   * named otherwise than its type is priced by its type's rows.
   */
  public Pricing withProviderTypes(Map<String, String> providerTypes) {
    return new Pricing(table, overrides, Map.copyOf(providerTypes));
  }

  /** The price that applies to {@code model} at the standard tier, if any. */
  public Optional<ModelPrice> find(String provider, String model) {
    return resolve(provider, model).found;
  }

  /**
   * The model's output ceiling, for adapters whose upstream requires {@code max_tokens}. An
   * override without one falls back to the built-in row of the same model.
   */
  public OptionalInt maxOutputTokens(String provider, String model) {
    return resolve(provider, model).maxOutputTokens;
  }

  /** Cost of one call at the standard service tier; see {@link #cost(String, String, TokenUsage, String)}. */
  public Cost cost(String provider, String model, TokenUsage usage) {
    return cost(provider, model, usage, null);
  }

  /**
   * Cost of one call. Uncached prompt tokens bill at input, cached ones at cachedInput, cache
   * writes at cacheWrite and completion tokens (reasoning included) at output. Built-in rows may
   * switch the whole call to other rates: {@code serviceTier} "priority" uses the row's priority
   * rates when it has them (otherwise standard, an underestimate), and a prompt larger than the
   * row's long-context threshold uses its long-context rates. Priority takes precedence, since
   * providers publish no combined rate. The sum is exact (the rates are decimals) and is rounded once,
   * half to even, to a whole nano-USD: 17 tokens at 0.15 per 1M cost exactly 0.00000255 USD.
   *
   * @param serviceTier the {@code service_tier} the upstream reported; null means standard
   */
  public Cost cost(String provider, String model, TokenUsage usage, String serviceTier) {
    Resolution r = resolve(provider, model);
    if (r.price == null) return Cost.UNPRICED;
    TokenUsage u = usage == null ? TokenUsage.NONE : usage;
    if (r.priority != null && PRIORITY_TIER.equalsIgnoreCase(serviceTier)) {
      return new Cost(r.priority.nanoUsd(u), r.priorityVersion);
    }
    if (r.longContext != null && u.promptTokens() > r.longContextAbove) {
      return new Cost(r.longContext.nanoUsd(u), r.longContextVersion);
    }
    return new Cost(r.price.nanoUsd(u), r.version);
  }

  /** Model ids of the built-in table for one provider type ("openai", "anthropic"), for {@code /v1/models}. */
  public List<String> knownModels(String providerType) {
    return table.rows().stream().filter(r -> r.provider().equals(providerType)).map(PriceRow::model).toList();
  }

  /** Every row of the built-in table, in file order. */
  public List<PriceRow> builtInRows() {
    return table.rows();
  }

  /** The built-in row listed under exactly {@code model}, without family matching or overrides. */
  public Optional<PriceRow> builtInRow(String model) {
    return Optional.ofNullable(table.exact(model, null));
  }

  /**
   * The call's cost in nano-USD: the exact sum of tokens times the decimal rates, rounded once, half to
   * even, to a whole nano-USD. Negative token counts count as none.
   */
  static long nanoUsd(ModelPrice p, TokenUsage u) {
    long prompt = Math.max(0, u.promptTokens());
    long cached = Math.max(0, u.cachedTokens());
    long written = Math.max(0, u.cacheWriteTokens());
    long completion = Math.max(0, u.completionTokens());
    // An adapter that reports cache tokens outside promptTokens must not produce a negative bill.
    long uncached = Math.max(0, prompt - cached - written);
    BigDecimal cachedRate = p.cachedInput() != null ? p.cachedInput() : p.input();
    BigDecimal writeRate = p.cacheWrite() != null ? p.cacheWrite() : p.input();
    BigDecimal perMillion = p.input().multiply(BigDecimal.valueOf(uncached))
        .add(cachedRate.multiply(BigDecimal.valueOf(cached)))
        .add(writeRate.multiply(BigDecimal.valueOf(written)))
        .add(p.output().multiply(BigDecimal.valueOf(completion)));
    return NanoUsd.of(perMillion.movePointLeft(6));
  }

  private Resolution resolve(String provider, String model) {
    if (model == null || model.isEmpty()) return Resolution.NONE;
    String providerKey = provider == null ? "" : provider;
    ConcurrentHashMap<String, Resolution> byModel = cache.get(providerKey);
    if (byModel == null) {
      if (cache.size() >= MAX_CACHED_PROVIDERS) cache.clear();
      byModel = cache.computeIfAbsent(providerKey, k -> new ConcurrentHashMap<>());
    }
    Resolution cached = byModel.get(model);
    if (cached != null) return cached;

    Resolution fresh = lookUp(provider, model);
    if (byModel.size() >= MAX_CACHED_MODELS_PER_PROVIDER) byModel.clear();
    Resolution raced = byModel.putIfAbsent(model, fresh);
    if (raced != null) return raced;
    // Only the thread that stored the miss logs it, which is what makes this once per model.
    if (fresh == Resolution.NONE) {
      LOG.warn("No price for model '{}' (provider '{}'): its calls are recorded at cost 0. "
          + "Add it under 'pricing:' in the gateway config.", printable(model), printable(providerKey));
    }
    return fresh;
  }

  private Resolution lookUp(String provider, String model) {
    String rowProvider = null;
    if (provider != null) {
      String type = providerTypes.get(provider);
      if (table.knowsProvider(provider)) rowProvider = provider;
      else if (type != null && table.knowsProvider(type)) rowProvider = type;
    }
    Resolution r = lookUpId(model, rowProvider);
    if (r != null) return r;
    String base = ModelIds.fineTuneBase(model);
    if (base != null) {
      r = lookUpId(ModelIds.fineTuneKey(base), rowProvider);
      if (r == null) r = lookUpId(base, rowProvider);
    }
    return r != null ? r : Resolution.NONE;
  }

  private Resolution lookUpId(String id, String rowProvider) {
    ModelPrice override = overrides.get(id);
    if (override != null) return overridden(id, override, rowProvider);
    PriceRow row = table.exact(id, rowProvider);
    if (row != null) return Resolution.of(row);
    String family = ModelIds.withoutSnapshotSuffix(id);
    if (family != null) {
      override = overrides.get(family);
      if (override != null) return overridden(family, override, rowProvider);
      row = table.exact(family, rowProvider);
      if (row != null) return Resolution.of(row);
    }
    row = table.newestOfFamily(family != null ? family : id, rowProvider);
    if (row == null) return null;
    override = overrides.get(row.model());
    return override != null ? overridden(row.model(), override, rowProvider) : Resolution.of(row);
  }

  private Resolution overridden(String key, ModelPrice price, String rowProvider) {
    Integer max = price.maxOutputTokens();
    if (max == null) {
      PriceRow row = builtInRowFor(key, rowProvider);
      if (row != null) max = row.standard().maxOutputTokens();
    }
    return Resolution.of(key, price, max);
  }

  private PriceRow builtInRowFor(String id, String rowProvider) {
    PriceRow row = table.exact(id, rowProvider);
    if (row != null) return row;
    String family = ModelIds.withoutSnapshotSuffix(id);
    if (family != null && (row = table.exact(family, rowProvider)) != null) return row;
    return table.newestOfFamily(family != null ? family : id, rowProvider);
  }

  private static void validateOverride(String model, ModelPrice price) {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("pricing: a model name is empty");
    }
    String at = "pricing." + model;
    if (price == null) throw new IllegalArgumentException(at + ": no price given");
    requireRate(at + ".input", price.input());
    requireRate(at + ".output", price.output());
    if (price.cachedInput() != null) requireRate(at + ".cached_input", price.cachedInput());
    if (price.cacheWrite() != null) requireRate(at + ".cache_write", price.cacheWrite());
    if (price.maxOutputTokens() != null && price.maxOutputTokens() <= 0) {
      throw new IllegalArgumentException(at + ".max_output_tokens must be positive, was "
          + price.maxOutputTokens());
    }
  }

  private static void requireRate(String at, BigDecimal rate) {
    if (rate == null) throw new IllegalArgumentException(at + " is required (USD per 1M tokens)");
    if (rate.signum() < 0) {
      throw new IllegalArgumentException(at + " must be a number >= 0 (USD per 1M tokens), was " + rate);
    }
    String unusable = unusableRate(rate);
    if (unusable != null) throw new IllegalArgumentException(at + " " + unusable + ", was " + rate);
  }

  /** Largest rate taken, in USD per 1M tokens: a dollar a token, far above any model's. */
  static final BigDecimal MAX_RATE = BigDecimal.valueOf(1_000_000);
  /** Finest rate step taken: finer digits cannot move a cost by a nano-USD at any realistic token count. */
  static final int MAX_RATE_DECIMALS = 15;

  /**
   * Why a non-negative rate cannot be used, or null. The bounds keep exact arithmetic on it cheap (an
   * exponent such as 1e-99999999 would make every call's sum enormous) and its costs inside a long.
   */
  public static String unusableRate(BigDecimal rate) {
    if (rate.compareTo(MAX_RATE) > 0) return "must be at most " + MAX_RATE + " (USD per 1M tokens)";
    if (rate.stripTrailingZeros().scale() > MAX_RATE_DECIMALS) {
      return "must have at most " + MAX_RATE_DECIMALS + " decimal places";
    }
    return null;
  }

  // Model ids are client input; keep log lines single and short whatever they contain.
  private static String printable(String s) {
    int limit = Math.min(s.length(), 200);
    StringBuilder b = new StringBuilder(limit + 3);
    for (int i = 0; i < limit; i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    if (s.length() > limit) b.append("...");
    return b.toString();
  }

  /** Loaded on first use so that merely linking this class does not read the resource. */
  private static final class BuiltInTable {
    static final PriceTable TABLE = PriceTable.builtIn();
  }

  /** What a model id resolved to, with everything the per-call path needs precomputed. */
  private static final class Resolution {
    static final Resolution NONE = new Resolution(null, null, null, null, 0, null, null, null);

    final Rates price;
    final String version;
    final Rates priority;
    final String priorityVersion;
    final long longContextAbove;
    final Rates longContext;
    final String longContextVersion;
    final Optional<ModelPrice> found;
    final OptionalInt maxOutputTokens;

    private Resolution(ModelPrice price, String version, ModelPrice priority, String priorityVersion,
                       long longContextAbove, ModelPrice longContext, String longContextVersion,
                       Integer maxOutputTokens) {
      this.price = Rates.of(price);
      this.version = version;
      this.priority = Rates.of(priority);
      this.priorityVersion = priorityVersion;
      this.longContextAbove = longContextAbove;
      this.longContext = Rates.of(longContext);
      this.longContextVersion = longContextVersion;
      this.found = Optional.ofNullable(price);
      this.maxOutputTokens = maxOutputTokens == null ? OptionalInt.empty() : OptionalInt.of(maxOutputTokens);
    }

    static Resolution of(PriceRow row) {
      String version = "builtin:" + row.model() + "@" + row.standard().effectiveDate();
      return new Resolution(row.standard(), version,
          row.priority(), row.priority() == null ? null : version + "/priority",
          row.longContextAbove() == null ? 0 : row.longContextAbove(), row.longContext(),
          row.longContext() == null ? null : version + "/long-context",
          row.standard().maxOutputTokens());
    }

    static Resolution of(String overrideKey, ModelPrice price, Integer maxOutputTokens) {
      return new Resolution(price, "config:" + overrideKey, null, null, 0, null, null, maxOutputTokens);
    }
  }
}
