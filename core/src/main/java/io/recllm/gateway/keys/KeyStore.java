package io.recllm.gateway.keys;

import io.recllm.gateway.config.StoreLocation;
import java.util.List;

/**
 * Where virtual keys live: the usage store's database (table {@code virtual_keys}, created by the usage
 * schema's migrations), or memory when usage is kept in memory. Calls block: run them off the event loop.
 */
public interface KeyStore extends AutoCloseable {

  List<VirtualKey> loadAll();

  void insert(VirtualKey key);

  /** Replaces the row of {@code key.id()}; false when there is none. */
  boolean update(VirtualKey key);

  @Override
  void close();

  /** The store for {@code usage.store}: its database, whose schema the usage store has migrated. */
  static KeyStore open(StoreLocation location) {
    return location.kind() == StoreLocation.Kind.MEMORY ? new MemoryKeyStore() : JdbcKeyStore.open(location);
  }
}
