package io.recllm.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Redis scripts' sliding window without waiting a minute: the test writes a key's per-second buckets
 * as calls long past and recent would have left them, then runs {@link RedisLimiter#ACQUIRE} on the local
 * Redis (127.0.0.1:6379) under a prefix of its own.
 */
class RedisWindowTest {

  Vertx vertx;
  Redis redis;
  String s;
  String r;
  String spent;

  @BeforeEach
  void connect() {
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, "redis://127.0.0.1:6379");
    String base = "rlgtest:" + UUID.randomUUID().toString().substring(0, 8) + ":{k}:";
    s = base + "s";
    r = base + "r";
    spent = base + "spent:total";
  }

  @AfterEach
  void close() {
    redis.send(Request.cmd(Command.DEL).arg(s).arg(r).arg(spent)).await();
    redis.close();
    vertx.close().await();
  }

  Response send(Command c, Object... args) {
    Request req = Request.cmd(c);
    for (Object a : args) req.arg(String.valueOf(a));
    return redis.send(req).await();
  }

  long redisSecond() {
    return send(Command.TIME).get(0).toLong();
  }

  /** {outcome, calls, tokens, reset ms, second} for a call of 10 tokens costing 5 under rpm 3, tpm 100, budget 1000. */
  Response acquire(String id) {
    return send(Command.EVAL, RedisLimiter.ACQUIRE, 3, s, r, spent, id, 10, 5, 3, 100, 0, 1000, 60000);
  }

  @Test
  void callsOlderThanAMinuteLeaveTheWindowAndTheOldestLeftSetsTheReset() {
    long now = redisSecond();
    long old = now - 70;
    long recent = now - 30;
    send(Command.HSET, s, "n", 3, "t", 90, "lo", old, "rs", 0, "c" + old, 2, "k" + old, 60, "c" + recent, 1, "k" + recent, 30);
    Response granted = acquire("a");
    assertThat(granted.get(0).toInteger()).as("the two old calls no longer count against rpm 3").isZero();
    assertThat(granted.get(1).toLong()).isEqualTo(2); // the recent call and this one
    assertThat(granted.get(2).toLong()).isEqualTo(40);
    // the recent call (30 s ago) is now the oldest: it leaves in 31 s at most
    assertThat(granted.get(3).toLong()).isBetween(29_000L, 31_000L);
    assertThat(send(Command.HEXISTS, s, "c" + old).toInteger()).isZero();
    assertThat(send(Command.HGET, s, "lo").toLong()).isEqualTo(recent);
    assertThat(acquire("b").get(0).toInteger()).isZero();
    Response refused = acquire("c");
    assertThat(refused.get(0).toInteger()).as("rpm").isEqualTo(1);
    assertThat(refused.get(1).toLong()).isEqualTo(3);
  }

  @Test
  void aWindowWhollyInThePastIsEmptiedAndExpiredReservationsGiveTheirMoneyBack() {
    long now = redisSecond();
    long old = now - 500;
    send(Command.HSET, s, "n", 3, "t", 90, "lo", old, "rs", 990, "c" + old, 3, "k" + old, 90);
    send(Command.ZADD, r, (now - 400) * 1000, "crashed-1/990"); // a dead node's reservation, expired
    Response granted = acquire("a");
    assertThat(granted.get(0).toInteger()).as("budget and rpm free again").isZero();
    assertThat(granted.get(1).toLong()).isEqualTo(1);
    assertThat(granted.get(2).toLong()).isEqualTo(10);
    assertThat(send(Command.HGET, s, "rs").toLong()).isEqualTo(5);
    assertThat(send(Command.ZCARD, r).toLong()).isEqualTo(1);
    assertThat(send(Command.PTTL, s).toLong()).isGreaterThan(61_000);
    assertThat(send(Command.PTTL, r).toLong()).isGreaterThan(61_000);
    // settled to 4 tokens and a cost of 3: the reservation goes, the window and the spend hold what was used
    long second = granted.get(4).toLong();
    send(Command.EVAL, RedisLimiter.SETTLE, 3, s, r, spent, "a", 10, 5, second, 4, 3, 0);
    assertThat(send(Command.ZCARD, r).toLong()).isZero();
    assertThat(send(Command.HGET, s, "rs").toLong()).isZero();
    assertThat(send(Command.HGET, s, "t").toLong()).isEqualTo(4);
    assertThat(send(Command.HGET, s, "k" + second).toLong()).isEqualTo(4);
    assertThat(send(Command.GET, spent).toLong()).isEqualTo(3);
  }
}
