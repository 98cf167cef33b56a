package io.recllm.gateway.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.call.Caller;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.config.StoreLocation;
import io.recllm.gateway.error.GatewayException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The virtual keys of one gateway node: those of the config file and those of the store, cached in
 * memory so that a request's key is resolved without I/O. The cache is reloaded from the store every
 * {@link #POLL_MS}, so a key created, changed or revoked on any node works on every node within that
 * time (expiry needs no reload: it is checked against the clock). Changes made through this node are
 * effective here at once.
 *
 * <p>Store operations block: the admin API and the CLI call them off the event loop.
 */
public final class Keys implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Keys.class);

  /** How often the cache reloads the keys: well within the 5 s in which a change must reach every node. */
  public static final long POLL_MS = 1000;

  private final KeyStore store;
  private final KeysSettings settings;
  private final ScheduledExecutorService poller;
  private volatile Snapshot snapshot;
  private volatile boolean reloadFailing;

  private record Snapshot(Map<String, VirtualKey> byHash, Map<String, VirtualKey> byId, List<VirtualKey> all) {}

  private Keys(KeyStore store, KeysSettings settings, boolean poll) {
    this.store = store;
    this.settings = settings;
    this.snapshot = build(store.loadAll());
    if (poll) {
      poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "virtual-keys-reload");
        t.setDaemon(true);
        return t;
      });
      poller.scheduleWithFixedDelay(this::reload, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
    } else {
      poller = null;
    }
  }

  /** The keys of a gateway: reloaded in the background until {@link #close()}. */
  public static Keys open(KeyStore store, KeysSettings settings) {
    return new Keys(store, settings, true);
  }

  /**
   * The keys of a gateway with this config, or null when it uses none (no admin key, no keys in the
   * config file or the store): then no key step is added at all.
   */
  public static Keys openIfUsed(GatewayConfig config) {
    KeyStore store = KeyStore.open(StoreLocation.parse(config.usage().store()));
    KeysSettings settings = config.section(KeysSection.SECTION);
    Keys keys;
    try {
      keys = new Keys(store, settings, false);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    if (!keys.inUse()) {
      keys.close();
      return null;
    }
    return open(store, settings);
  }

  /** For the CLI: one look at the store, no background reloads. */
  public static Keys once(KeyStore store) {
    return new Keys(store, KeysSettings.NONE, false);
  }

  /**
   * Whether a gateway needs the keys at all: an admin key, keys in the config file, or keys in the store.
   * Without any, no key steps are added and calls cost what they cost before keys existed.
   */
  public boolean inUse() {
    return settings.adminEnabled() || !snapshot.all().isEmpty();
  }

  public boolean adminEnabled() {
    return settings.adminEnabled();
  }

  /** Whether {@code presented} is the admin key, compared in constant time. */
  public boolean isAdminKey(String presented) {
    return settings.adminEnabled() && presented != null && KeySecrets.sameHash(settings.adminKeyHash(), KeySecrets.hash(presented));
  }

  /**
   * The caller a presented secret stands for, or null when it is no virtual key.
   *
   * @throws GatewayException.AuthenticationFailed for a revoked or expired key
   */
  public Caller resolve(String presented) {
    String hash = KeySecrets.hash(presented);
    VirtualKey k = snapshot.byHash().get(hash);
    if (k == null || !KeySecrets.sameHash(k.hash(), hash)) return null;
    check(k, System.currentTimeMillis());
    return new Caller(Caller.Kind.VIRTUAL, k.id(), k.name());
  }

  static void check(VirtualKey k, long nowMs) {
    if (k.revoked()) {
      throw new GatewayException.AuthenticationFailed("This API key has been revoked (key " + k.id() + ")");
    }
    if (k.expired(nowMs)) {
      throw new GatewayException.AuthenticationFailed("This API key has expired (key " + k.id() + ")");
    }
  }

  /** A key by id as this node knows it, or null. */
  public VirtualKey byId(String id) {
    return id == null ? null : snapshot.byId().get(id);
  }

  public List<VirtualKey> all() {
    return snapshot.all();
  }

  /** A new key from the admin API's or the CLI's spec; the secret is returned once and never kept. */
  public Created create(JsonNode spec, BiFunction<String, String, RuntimeException> problem) {
    long now = System.currentTimeMillis();
    if (!spec.hasNonNull("name")) throw problem.apply("name", "Missing required parameter: 'name'.");
    VirtualKey k = KeySpec.apply(KeySpec.blank(KeySecrets.newId(), now), spec, Set.of(), problem, now);
    String secret = KeySecrets.newSecret();
    k = k.withHash(KeySecrets.hash(secret), KeySecrets.hint(secret), now);
    store.insert(k);
    refreshWith(k);
    return new Created(k, secret);
  }

  /** A key and its secret, as only a creation or rotation answers it. */
  public record Created(VirtualKey key, String secret) {

    /** The key as the admin API and the CLI show it, with its secret this once. */
    public ObjectNode toJson() {
      ObjectNode o = KeySpec.toJson(key, System.currentTimeMillis());
      o.put("key", secret);
      return o;
    }
  }

  public VirtualKey update(String id, JsonNode spec, BiFunction<String, String, RuntimeException> problem) {
    VirtualKey k = storedKey(id);
    long now = System.currentTimeMillis();
    VirtualKey changed = KeySpec.apply(k, spec, Set.of(), problem, Math.max(now, k.updatedAtMs() + 1));
    store.update(changed);
    refreshWith(changed);
    return changed;
  }

  /** Revokes a key: its row stays, with the time, so that the request log still names it. */
  public VirtualKey revoke(String id) {
    VirtualKey k = storedKey(id);
    if (k.revoked()) return k;
    VirtualKey revoked = k.revokedAt(Math.max(System.currentTimeMillis(), k.updatedAtMs() + 1));
    store.update(revoked);
    refreshWith(revoked);
    return revoked;
  }

  /** A new secret for the same key and settings; the old one stops working. */
  public Created rotate(String id) {
    VirtualKey k = storedKey(id);
    if (k.revoked()) throw new GatewayException.InvalidRequest("key_revoked", null, "Key " + id + " is revoked and cannot be rotated");
    String secret = KeySecrets.newSecret();
    VirtualKey rotated = k.withHash(KeySecrets.hash(secret), KeySecrets.hint(secret), Math.max(System.currentTimeMillis(), k.updatedAtMs() + 1));
    store.update(rotated);
    refreshWith(rotated);
    return new Created(rotated, secret);
  }

  private VirtualKey storedKey(String id) {
    VirtualKey k = byId(id);
    if (k == null) {
      reload(); // made on another node in the last moment
      k = byId(id);
    }
    if (k == null) throw new GatewayException.NotFound("key_not_found", "No virtual key with id '" + id + "'", 0);
    if (k.fromConfig()) {
      throw new GatewayException.InvalidRequest("key_from_config", null,
          "Key " + id + " is declared in the config file; change it there");
    }
    return k;
  }

  private synchronized void refreshWith(VirtualKey changed) {
    List<VirtualKey> stored = new ArrayList<>();
    boolean replaced = false;
    for (VirtualKey k : snapshot.all()) {
      if (k.fromConfig()) continue;
      if (k.id().equals(changed.id())) {
        stored.add(changed);
        replaced = true;
      } else {
        stored.add(k);
      }
    }
    if (!replaced) stored.add(changed);
    snapshot = build(stored);
  }

  /** Loads every key from the store again; a failure keeps the last keys and is logged once until it recovers. */
  public void reload() {
    try {
      List<VirtualKey> stored = store.loadAll();
      synchronized (this) {
        snapshot = build(stored);
      }
      if (reloadFailing) LOG.info("Virtual keys: reading the store works again");
      reloadFailing = false;
    } catch (RuntimeException e) {
      if (!reloadFailing) LOG.warn("Virtual keys: cannot read the store, keeping the keys last read: {}", e.getMessage());
      reloadFailing = true;
    }
  }

  private Snapshot build(List<VirtualKey> stored) {
    Map<String, VirtualKey> byHash = new HashMap<>();
    Map<String, VirtualKey> byId = new HashMap<>();
    List<VirtualKey> all = new ArrayList<>(settings.staticKeys());
    all.addAll(stored);
    for (VirtualKey k : all) {
      byHash.put(k.hash(), k);
      byId.put(k.id(), k);
    }
    return new Snapshot(Map.copyOf(byHash), Map.copyOf(byId), List.copyOf(all));
  }

  @Override
  public void close() {
    if (poller != null) poller.shutdownNow();
    store.close();
  }
}
