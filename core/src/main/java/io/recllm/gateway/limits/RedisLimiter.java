package io.recllm.gateway.limits;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The limits of every node, in Redis: each check-and-reserve is one Lua script, which Redis runs
 * atomically, and each settle is one more. Per key, under {@code <prefix>{<key id>}:} (one hash slot,
 * so the scripts also run on a cluster): the hash {@code s} holds the sliding window as per-second
 * buckets ({@code c<second>} calls, {@code k<second>} tokens) with their running sums {@code n} and
 * {@code t}, the oldest bucket's second {@code lo}, and {@code rs}, the cost of the reservations in
 * flight; the sorted set {@code r} holds those reservations ({@code <id>/<cost>}) by expiry time;
 * {@code spent:<period>} is what the period's settled calls cost, in nano-USD. Running sums keep a check
 * independent of how many calls the window holds, and a bucket per second (rather than an entry per call)
 * keeps a busy key's state at most 122 small fields and the script at a dozen commands. A call counts in
 * the window until its second is more than 60 s old, i.e. for 60 to 61 s: never less than a minute, so
 * no 60 s span ever holds more than the limit. A node that dies leaves its reservations until their
 * expiry time, when the next call of the key drops them.
 *
 * <p>Each event loop sends on a Redis connection of its own, so calls pipeline on it and the answer is
 * handled on the loop that asked, without a pool lease or a hop to another thread per call.
 */
final class RedisLimiter implements Limiter {

  /**
   * KEYS: s, r, spent. ARGV: reservation id, tokens, cost, rpm, tpm, max parallel, budget (-1: none), ttl.
   * Answers {outcome, calls in the window, tokens in the window, ms until the oldest leaves, the second
   * the call was counted in}.
   */
  static final String ACQUIRE = """
      -- whole numbers as Redis should store them (Lua would print 1e+14 and up in exponent notation)
      local function int(x) return string.format('%d', x) end
      -- Redis's clock, not the nodes': their windows agree however their clocks drift
      local t = redis.call('TIME')
      local sec = tonumber(t[1])
      local now = sec * 1000 + math.floor(tonumber(t[2]) / 1000)
      local tokens = tonumber(ARGV[2])
      local cost = tonumber(ARGV[3])
      local rpm = tonumber(ARGV[4])
      local tpm = tonumber(ARGV[5])
      local par = tonumber(ARGV[6])
      local budget = tonumber(ARGV[7])
      local ttl = tonumber(ARGV[8])
      local st = redis.call('HMGET', KEYS[1], 'n', 't', 'lo', 'rs')
      local n = tonumber(st[1]) or 0
      local used = tonumber(st[2]) or 0
      local lo = tonumber(st[3])
      local rs = tonumber(st[4]) or 0
      local changed = false
      -- buckets lie within [lo, lo + 60]: drop those more than 60 s old, then find the oldest left
      if lo and lo < sec - 60 then
        local old = {}
        for b = lo, math.min(sec - 61, lo + 60) do
          old[#old + 1] = 'c' .. b
          old[#old + 1] = 'k' .. b
        end
        local v = redis.call('HMGET', KEYS[1], unpack(old))
        for j = 1, #v, 2 do
          n = n - (tonumber(v[j]) or 0)
          used = used - (tonumber(v[j + 1]) or 0)
        end
        redis.call('HDEL', KEYS[1], unpack(old))
        lo = nil
        if n > 0 then
          local recent = {}
          for b = sec - 60, sec do recent[#recent + 1] = 'c' .. b end
          for j, c in ipairs(redis.call('HMGET', KEYS[1], unpack(recent))) do
            if c then
              lo = sec - 61 + j
              break
            end
          end
        end
        if not lo then
          n = 0
          used = 0
        end
        changed = true
      end
      -- reservations past their expiry (a crashed node's) no longer hold a slot or money
      local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 1000)
      if #gone > 0 then
        for _, m in ipairs(gone) do rs = rs - tonumber(string.match(m, '/(%d+)$')) end
        redis.call('ZREM', KEYS[2], unpack(gone))
        changed = true
      end
      local reset = lo and (lo + 61) * 1000 - now or 60000
      local outcome = 0
      if rpm > 0 and n >= rpm then outcome = 1
      elseif tpm > 0 and used + tokens > tpm then outcome = 2
      elseif par > 0 and redis.call('ZCARD', KEYS[2]) >= par then outcome = 3
      elseif budget >= 0 and tonumber(redis.call('GET', KEYS[3]) or '0') + rs + cost > budget then outcome = 4
      end
      if outcome ~= 0 then
        if changed then redis.call('HSET', KEYS[1], 'n', int(n), 't', int(used), 'lo', lo and int(lo) or int(sec), 'rs', int(rs)) end
        return {outcome, n, used, reset, sec}
      end
      redis.call('HINCRBY', KEYS[1], 'c' .. sec, 1)
      redis.call('HINCRBY', KEYS[1], 'k' .. sec, tokens)
      redis.call('HSET', KEYS[1], 'n', int(n + 1), 't', int(used + tokens), 'lo', lo and int(lo) or int(sec), 'rs', int(rs + cost))
      redis.call('ZADD', KEYS[2], int(now + ttl), ARGV[1] .. '/' .. ARGV[3])
      -- both live as long as the window and the longest reservation, never shortened; refreshed about once a second
      local keep = math.max(62000, ttl + 1000)
      if redis.call('PTTL', KEYS[2]) < keep then
        redis.call('PEXPIRE', KEYS[1], keep + 1000)
        redis.call('PEXPIRE', KEYS[2], keep + 1000)
      end
      return {0, n + 1, used + tokens, reset, sec}
      """;

  /**
   * KEYS as {@link #ACQUIRE}. ARGV: reservation id, reserved tokens, reserved cost, the second the call was
   * counted in, tokens used, cost, the spend counter's expiry in ms (0: none).
   */
  static final String SETTLE = """
      if redis.call('ZREM', KEYS[2], ARGV[1] .. '/' .. ARGV[3]) == 1 then
        redis.call('HINCRBY', KEYS[1], 'rs', -tonumber(ARGV[3]))
      end
      local d = tonumber(ARGV[5]) - tonumber(ARGV[2])
      -- a call whose second left the window no longer counts
      if d ~= 0 and redis.call('HEXISTS', KEYS[1], 'k' .. ARGV[4]) == 1 then
        redis.call('HINCRBY', KEYS[1], 'k' .. ARGV[4], d)
        redis.call('HINCRBY', KEYS[1], 't', d)
      end
      if tonumber(ARGV[6]) > 0 then
        redis.call('INCRBY', KEYS[3], ARGV[6])
        if tonumber(ARGV[7]) > 0 then redis.call('PEXPIRE', KEYS[3], ARGV[7]) end
      end
      return 1
      """;

  private static final String ACQUIRE_SHA = sha1(ACQUIRE);
  private static final String SETTLE_SHA = sha1(SETTLE);

  private static final byte[] ACQUIRE_SHA_BYTES = ACQUIRE_SHA.getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SETTLE_SHA_BYTES = SETTLE_SHA.getBytes(StandardCharsets.US_ASCII);

  private final Vertx vertx;
  private final RedisOptions options;
  private final Redis redis;
  private final String prefix;
  private final long timeoutMs;
  /** Each event loop's own connection (its thread is the key), opened on the first call from that loop. */
  private final Map<Thread, Future<RedisConnection>> connections = new ConcurrentHashMap<>();
  /**
   * Each event loop's client, which opens that loop's connection: a client's pool hands out any idle
   * connection, wherever it was opened, and one opened on another loop would answer on that loop.
   */
  private final Map<Thread, Redis> loopClients = new ConcurrentHashMap<>();
  /** A key's Redis key names, encoded once, for the budget period they were made for. */
  private final Map<String, KeyNames> names = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private record KeyNames(String period, byte[] state, byte[] reservations, byte[] spent) {}

  RedisLimiter(Vertx vertx, String uri, String prefix, long timeoutMs) {
    this.vertx = vertx;
    this.options = new RedisOptions().setConnectionString(uri).setMaxPoolSize(32).setMaxPoolWaiting(4096)
        .setMaxWaitingHandlers(4096);
    this.redis = Redis.createClient(vertx, options);
    this.prefix = prefix;
    this.timeoutMs = timeoutMs;
    // loads the scripts (and opens a first connection) before the first call; EVAL covers a Redis that forgot them
    for (String script : new String[] {ACQUIRE, SETTLE}) {
      redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(script)).onFailure(e -> { });
    }
  }

  @Override
  public Future<Verdict> acquire(Ask a) {
    KeyNames k = names(a);
    return eval(ACQUIRE, ACQUIRE_SHA_BYTES, r -> r.arg(3).arg(k.state()).arg(k.reservations()).arg(k.spent())
            .arg(a.reservationId()).arg(a.tokens()).arg(a.costNanoUsd()).arg(a.rpm()).arg(a.tpm()).arg(a.maxParallel())
            .arg(a.budgetNanoUsd()).arg(a.ttlMs()))
        .map(r -> new Verdict(r.get(0).toInteger(), r.get(1).toLong(), r.get(2).toLong(), r.get(3).toLong(), r.get(4).toLong()));
  }

  @Override
  public Future<Void> settle(Ask a, long slot, long tokens, long costNanoUsd) {
    KeyNames k = names(a);
    return eval(SETTLE, SETTLE_SHA_BYTES, r -> r.arg(3).arg(k.state()).arg(k.reservations()).arg(k.spent())
            .arg(a.reservationId()).arg(a.tokens()).arg(a.costNanoUsd()).arg(slot).arg(tokens).arg(costNanoUsd)
            .arg(a.periodTtlMs()))
        .mapEmpty();
  }

  private KeyNames names(Ask a) {
    KeyNames k = names.get(a.keyId());
    if (k != null && k.period().equals(a.period())) return k;
    if (names.size() > 10_000) names.clear(); // keys come and go: a bound, not an eviction policy
    String base = prefix + "{" + a.keyId() + "}:";
    k = new KeyNames(a.period(), bytes(base + "s"), bytes(base + "r"), bytes(base + "spent:" + a.period()));
    names.put(a.keyId(), k);
    return k;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** EVALSHA, or EVAL when Redis answers NOSCRIPT (restarted, or flushed its scripts). */
  private Future<Response> eval(String script, byte[] sha, UnaryOperator<Request> args) {
    Thread caller = Thread.currentThread();
    return send(args.apply(Request.cmd(Command.EVALSHA).arg(sha)))
        .recover(e -> e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")
            ? send(args.apply(Request.cmd(Command.EVAL).arg(script))) : Future.failedFuture(e))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .onFailure(e -> {
          // an error reply is an answer; a timeout or a broken socket means the connection cannot be trusted
          if (!(e instanceof Response)) drop(caller);
        });
  }

  private Future<Response> send(Request request) {
    Context context = Vertx.currentContext();
    if (closed || context == null || !context.isEventLoopContext()) return redis.send(request);
    Thread loop = Thread.currentThread();
    Future<RedisConnection> conn = connections.get(loop);
    if (conn == null) {
      Future<RedisConnection> opening = loopClients.computeIfAbsent(loop, t -> Redis.createClient(vertx,
          new RedisOptions(options).setMaxPoolSize(2))).connect();
      connections.put(loop, opening);
      opening.onComplete(ar -> {
        if (ar.failed()) {
          connections.remove(loop, opening);
        } else {
          // a connection that breaks is dropped; the loop's next call opens another
          ar.result().exceptionHandler(e -> drop(loop, opening)).endHandler(v -> drop(loop, opening));
          if (closed) drop(loop, opening);
        }
      });
      conn = opening;
    }
    return conn.compose(c -> c.send(request));
  }

  private void drop(Thread loop) {
    Future<RedisConnection> conn = connections.get(loop);
    if (conn != null) drop(loop, conn);
  }

  private void drop(Thread loop, Future<RedisConnection> conn) {
    if (connections.remove(loop, conn) && conn.succeeded()) conn.result().close();
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
    closed = true;
    connections.values().forEach(c -> c.onSuccess(RedisConnection::close));
    connections.clear();
    loopClients.values().forEach(Redis::close);
    loopClients.clear();
    redis.close();
  }
}
