package io.recllm.gateway.cache;

import java.util.Map;

/**
 * The {@code cache} section.
 *
 * @param enabled whether answers are cached at all
 * @param ttlS how long an answer is served, in seconds
 * @param maxEntries how many answers the in-memory cache keeps (the least used go first)
 * @param redis a {@code redis://} URL: the cache is then shared by every gateway using it; null: in memory
 * @param redisPrefix the prefix of every key the cache writes to Redis
 * @param shared whether an answer is served to every caller, not only to the key that paid for it
 * @param nondeterministic whether calls with a temperature above 0 (or none: the provider's default is 1) are cached
 * @param routes a route's own settings by route name ({@code cache.routes}); a route not listed uses the above
 */
public record CacheSettings(boolean enabled, long ttlS, long maxEntries, String redis, String redisPrefix, boolean shared,
                            boolean nondeterministic, Map<String, Route> routes) {

  public static final String DEFAULT_PREFIX = "rec-llm-gateway:cache:";
  public static final CacheSettings OFF = new CacheSettings(false, 300, 10_000, null, DEFAULT_PREFIX, false, false);

  /** One route's cache: whether its calls are cached at all, and for how long. */
  public record Route(boolean enabled, long ttlS) {}

  public CacheSettings {
    routes = Map.copyOf(routes);
  }

  /** Settings without routes of their own. */
  public CacheSettings(boolean enabled, long ttlS, long maxEntries, String redis, String redisPrefix, boolean shared,
                       boolean nondeterministic) {
    this(enabled, ttlS, maxEntries, redis, redisPrefix, shared, nondeterministic, Map.of());
  }
}
