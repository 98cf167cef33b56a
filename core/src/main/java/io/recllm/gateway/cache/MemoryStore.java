package io.recllm.gateway.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import java.time.Duration;

/** A bounded Caffeine cache in this process: {@code max_entries} answers, each for {@code ttl_s}. */
final class MemoryStore implements CacheStore {

  private final Cache<String, String> entries;

  MemoryStore(long maxEntries, long ttlS) {
    this.entries = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(Duration.ofSeconds(ttlS)).build();
  }

  @Override
  public Future<String> get(String key) {
    return Future.succeededFuture(entries.getIfPresent(key));
  }

  @Override
  public void put(String key, String entry, long ttlS) {
    entries.put(key, entry);
  }
}
