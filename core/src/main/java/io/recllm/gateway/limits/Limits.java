package io.recllm.gateway.limits;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallListener;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.keys.VirtualKey;
import io.recllm.gateway.usage.KeyUsage;
import io.recllm.gateway.usage.Usage;
import io.recllm.gateway.usage.UsageRecord;
import io.recllm.gateway.usage.UsageSink;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway's rate limits and budgets: reserves before a call ({@link #acquire}), settles to the real
 * usage when the call's outcome is recorded (it is a {@link CallListener}: a stream that dies is settled
 * with what it used), and keeps each key's last counts for the {@code x-ratelimit-*} headers. With
 * {@code limits.redis} every node shares the counts; while Redis cannot be reached,
 * {@code limits.on_redis_failure} decides.
 */
public final class Limits implements UsageSink, CallListener, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Limits.class);
  static final Call.Key<Grant> GRANT = new Call.Key<>("limits-grant");
  /** A Redis that does not answer within this is down; generous, as a busy node's event loop delays the answer too. */
  private static final long REDIS_TIMEOUT_MS = 5000;

  private final LimitsSettings settings;
  private final LocalLimiter local = new LocalLimiter();
  private final RedisLimiter redis;
  private final Counter redisErrors;
  private final AtomicBoolean redisDown = new AtomicBoolean();
  private final AtomicLong reservations = new AtomicLong();
  /** Makes reservation ids unique across nodes sharing Redis. */
  private final String node = java.util.UUID.randomUUID().toString().substring(0, 8);
  /** Each key's last verdict: its counts for the {@code x-ratelimit-*} headers. */
  private final Map<String, Limiter.Verdict> lastCounts = new ConcurrentHashMap<>();
  /** The budget periods' ids for one UTC day, made once a day rather than once a call. */
  private volatile Periods periods = new Periods(-1, null, null);

  /** A granted call: its reservation, the limiter that holds it and where it counted the call. */
  record Grant(Limiter.Ask ask, Limiter by, long slot) {}

  private record Periods(long epochDay, String daily, String monthly) {}

  public Limits(LimitsSettings settings, Vertx vertx, MeterRegistry meters) {
    this.settings = settings;
    this.redis = settings.redis() == null ? null : new RedisLimiter(vertx, settings.redis(), settings.redisPrefix(), REDIS_TIMEOUT_MS);
    this.redisErrors = Counter.builder("rec_llm_gateway.limits.redis_errors")
        .description("Rate limiter calls to Redis that failed (Redis unreachable or too slow)").register(meters);
  }

  /**
   * Reserves a call of {@code key}; fails with the client's error (429, or 503 {@code limits_unavailable})
   * when the call does not fit or cannot be checked.
   */
  Future<Grant> acquire(VirtualKey key, long tokens, long costNanoUsd, long callRemainingMs) {
    long now = System.currentTimeMillis();
    long ttl = Math.max(settings.reservationTtlMs(), callRemainingMs == Long.MAX_VALUE ? 0 : callRemainingMs + 1000);
    String period = periodOf(key.budgetPeriod(), now);
    Limiter.Ask ask = new Limiter.Ask(key.id(), node + "-" + reservations.incrementAndGet(), tokens, costNanoUsd, now, ttl,
        orZero(key.rpm()), orZero(key.tpm()), orZero(key.maxParallel()),
        key.budgetNanoUsd() == null ? -1 : key.budgetNanoUsd(), period, periodTtlMs(key.budgetPeriod()));
    if (redis == null) return decide(key, ask, local);
    return redis.acquire(ask).transform(ar -> {
      if (ar.succeeded()) {
        if (redisDown.compareAndSet(true, false)) LOG.info("Rate limiter: Redis at {} answers again", settings.redis());
        return decide(key, ask, redis, ar.result());
      }
      redisFailed(ar.cause());
      if (settings.onRedisFailure() == LimitsSettings.OnRedisFailure.ALLOW_LOCAL) return decide(key, ask, local);
      return Future.failedFuture(new GatewayException.LimitsUnavailable(
          "The gateway cannot check this key's limits right now (its rate limiter store is unreachable); try again shortly"));
    });
  }

  private Future<Grant> decide(VirtualKey key, Limiter.Ask ask, Limiter by) {
    return by.acquire(ask).compose(v -> decide(key, ask, by, v));
  }

  private Future<Grant> decide(VirtualKey key, Limiter.Ask ask, Limiter by, Limiter.Verdict v) {
    lastCounts.put(key.id(), v);
    if (v.outcome() == Limiter.Verdict.GRANTED) return Future.succeededFuture(new Grant(ask, by, v.slot()));
    return Future.failedFuture(Refusals.of(key, ask, v));
  }

  private void redisFailed(Throwable cause) {
    redisErrors.increment();
    if (redisDown.compareAndSet(false, true)) {
      LOG.warn("Rate limiter: Redis at {} is unreachable ({}); limited calls are {} until it answers again",
          settings.redis(), cause.getMessage(), settings.onRedisFailure() == LimitsSettings.OnRedisFailure.DENY
              ? "refused with 503 limits_unavailable" : "counted by each node on its own");
    }
  }

  /**
   * On one node, starts each budgeted key's count at what the usage store says it spent in its current
   * period, so that a restart does not hand out the budget again. With Redis, Redis keeps the spend.
   * Reads the store: call it at start, off the event loop.
   */
  public void seedSpend(Usage usage, List<VirtualKey> keys) {
    if (redis != null) return;
    long now = System.currentTimeMillis();
    LocalDate today = Instant.ofEpochMilli(now).atZone(ZoneOffset.UTC).toLocalDate();
    for (VirtualKey k : keys) {
      if (k.budgetNanoUsd() == null || k.revoked()) continue;
      LocalDate from = switch (k.budgetPeriod()) {
        case DAILY -> today;
        case MONTHLY -> today.withDayOfMonth(1);
        case TOTAL -> null;
      };
      long spent = usage.byKey(from, null, k.id()).stream().mapToLong(KeyUsage::costNanoUsd).sum();
      if (spent > 0) local.seed(k.id(), period(k.budgetPeriod(), now), spent);
    }
  }

  /** Settles a call that was granted, once, when its outcome is recorded. */
  @Override
  public void finished(Call call, UsageRecord record) {
    Grant g = call.get(GRANT);
    if (g == null) return;
    call.put(GRANT, null);
    g.by().settle(g.ask(), g.slot(), record.usage().totalTokens(), record.costNanoUsd()).onFailure(this::redisFailed);
  }

  @Override
  public void record(UsageRecord record) {
    // records without a call were never reserved
  }

  /** Puts OpenAI's {@code x-ratelimit-*} headers of a key with rpm or tpm on a response, from its last counts. */
  public void rateHeaders(VirtualKey key, MultiMap headers) {
    if (key == null || (key.rpm() == null && key.tpm() == null)) return;
    Limiter.Verdict v = lastCounts.get(key.id());
    long requests = v == null ? 0 : v.requests();
    long tokens = v == null ? 0 : v.tokens();
    String reset = Refusals.duration(Math.max(0, v == null ? 60_000 : v.resetMs()));
    if (key.rpm() != null) {
      headers.set("x-ratelimit-limit-requests", String.valueOf(key.rpm()));
      headers.set("x-ratelimit-remaining-requests", String.valueOf(Math.max(0, key.rpm() - requests)));
      headers.set("x-ratelimit-reset-requests", reset);
    }
    if (key.tpm() != null) {
      headers.set("x-ratelimit-limit-tokens", String.valueOf(key.tpm()));
      headers.set("x-ratelimit-remaining-tokens", String.valueOf(Math.max(0, key.tpm() - tokens)));
      headers.set("x-ratelimit-reset-tokens", reset);
    }
  }

  private String periodOf(VirtualKey.BudgetPeriod p, long nowMs) {
    if (p == VirtualKey.BudgetPeriod.TOTAL) return "total";
    long day = Math.floorDiv(nowMs, 86_400_000L);
    Periods ps = periods;
    if (ps.epochDay() != day) {
      ps = new Periods(day, period(VirtualKey.BudgetPeriod.DAILY, nowMs), period(VirtualKey.BudgetPeriod.MONTHLY, nowMs));
      periods = ps;
    }
    return p == VirtualKey.BudgetPeriod.DAILY ? ps.daily() : ps.monthly();
  }

  static String period(VirtualKey.BudgetPeriod p, long nowMs) {
    LocalDate day = Instant.ofEpochMilli(nowMs).atZone(ZoneOffset.UTC).toLocalDate();
    return switch (p) {
      case DAILY -> "d" + day;
      case MONTHLY -> "m" + day.getYear() + "-" + day.getMonthValue();
      case TOTAL -> "total";
    };
  }

  private static long periodTtlMs(VirtualKey.BudgetPeriod p) {
    return switch (p) {
      case DAILY -> 2 * 86_400_000L;
      case MONTHLY -> 32 * 86_400_000L;
      case TOTAL -> 0;
    };
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }

  @Override
  public void close() {
    if (redis != null) redis.close();
  }
}
