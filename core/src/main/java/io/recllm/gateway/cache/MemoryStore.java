package io.recllm.gateway.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;

/**
 * A bounded Caffeine cache in this process: {@code max_entries} answers, each for the TTL it was put with
 * (a route may have its own, {@code cache.routes.<name>.ttl_s}).
 */
final class MemoryStore implements CacheStore {

  /** An answer and how long it may be served, from when it was written. Kept ready to serve, not as text. */
  private record Entry(CachedAnswer answer, long ttlNanos) {}

  private static final Expiry<String, Entry> AS_PUT = new Expiry<>() {
    @Override
    public long expireAfterCreate(String key, Entry e, long now) {
      return e.ttlNanos();
    }

    @Override
    public long expireAfterUpdate(String key, Entry e, long now, long currentDuration) {
      return e.ttlNanos();
    }

    @Override
    public long expireAfterRead(String key, Entry e, long now, long currentDuration) {
      return currentDuration; // reading never extends an answer's life
    }
  };

  private final Cache<String, Entry> entries;

  MemoryStore(long maxEntries) {
    this.entries = Caffeine.newBuilder().maximumSize(maxEntries).expireAfter(AS_PUT).build();
  }

  @Override
  public Future<CachedAnswer> get(String key) {
    Entry e = entries.getIfPresent(key);
    return Future.succeededFuture(e == null ? null : e.answer());
  }

  @Override
  public void put(String key, CachedAnswer answer, long ttlS) {
    entries.put(key, new Entry(answer, TimeUnit.SECONDS.toNanos(ttlS)));
  }
}
