package io.recllm.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.pricing.ModelPrice;
import io.recllm.gateway.pricing.Pricing;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code pricing}: prices that override or add to the built-in table, per model name. */
final class PricingReader {

  private PricingReader() {}

  static Map<String, ModelPrice> read(JsonNode n) {
    if (ConfigValues.absent(n)) return Map.of();
    if (!n.isObject()) throw new ConfigException("pricing: must be a mapping of model name to {input, output}");
    Map<String, ModelPrice> out = new LinkedHashMap<>();
    n.fields().forEachRemaining(e -> {
      String path = "pricing." + e.getKey();
      JsonNode p = e.getValue();
      ConfigValues.checkKeys(p, path, Set.of("input", "output", "cached_input", "cache_write", "max_output_tokens", "effective_date"));
      if (!p.has("input") || !p.has("output")) throw new ConfigException(path + ": needs both input and output (USD per 1M tokens)");
      out.put(e.getKey(), new ModelPrice(
          price(p.get("input"), path + ".input"),
          p.has("cached_input") ? price(p.get("cached_input"), path + ".cached_input") : null,
          p.has("cache_write") ? price(p.get("cache_write"), path + ".cache_write") : null,
          price(p.get("output"), path + ".output"),
          p.has("max_output_tokens") ? (int) ConfigValues.longValue(p.get("max_output_tokens"), path + ".max_output_tokens", 1, Integer.MAX_VALUE) : null,
          p.path("effective_date").asText(null)));
    });
    return java.util.Collections.unmodifiableMap(out);
  }

  /**
   * A price as the exact decimal written: the YAML is read with decimals for floats, so {@code 0.15} is
   * 0.15 rather than the double nearest to it (and {@code .nan} or {@code .inf} fail to parse).
   */
  private static BigDecimal price(JsonNode n, String path) {
    BigDecimal v = ConfigValues.decimal(n, path, "USD per 1M tokens");
    if (v.signum() < 0) throw new ConfigException(path + ": must be zero or more, got " + n.asText());
    String unusable = Pricing.unusableRate(v);
    if (unusable != null) throw new ConfigException(path + ": " + unusable + ", got " + n.asText());
    return v;
  }
}
