package io.recllm.gateway.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Gemini, Bedrock and preset rows of the built-in table against the published price file they were
 * built from (LiteLLM's model_prices_and_context_window.json as of 2026-07-24; the entries of these
 * providers are in {@code /pricing/published_prices.json}, made by {@code extract_published_prices.py}
 * beside it). A hand edit, a regenerated table or a new price file that disagrees fails here; a
 * deliberate difference belongs in {@link #CHECKED_ELSEWHERE} with its source. Azure has no rows of its
 * own: its models are priced by OpenAI's rows of the same id, compared with the file's Azure entries.
 */
class PublishedPricesTest {

  /** The price file's key for a row: one of these prefixes, then the model id. */
  private static final Map<String, List<String>> PREFIXES = Map.ofEntries(
      Map.entry("gemini", List.of("gemini/", "")),
      Map.entry("bedrock", List.of("", "bedrock/", "bedrock/converse/")),
      Map.entry("groq", List.of("groq/")),
      Map.entry("together", List.of("together_ai/")),
      Map.entry("fireworks", List.of("fireworks_ai/", "fireworks_ai/accounts/fireworks/models/")),
      Map.entry("mistral", List.of("mistral/")),
      Map.entry("deepseek", List.of("deepseek/", "")),
      Map.entry("openrouter", List.of("openrouter/")),
      Map.entry("xai", List.of("xai/")),
      Map.entry("cerebras", List.of("cerebras/")),
      Map.entry("perplexity", List.of("perplexity/")));

  /** The file's litellm_provider values for each table provider. */
  private static final Map<String, Set<String>> FILE_PROVIDERS = Map.ofEntries(
      Map.entry("gemini", Set.of("gemini")),
      Map.entry("bedrock", Set.of("bedrock", "bedrock_converse")),
      Map.entry("groq", Set.of("groq")),
      Map.entry("together", Set.of("together_ai")),
      Map.entry("fireworks", Set.of("fireworks_ai")),
      Map.entry("mistral", Set.of("mistral")),
      Map.entry("deepseek", Set.of("deepseek")),
      Map.entry("openrouter", Set.of("openrouter")),
      Map.entry("xai", Set.of("xai")),
      Map.entry("cerebras", Set.of("cerebras")),
      Map.entry("perplexity", Set.of("perplexity")));

  /**
   * Values that differ from the file on purpose, each checked on a provider's own page
   * ({@code provider/model/column} to the page's value). None so far for these providers: the
   * cross-check of the file against providers' pages covered OpenAI and Anthropic only, so their
   * corrections are in the OpenAI and Anthropic rows (PriceCorrectionsTest).
   */
  private static final Map<String, String> CHECKED_ELSEWHERE = Map.of();

  /**
   * Azure entries of the file whose price differs from OpenAI's row of the same id, which is what an
   * Azure provider is billed at. None could be checked on Azure's pricing page (not in the stored
   * sources); each is listed so that a new difference fails the test.
   */
  private static final Map<String, String> AZURE_DIFFERENCES = Map.of(
      "gpt-4o-mini", "the file has Azure's regional price (0.165 / 0.66), 10% above the global deployment's, which is OpenAI's",
      "gpt-4o-mini-2024-07-18", "the same regional price as gpt-4o-mini",
      "gpt-4o-2024-11-20", "the same 10% regional mark-up (2.75 / 11)",
      "gpt-4o-mini-audio-preview-2024-12-17", "the file gives gpt-4o-audio's rates (2.5 / 10); OpenAI's row has the mini text rates",
      "gpt-5.6-luna", "OpenAI's row carries the price cut of 2026-07-30 (cross-check); the file's Azure entry predates it",
      "gpt-5.6-terra", "as gpt-5.6-luna");

  /** Bedrock keys that name no Bedrock model id (LiteLLM aliases); left out of the table. */
  private static final Set<String> BEDROCK_ALIASES = Set.of("anthropic.claude-haiku-4-5@20251001",
      "anthropic.claude-3-7-sonnet-20240620-v1:0", "claude-sonnet-4-5-20250929-v1:0");

  /** Gemini models the table leaves out: speech, live audio, music, experimental and Gemma endpoints. */
  private static final Pattern GEMINI_LEFT_OUT = Pattern.compile("tts|native-audio|live|lyria|gemma|exp|learnlm");

  private static final Pattern LONG_TIER = Pattern.compile("input_cost_per_token_above_(\\d+)k_tokens");
  private static final BigDecimal TOLERANCE = new BigDecimal("1e-9");

  private static final JsonNode FILE = load();
  private final List<PriceRow> rows = PriceTable.builtIn().rows();

  private static JsonNode load() {
    // exact decimals: the per-token values are compared per 1M tokens
    ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    try (InputStream in = PublishedPricesTest.class.getResourceAsStream("/pricing/published_prices.json")) {
      return mapper.readTree(Objects.requireNonNull(in, "published_prices.json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theExtractIsOfThePriceFileTheTableNames() {
    assertThat(FILE.path("last_updated").asText()).startsWith("2026-07-24");
  }

  @Test
  void everyGeminiBedrockAndPresetRowHasTheFilesPrices() {
    List<String> problems = new ArrayList<>();
    int compared = 0;
    for (PriceRow row : rows) {
      if (!PREFIXES.containsKey(row.provider())) continue;
      JsonNode entry = entryFor(row.provider(), row.model());
      if (entry == null) {
        problems.add(row.provider() + "/" + row.model() + ": not in the price file");
        continue;
      }
      compared++;
      ModelPrice p = row.standard();
      check(problems, row, "input", p.input(), perMillion(entry, "input_cost_per_token"));
      check(problems, row, "output", p.output(), perMillion(entry, "output_cost_per_token"));
      BigDecimal cached = perMillion(entry, "cache_read_input_token_cost");
      // DeepSeek's entries name their cache-hit rate differently
      if (cached == null) cached = perMillion(entry, "input_cost_per_token_cache_hit");
      check(problems, row, "cached_input", p.cachedInput(), cached);
      BigDecimal write = perMillion(entry, "cache_creation_input_token_cost");
      check(problems, row, "cache_write", p.cacheWrite(), write);
      check(problems, row, "cache_write_1h", row.cacheWrite1h(), perMillion(entry, "cache_creation_input_token_cost_above_1hr"));
      // max_tokens alone is ambiguous in the file (context size for some entries), so only max_output_tokens counts
      JsonNode maxOut = entry.get("max_output_tokens");
      if (maxOut != null && !Objects.equals(p.maxOutputTokens(), maxOut.asInt())) {
        problems.add(row.provider() + "/" + row.model() + " max_output_tokens: table " + p.maxOutputTokens() + ", file " + maxOut);
      }
      checkLongContext(problems, row, entry, cached, write);
      if (row.priority() != null) problems.add(row.provider() + "/" + row.model() + ": has priority rates, which the table leaves out here");
    }
    assertThat(problems).isEmpty();
    assertThat(compared).isGreaterThan(700); // 25 Gemini, 206 Bedrock and 522 preset rows today
  }

  /** Every chat model of these providers in the file with both token prices is a row (embedding models have no output price, so they are not asked for here), unless left out on purpose. */
  @Test
  void everyPricedChatModelOfTheseProvidersIsInTheTable() {
    Set<String> inTable = new java.util.HashSet<>();
    for (PriceRow row : rows) {
      if (!PREFIXES.containsKey(row.provider())) continue;
      for (String prefix : PREFIXES.get(row.provider())) inTable.add(prefix + row.model());
    }
    List<String> missing = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = FILE.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode entry = e.getValue();
      String fileProvider = entry.path("litellm_provider").asText();
      if (fileProvider.isEmpty() || fileProvider.equals("azure") || inTable.contains(key)) continue;
      BigDecimal in = perMillion(entry, "input_cost_per_token");
      BigDecimal out = perMillion(entry, "output_cost_per_token");
      if (in == null || out == null) continue; // no token price: routers, search presets, zero-priced retired models
      boolean bedrock = fileProvider.startsWith("bedrock");
      if (bedrock && (key.contains("/") || BEDROCK_ALIASES.contains(key))) continue; // per-region keys, aliases
      if (fileProvider.equals("gemini") && GEMINI_LEFT_OUT.matcher(key).find()) continue;
      if (key.startsWith("together-ai-")) continue; // Together's size buckets ("up-to-4b"), no model ids
      missing.add(key);
    }
    assertThat(missing).isEmpty();
  }

  @Test
  void azureModelsAreBilledAtTheFilesAzurePricesOrAListedDifference() {
    Pricing pricing = Pricing.builtIn();
    Map<String, String> differing = new TreeMap<>();
    int same = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = FILE.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().path("litellm_provider").asText().equals("azure") || !e.getKey().startsWith("azure/")) continue;
      String model = e.getKey().substring("azure/".length());
      if (model.contains("/")) continue; // azure/eu/..., azure/us/..., azure/global/...: deployment types, not ids
      PriceRow row = PriceTable.builtIn().exact(model, "openai");
      if (row == null) continue; // Azure-only ids (gpt-35-turbo, ...) have no price: README, "Cost"
      ModelPrice billed = pricing.find("azure", model).orElseThrow();
      JsonNode entry = e.getValue();
      boolean equal = close(billed.input(), perMillion(entry, "input_cost_per_token"))
          && close(billed.output(), perMillion(entry, "output_cost_per_token"))
          && close(billed.cachedInput(), perMillion(entry, "cache_read_input_token_cost"));
      if (equal) {
        same++;
      } else {
        differing.put(model, billed.input() + " / " + billed.output() + " against the file's "
            + perMillion(entry, "input_cost_per_token") + " / " + perMillion(entry, "output_cost_per_token"));
      }
    }
    assertThat(differing.keySet()).containsExactlyInAnyOrderElementsOf(AZURE_DIFFERENCES.keySet());
    assertThat(same).isGreaterThan(60);
  }

  private static void checkLongContext(List<String> problems, PriceRow row, JsonNode entry, BigDecimal cached,
                                       BigDecimal write) {
    Long threshold = null;
    for (Iterator<String> names = entry.fieldNames(); names.hasNext(); ) {
      Matcher m = LONG_TIER.matcher(names.next());
      if (m.matches()) threshold = Long.parseLong(m.group(1)) * 1000;
    }
    String at = row.provider() + "/" + row.model();
    if (!Objects.equals(threshold, row.longContextAbove())) {
      problems.add(at + " long_context_above: table " + row.longContextAbove() + ", file " + threshold);
      return;
    }
    if (threshold == null) return;
    String k = "_above_" + threshold / 1000 + "k_tokens";
    ModelPrice l = row.longContext();
    check(problems, row, "long_input", l.input(), perMillion(entry, "input_cost_per_token" + k));
    check(problems, row, "long_output", l.output(), perMillion(entry, "output_cost_per_token" + k));
    // without a long-context rate of their own, cached and written tokens keep their standard rate
    BigDecimal longCached = perMillion(entry, "cache_read_input_token_cost" + k);
    check(problems, row, "long_cached_input", l.cachedInput(), longCached != null ? longCached : cached);
    BigDecimal longWrite = perMillion(entry, "cache_creation_input_token_cost" + k);
    check(problems, row, "long_cache_write", l.cacheWrite(), longWrite != null ? longWrite : write);
  }

  private static void check(List<String> problems, PriceRow row, String column, BigDecimal table, BigDecimal file) {
    String key = row.provider() + "/" + row.model() + "/" + column;
    String page = CHECKED_ELSEWHERE.get(key);
    BigDecimal expected = page != null ? new BigDecimal(page) : file;
    if (!close(table, expected)) problems.add(key + ": table " + table + ", file " + file);
  }

  /** Equal within the tolerance; no rate and a zero rate are the same (embedding models have no output price). */
  private static boolean close(BigDecimal a, BigDecimal b) {
    if (a != null && a.signum() == 0) a = null;
    if (b != null && b.signum() == 0) b = null;
    if (a == null || b == null) return a == b;
    return a.subtract(b).abs().compareTo(TOLERANCE) <= 0;
  }

  private JsonNode entryFor(String provider, String model) {
    for (String prefix : PREFIXES.get(provider)) {
      JsonNode entry = FILE.get(prefix + model);
      if (entry != null && FILE_PROVIDERS.get(provider).contains(entry.path("litellm_provider").asText())) return entry;
    }
    return null;
  }

  /** A per-token rate of the file in USD per 1M tokens; null when absent or zero (no separate rate). */
  private static BigDecimal perMillion(JsonNode entry, String field) {
    JsonNode v = entry.get(field);
    if (v == null || !v.isNumber() || v.decimalValue().signum() == 0) return null;
    return v.decimalValue().movePointRight(6);
  }
}
