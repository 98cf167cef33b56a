package io.recllm.gateway.limits;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * The limits of every node, in Redis: each check-and-reserve is one Lua script, which Redis runs
 * atomically, and each settle is one more. Per key, under {@code <prefix>{<key id>}:} (one hash slot,
 * so the scripts also run on a cluster): {@code win}, a sorted set of the last 60 s of calls by time,
 * with their tokens in the hash {@code wtok} and the tokens' sum in {@code wsum}; {@code res}, the
 * reservations in flight by expiry time, with their cost in {@code rcost} and its sum in {@code rsum};
 * {@code spent:<period>}, what the period's settled calls cost, in nano-USD. Running sums keep a check
 * independent of how many calls the window holds. A node that dies leaves its reservations until their expiry time, when the next call of the
 * key drops them.
 */
final class RedisLimiter implements Limiter {

  /**
   * Drops the members of sorted set {@code z} scored at most {@code upTo}, with their values in hash
   * {@code h} and the running sum of those values in {@code sum}, a few thousand at a time (Lua's
   * {@code unpack} has a limit).
   */
  private static final String PRUNE = """
      local function prune(z, h, sum, upTo)
        local ids = redis.call('ZRANGEBYSCORE', z, '-inf', upTo, 'LIMIT', 0, 2000)
        while #ids > 0 do
          local total = 0
          for _, v in ipairs(redis.call('HMGET', h, unpack(ids))) do total = total + (tonumber(v) or 0) end
          redis.call('DECRBY', sum, total)
          redis.call('HDEL', h, unpack(ids))
          redis.call('ZREM', z, unpack(ids))
          ids = redis.call('ZRANGEBYSCORE', z, '-inf', upTo, 'LIMIT', 0, 2000)
        end
      end
      """;

  /**
   * KEYS: win, wtok, wsum, res, rcost, rsum, spent. ARGV: now (unused: Redis's own time counts), id, tokens, cost, rpm, tpm, max parallel,
   * budget (-1: none), ttl. Answers {outcome, calls in the window, tokens in the window, ms until the oldest leaves}.
   */
  static final String ACQUIRE = PRUNE + """
      -- Redis's clock, not the nodes': their windows agree however their clocks drift
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local id = ARGV[2]
      local tokens = tonumber(ARGV[3])
      local cost = tonumber(ARGV[4])
      local rpm = tonumber(ARGV[5])
      local tpm = tonumber(ARGV[6])
      local par = tonumber(ARGV[7])
      local budget = tonumber(ARGV[8])
      local ttl = tonumber(ARGV[9])
      prune(KEYS[1], KEYS[2], KEYS[3], now - 60000)
      prune(KEYS[4], KEYS[5], KEYS[6], now)
      local n = redis.call('ZCARD', KEYS[1])
      local used = tonumber(redis.call('GET', KEYS[3]) or '0')
      local reset = 60000
      local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
      if #oldest > 0 then reset = tonumber(oldest[2]) + 60000 - now end
      if rpm > 0 and n >= rpm then return {1, n, used, reset} end
      if tpm > 0 and used + tokens > tpm then return {2, n, used, reset} end
      if par > 0 and redis.call('ZCARD', KEYS[4]) >= par then return {3, n, used, reset} end
      if budget >= 0 then
        local total = tonumber(redis.call('GET', KEYS[7]) or '0') + tonumber(redis.call('GET', KEYS[6]) or '0') + cost
        if total > budget then return {4, n, used, reset} end
      end
      redis.call('ZADD', KEYS[1], now, id)
      redis.call('HSET', KEYS[2], id, tokens)
      redis.call('INCRBY', KEYS[3], tokens)
      redis.call('ZADD', KEYS[4], now + ttl, id)
      redis.call('HSET', KEYS[5], id, cost)
      redis.call('INCRBY', KEYS[6], cost)
      for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], 61000) end
      -- never shortened: an earlier call's reservation may need longer than this one's
      for i = 4, 6 do
        local left = redis.call('PTTL', KEYS[i])
        if left < ttl + 1000 then redis.call('PEXPIRE', KEYS[i], ttl + 1000) end
      end
      return {0, n + 1, used + tokens, reset}
      """;

  /** KEYS as {@link #ACQUIRE}. ARGV: id, tokens, cost, the spend counter's expiry in ms (0: none). */
  static final String SETTLE = """
      local id = ARGV[1]
      if redis.call('ZREM', KEYS[4], id) == 1 then
        redis.call('DECRBY', KEYS[6], tonumber(redis.call('HGET', KEYS[5], id) or '0'))
        redis.call('HDEL', KEYS[5], id)
      end
      local was = redis.call('HGET', KEYS[2], id)
      if was then
        redis.call('HSET', KEYS[2], id, ARGV[2])
        redis.call('INCRBY', KEYS[3], tonumber(ARGV[2]) - tonumber(was))
      end
      if tonumber(ARGV[3]) > 0 then
        redis.call('INCRBY', KEYS[7], ARGV[3])
        if tonumber(ARGV[4]) > 0 then redis.call('PEXPIRE', KEYS[7], ARGV[4]) end
      end
      return 1
      """;

  private static final String ACQUIRE_SHA = sha1(ACQUIRE);
  private static final String SETTLE_SHA = sha1(SETTLE);

  private final Redis redis;
  private final String prefix;
  private final long timeoutMs;

  RedisLimiter(Vertx vertx, String uri, String prefix, long timeoutMs) {
    this.redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(uri).setMaxPoolSize(32)
        .setMaxPoolWaiting(4096).setMaxWaitingHandlers(4096));
    this.prefix = prefix;
    this.timeoutMs = timeoutMs;
    // loads the scripts (and opens a first connection) before the first call; EVAL covers a Redis that forgot them
    for (String script : new String[] {ACQUIRE, SETTLE}) {
      redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(script)).onFailure(e -> { });
    }
  }

  @Override
  public Future<Verdict> acquire(Ask a) {
    return eval(ACQUIRE, ACQUIRE_SHA, a, String.valueOf(a.nowMs()), a.reservationId(), String.valueOf(a.tokens()),
        String.valueOf(a.costNanoUsd()), String.valueOf(a.rpm()), String.valueOf(a.tpm()), String.valueOf(a.maxParallel()),
        String.valueOf(a.budgetNanoUsd()), String.valueOf(a.ttlMs()))
        .map(r -> new Verdict(r.get(0).toInteger(), r.get(1).toLong(), r.get(2).toLong(), r.get(3).toLong()));
  }

  @Override
  public Future<Void> settle(Ask a, long tokens, long costNanoUsd) {
    return eval(SETTLE, SETTLE_SHA, a, a.reservationId(), String.valueOf(tokens), String.valueOf(costNanoUsd),
        String.valueOf(a.periodTtlMs())).mapEmpty();
  }

  private Future<Response> eval(String script, String sha, Ask a, String... args) {
    String base = prefix + "{" + a.keyId() + "}:";
    String[] keys = {base + "win", base + "wtok", base + "wsum", base + "res", base + "rcost", base + "rsum",
        base + "spent:" + a.period()};
    return redis.send(request(Command.EVALSHA, sha, keys, args))
        .recover(e -> e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")
            ? redis.send(request(Command.EVAL, script, keys, args)) : Future.failedFuture(e))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  private static Request request(Command command, String scriptOrSha, String[] keys, String[] args) {
    Request r = Request.cmd(command).arg(scriptOrSha).arg(keys.length);
    for (String k : keys) r.arg(k);
    for (String v : args) r.arg(v);
    return r;
  }

  private static String sha1(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    redis.close();
  }
}
