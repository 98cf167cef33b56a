package io.recllm.gateway.keys;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Keys of a gateway whose usage is kept in memory: they live as long as the process. */
final class MemoryKeyStore implements KeyStore {

  private final Map<String, VirtualKey> keys = new LinkedHashMap<>();

  @Override
  public synchronized List<VirtualKey> loadAll() {
    return new ArrayList<>(keys.values());
  }

  @Override
  public synchronized void insert(VirtualKey key) {
    if (keys.putIfAbsent(key.id(), key) != null) throw new IllegalStateException("duplicate key id " + key.id());
  }

  @Override
  public synchronized boolean update(VirtualKey key) {
    return keys.replace(key.id(), key) != null;
  }

  @Override
  public void close() {}
}
