package io.recllm.gateway.cache;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers kept in Redis, shared by every gateway that points at it. Redis down is a miss, not a failed
 * call: the call goes upstream, and the first failure is logged (then one line per recovery).
 */
final class RedisStore implements CacheStore {

  private static final Logger LOG = LoggerFactory.getLogger(RedisStore.class);

  private final Redis client;
  private final RedisAPI api;
  private final String prefix;
  private final AtomicBoolean failing = new AtomicBoolean();

  RedisStore(Vertx vertx, String url, String prefix) {
    this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(url));
    this.api = RedisAPI.api(client);
    this.prefix = prefix;
  }

  @Override
  public Future<CachedAnswer> get(String key) {
    return api.get(prefix + key)
        .map(r -> {
          if (failing.compareAndSet(true, false)) LOG.info("Response cache: Redis answers again");
          return r == null ? null : CachedAnswer.parse(r.toString());
        })
        .otherwise(e -> {
          if (failing.compareAndSet(false, true)) LOG.warn("Response cache: Redis failed, calls go upstream: {}", e.toString());
          return null;
        });
  }

  @Override
  public void put(String key, CachedAnswer answer, long ttlS) {
    api.setex(prefix + key, Long.toString(ttlS), answer.text()).onFailure(e -> {
      if (failing.compareAndSet(false, true)) LOG.warn("Response cache: Redis failed, answers are not stored: {}", e.toString());
    });
  }

  @Override
  public void close() {
    client.close();
  }
}
