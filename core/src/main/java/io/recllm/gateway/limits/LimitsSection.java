package io.recllm.gateway.limits;

import io.recllm.gateway.config.ConfigNode;
import io.recllm.gateway.config.ConfigSection;
import java.util.Set;

/**
 * Reads the rate limiter's keys inside {@code limits} (which the config package owns for the connection
 * limits: a section cannot claim a top-level key the loader reads, so it names its keys in
 * {@link #limitsKeys()} instead):
 *
 * <pre>
 * limits: { redis: "redis://127.0.0.1:6379", redis_prefix: "rlg:", on_redis_failure: deny, reservation_ttl_ms: 60000 }
 * </pre>
 */
public final class LimitsSection implements ConfigSection<LimitsSettings> {

  public static final LimitsSection SECTION = new LimitsSection();

  @Override
  public Set<String> topKeys() {
    return Set.of();
  }

  @Override
  public Set<String> limitsKeys() {
    return Set.of("redis", "redis_prefix", "on_redis_failure", "reservation_ttl_ms");
  }

  @Override
  public LimitsSettings read(ConfigNode root, Set<String> providers) {
    ConfigNode limits = root.child("limits");
    if (limitsKeys().stream().noneMatch(limits::has)) return null;
    String redis = limits.has("redis") ? limits.string("redis", null) : null;
    if (redis != null && !redis.startsWith("redis://") && !redis.startsWith("rediss://") && !redis.startsWith("unix://")) {
      throw limits.fail("redis", "must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379");
    }
    String failure = limits.string("on_redis_failure", "deny");
    LimitsSettings.OnRedisFailure onFailure = switch (failure) {
      case "deny" -> LimitsSettings.OnRedisFailure.DENY;
      case "allow_local" -> LimitsSettings.OnRedisFailure.ALLOW_LOCAL;
      default -> throw limits.fail("on_redis_failure", "must be deny or allow_local, got \"" + failure + "\"");
    };
    long ttl = limits.longValue("reservation_ttl_ms", 1000, 86_400_000, LimitsSettings.DEFAULT.reservationTtlMs());
    return new LimitsSettings(redis, limits.string("redis_prefix", LimitsSettings.DEFAULT.redisPrefix()), onFailure, ttl);
  }

  @Override
  public LimitsSettings defaults() {
    return LimitsSettings.DEFAULT;
  }
}
