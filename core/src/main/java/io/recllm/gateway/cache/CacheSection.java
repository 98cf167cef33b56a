package io.recllm.gateway.cache;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.config.ConfigNode;
import io.recllm.gateway.config.ConfigSection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code cache} section:
 * {@code cache: { enabled: true, ttl_s: 300, max_entries: 10000, redis: "redis://127.0.0.1:6379", shared: false,
 * nondeterministic: false }}. A section with keys but without {@code enabled} is on.
 *
 * <p>A route (a name under {@code routes}) may have its own TTL, or not be cached at all:
 * <pre>
 * cache:
 *   ttl_s: 300
 *   routes:
 *     docs-qa: { ttl_s: 86400 }     # answers about slow-changing documents live a day
 *     live:    { enabled: false }   # never cached
 * </pre>
 * The cache reads them here rather than under {@code routes.<name>}, so that each feature's settings
 * stay in its own section, as {@code pii.routes} does.
 */
public final class CacheSection implements ConfigSection<CacheSettings> {

  public static final CacheSection SECTION = new CacheSection();

  @Override
  public Set<String> topKeys() {
    return Set.of("cache");
  }

  @Override
  public CacheSettings read(ConfigNode root, Set<String> providers) {
    if (!root.has("cache")) return null;
    ConfigNode c = root.child("cache");
    c.checkKeys(Set.of("enabled", "ttl_s", "max_entries", "redis", "redis_prefix", "shared", "nondeterministic", "routes"));
    String redis = c.string("redis", null);
    if (redis != null && !redis.startsWith("redis://") && !redis.startsWith("rediss://")) {
      throw c.fail("redis", "must be a redis:// or rediss:// URL, got \"" + redis + "\"");
    }
    CacheSettings d = CacheSettings.OFF;
    long ttl = c.longValue("ttl_s", 1, MAX_TTL_S, d.ttlS());
    return new CacheSettings(c.bool("enabled", true), ttl,
        c.longValue("max_entries", 1, 100_000_000, d.maxEntries()), redis, c.string("redis_prefix", d.redisPrefix()),
        c.bool("shared", false), c.bool("nondeterministic", false), routes(root, c, ttl));
  }

  private static final long MAX_TTL_S = 365L * 24 * 3600;

  private static Map<String, CacheSettings.Route> routes(ConfigNode root, ConfigNode c, long ttl) {
    if (!c.has("routes")) return Map.of();
    ConfigNode routes = c.child("routes");
    JsonNode configured = root.node().path("routes");
    Map<String, CacheSettings.Route> out = new LinkedHashMap<>();
    for (String name : routes.keys()) {
      if (!configured.has(name)) {
        List<String> names = new ArrayList<>();
        configured.fieldNames().forEachRemaining(names::add);
        throw routes.fail(name, "no route named \"" + name + "\" under routes (configured: "
            + (names.isEmpty() ? "none" : String.join(", ", names)) + ")");
      }
      ConfigNode r = routes.child(name);
      r.checkKeys(Set.of("enabled", "ttl_s"));
      out.put(name, new CacheSettings.Route(r.bool("enabled", true), r.longValue("ttl_s", 1, MAX_TTL_S, ttl)));
    }
    return out;
  }

  @Override
  public CacheSettings defaults() {
    return CacheSettings.OFF;
  }
}
