package io.recllm.gateway.cache;

import io.recllm.gateway.config.ConfigNode;
import io.recllm.gateway.config.ConfigSection;
import java.util.Set;

/**
 * Reads the {@code cache} section:
 * {@code cache: { enabled: true, ttl_s: 300, max_entries: 10000, redis: "redis://127.0.0.1:6379", shared: false,
 * nondeterministic: false }}. A section with keys but without {@code enabled} is on.
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
    c.checkKeys(Set.of("enabled", "ttl_s", "max_entries", "redis", "redis_prefix", "shared", "nondeterministic"));
    String redis = c.string("redis", null);
    if (redis != null && !redis.startsWith("redis://") && !redis.startsWith("rediss://")) {
      throw c.fail("redis", "must be a redis:// or rediss:// URL, got \"" + redis + "\"");
    }
    CacheSettings d = CacheSettings.OFF;
    return new CacheSettings(c.bool("enabled", true), c.longValue("ttl_s", 1, 365L * 24 * 3600, d.ttlS()),
        c.longValue("max_entries", 1, 100_000_000, d.maxEntries()), redis, c.string("redis_prefix", d.redisPrefix()),
        c.bool("shared", false), c.bool("nondeterministic", false));
  }

  @Override
  public CacheSettings defaults() {
    return CacheSettings.OFF;
  }
}
