package io.recllm.gateway.cache;

import io.vertx.core.Future;

/** Where cached answers live: in this process, or in Redis for several gateways. */
interface CacheStore {

  /** The answer stored under {@code key}, or null; a store that cannot answer gives null (a miss), never a failure. */
  Future<CachedAnswer> get(String key);

  /** Stores an answer for {@code ttlS} seconds; failures are logged, never passed to the call. */
  void put(String key, CachedAnswer answer, long ttlS);

  default void close() {}
}
