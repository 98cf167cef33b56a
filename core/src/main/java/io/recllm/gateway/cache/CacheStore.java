package io.recllm.gateway.cache;

import io.vertx.core.Future;

/** Where cached answers live: in this process, or in Redis for several gateways. */
interface CacheStore {

  /** The entry stored under {@code key}, or null; a store that cannot answer gives null (a miss), never a failure. */
  Future<String> get(String key);

  /** Stores an entry for {@code ttlS} seconds; failures are logged, never passed to the call. */
  void put(String key, String entry, long ttlS);

  default void close() {}
}
