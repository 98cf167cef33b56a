package io.recllm.gateway.resilience;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.config.ConfigException;
import io.recllm.gateway.config.ConfigValues;
import io.recllm.gateway.core.ModelRef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code routes} section: model names a client may ask for, each served by a list of
 * targets.
 * <pre>
 * routes:
 *   smart:
 *     strategy: fallback          # fallback | weighted | least_latency | lowest_cost | least_busy
 *     targets: [anthropic:claude-sonnet-4-5, openai:gpt-4o]
 *   cheap:
 *     strategy: weighted
 *     targets: [ { model: openai:gpt-4o-mini, weight: 3 }, { model: openai-eu:gpt-4o-mini, weight: 1 } ]
 *     retries: { max_attempts: 2 }          # optional, over the global retries
 *     circuit_breaker: { open_ms: 10000 }   # optional: the route's own breakers, over the global settings
 * </pre>
 * A target is {@code provider:model} with a configured provider, either as text or as
 * {@code {model, weight}}; {@code weight} (default 1) only matters to {@code weighted}. The strategy
 * defaults to {@code fallback}. A target may not name another route, nor appear twice in one route.
 * Problems are {@link ConfigException}s that name the key path.
 */
public final class RoutesReader {

  static final Set<String> ROUTE_KEYS = Set.of("strategy", "targets", "retries", "circuit_breaker");
  private static final Set<String> TARGET_KEYS = Set.of("model", "weight");
  private static final int MAX_WEIGHT = 1_000_000;

  private RoutesReader() {}

  /**
   * @param providers the configured provider names
   * @param retryBase what a route's own {@code retries} keys fill in from
   * @param breakerBase what a route's own {@code circuit_breaker} keys fill in from
   * @return the routes by name, in the order written; empty when the section is absent
   */
  public static Map<String, RouteSettings> read(JsonNode routes, Set<String> providers, RetrySettings retryBase,
                                                CircuitBreakerSettings breakerBase) {
    if (ConfigValues.absent(routes)) return Map.of();
    if (!routes.isObject()) {
      throw new ConfigException("routes: must be a mapping of route name to {strategy, targets}, got "
          + ConfigValues.describe(routes));
    }
    Map<String, RouteSettings> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = routes.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      String path = "routes." + name;
      if (name.isBlank()) throw new ConfigException("routes: a route name is empty");
      out.put(name, route(name, e.getValue(), path, routes, providers, retryBase, breakerBase));
    }
    return Collections.unmodifiableMap(out);
  }

  private static RouteSettings route(String name, JsonNode n, String path, JsonNode routes, Set<String> providers,
                                     RetrySettings retryBase, CircuitBreakerSettings breakerBase) {
    if (ConfigValues.absent(n) || !n.isObject()) {
      throw new ConfigException(path + ": must be a mapping (strategy, targets), got " + ConfigValues.describe(n));
    }
    ConfigValues.checkKeys(n, path, ROUTE_KEYS);
    Strategy strategy = Strategy.FALLBACK;
    JsonNode s = n.path("strategy");
    if (!ConfigValues.absent(s)) {
      strategy = s.isTextual() ? Strategy.fromConfigName(s.asText().trim()) : null;
      if (strategy == null) {
        throw new ConfigException(path + ".strategy: must be one of " + Strategy.names() + ", got " + ConfigValues.describe(s));
      }
    }
    JsonNode ts = n.path("targets");
    if (ConfigValues.absent(ts)) throw new ConfigException(path + ".targets: missing (a list of provider:model)");
    if (!ts.isArray() || ts.isEmpty()) {
      throw new ConfigException(path + ".targets: must be a non-empty list of provider:model, got "
          + (ts.isArray() ? "an empty list" : ConfigValues.describe(ts)));
    }
    List<RouteSettings.Target> targets = new ArrayList<>();
    for (int i = 0; i < ts.size(); i++) {
      RouteSettings.Target t = target(ts.get(i), path + ".targets[" + i + "]", routes, providers);
      for (RouteSettings.Target earlier : targets) {
        if (earlier.model().equals(t.model())) {
          throw new ConfigException(path + ".targets[" + i + "]: \"" + text(t.model()) + "\" is listed twice");
        }
      }
      targets.add(t);
    }
    RetrySettings retries = ConfigValues.absent(n.get("retries")) ? null
        : RetriesReader.read(n.get("retries"), path + ".retries", retryBase);
    CircuitBreakerSettings breaker = ConfigValues.absent(n.get("circuit_breaker")) ? null
        : CircuitBreakerReader.read(n.get("circuit_breaker"), path + ".circuit_breaker", breakerBase);
    return new RouteSettings(name, strategy, targets, retries, breaker);
  }

  private static RouteSettings.Target target(JsonNode n, String path, JsonNode routes, Set<String> providers) {
    int weight = 1;
    JsonNode model = n;
    String modelPath = path;
    if (n.isObject()) {
      ConfigValues.checkKeys(n, path, TARGET_KEYS);
      modelPath = path + ".model";
      model = n.path("model");
      if (ConfigValues.absent(model)) throw new ConfigException(modelPath + ": missing (provider:model)");
      if (n.has("weight")) weight = (int) ConfigValues.longValue(n.get("weight"), path + ".weight", 1, MAX_WEIGHT);
    }
    if (!model.isTextual() || model.asText().isBlank()) {
      throw new ConfigException(modelPath + ": must be provider:model or {model, weight}, got " + ConfigValues.describe(model));
    }
    return new RouteSettings.Target(modelRef(model.asText().trim(), modelPath, routes, providers), weight);
  }

  private static ModelRef modelRef(String text, String path, JsonNode routes, Set<String> providers) {
    if (routes.has(text)) {
      throw new ConfigException(path + ": \"" + text + "\" is a route; a route's targets are provider:model");
    }
    String configured = String.join(", ", providers.stream().sorted().toList());
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new ConfigException(path + ": \"" + text + "\" must name its provider, as provider:model (configured providers: "
          + configured + ")");
    }
    String provider = text.substring(0, colon);
    String model = text.substring(colon + 1).trim();
    if (!providers.contains(provider)) {
      throw new ConfigException(path + ": provider \"" + provider + "\" is not configured (configured providers: "
          + configured + ")");
    }
    if (model.isEmpty()) throw new ConfigException(path + ": \"" + text + "\" names no model after the provider");
    return new ModelRef(provider, model);
  }

  private static String text(ModelRef ref) {
    return ref.provider() + ":" + ref.model();
  }
}
