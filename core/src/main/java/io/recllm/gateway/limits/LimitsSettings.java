package io.recllm.gateway.limits;

/**
 * The limiter's keys under {@code limits}: {@code redis} (null: counters in this process only),
 * {@code redis_prefix}, {@code on_redis_failure} and {@code reservation_ttl_ms} (how long a reservation of a
 * node that died holds; a call's own reservation holds at least as long as the call may still take).
 */
public record LimitsSettings(String redis, String redisPrefix, OnRedisFailure onRedisFailure, long reservationTtlMs) {

  /** What a limited call gets while Redis cannot be reached. */
  public enum OnRedisFailure {
    /** 503 {@code limits_unavailable}: no limited call passes unchecked. */
    DENY,
    /** This node's own counters, as if it were alone: calls go on, limits hold per node only. */
    ALLOW_LOCAL
  }

  public static final LimitsSettings DEFAULT = new LimitsSettings(null, "rlg:", OnRedisFailure.DENY, 60_000);
}
