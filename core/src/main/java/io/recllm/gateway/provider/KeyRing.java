package io.recllm.gateway.provider;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provider's keys ({@code api_keys}) with the request headers that carry each, taken in turn. A key
 * the upstream refuses (401, 403) is taken out for good, logged once by its position, never by its
 * value; a key that was rate limited (429) rests for the upstream's {@code retry-after} (1 s when it
 * sent none). When no key is usable, the one that rests shortest is used (and the first when all
 * were refused), so a call still gets the upstream's own answer. Shared by all event loops.
 *
 * @param <H> what one key is sent with: the prepared request headers
 */
public final class KeyRing<H> {

  private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);
  private static final long DEFAULT_REST_NANOS = 1_000_000_000L;
  private static final long MAX_REST_NANOS = 10 * 60 * 1_000_000_000L;
  private static final long REFUSED = Long.MAX_VALUE;

  /** One key's prepared headers and its state. */
  public static final class Key<H> {
    private final int index;
    private final H headers;
    private final AtomicLong restsUntil = new AtomicLong(Long.MIN_VALUE); // nanoTime; REFUSED once refused

    private Key(int index, H headers) {
      this.index = index;
      this.headers = headers;
    }

    public H headers() {
      return headers;
    }

    /** The key's position in {@code api_keys}, from 1. */
    public int number() {
      return index + 1;
    }
  }

  private final String provider;
  private final List<Key<H>> keys;
  private final LongSupplier nanoTime;
  private final AtomicInteger next = new AtomicInteger();

  public KeyRing(String provider, List<String> apiKeys, Function<String, H> headersFor, LongSupplier nanoTime) {
    if (apiKeys.isEmpty()) throw new IllegalArgumentException("no keys");
    this.provider = provider;
    Key<H>[] ks = newArray(apiKeys.size());
    for (int i = 0; i < ks.length; i++) ks[i] = new Key<>(i, headersFor.apply(apiKeys.get(i)));
    this.keys = List.of(ks);
    this.nanoTime = nanoTime;
  }

  @SuppressWarnings("unchecked")
  private static <H> Key<H>[] newArray(int n) {
    return (Key<H>[]) new Key<?>[n];
  }

  public int size() {
    return keys.size();
  }

  /** The next usable key in turn. */
  public Key<H> pick() {
    int n = keys.size();
    if (n == 1) return keys.get(0);
    long now = nanoTime.getAsLong();
    int start = Math.floorMod(next.getAndIncrement(), n);
    Key<H> soonest = null;
    for (int k = 0; k < n; k++) {
      Key<H> key = keys.get((start + k) % n);
      long until = key.restsUntil.get();
      if (until == Long.MIN_VALUE || until != REFUSED && until - now <= 0) return key;
      if (until != REFUSED && (soonest == null || until - soonest.restsUntil.get() < 0)) soonest = key;
    }
    return soonest != null ? soonest : keys.get(0);
  }

  /**
   * What the upstream answered to a call made with {@code key}.
   *
   * @param retryAfterNanos the rest the upstream asked for with a 429, or a negative number for none
   */
  public void answered(Key<H> key, int status, long retryAfterNanos) {
    if (keys.size() == 1) return; // nothing to rotate to: the answer goes to the client as it is
    if (status == 401 || status == 403) {
      if (key.restsUntil.getAndSet(REFUSED) != REFUSED) {
        LOG.warn("Provider \"{}\": key {} of {} in api_keys was refused with HTTP {}; it is no longer used",
            provider, key.number(), keys.size(), status);
      }
    } else if (status == 429) {
      long rest = retryAfterNanos < 0 ? DEFAULT_REST_NANOS : Math.min(retryAfterNanos, MAX_REST_NANOS);
      long until = nanoTime.getAsLong() + rest;
      key.restsUntil.updateAndGet(u -> u == REFUSED ? u : until);
    }
  }

  /** Keys currently not refused and not resting. */
  public int usable() {
    long now = nanoTime.getAsLong();
    int n = 0;
    for (Key<H> k : keys) {
      long until = k.restsUntil.get();
      if (until == Long.MIN_VALUE || until != REFUSED && until - now <= 0) n++;
    }
    return n;
  }

  /** Never the keys themselves. */
  @Override
  public String toString() {
    return "KeyRing[" + provider + ", " + keys.size() + " keys]";
  }
}
