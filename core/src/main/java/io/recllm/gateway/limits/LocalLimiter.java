package io.recllm.gateway.limits;

import io.vertx.core.Future;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The limits of one node, in memory: each key's state is locked only by calls of that key. */
final class LocalLimiter implements Limiter {

  static final long WINDOW_MS = 60_000;

  private final Map<String, KeyState> keys = new ConcurrentHashMap<>();

  private static final class KeyState {
    /** reservation id -> {time, tokens}, oldest first: the sliding window of the last 60 s. */
    final LinkedHashMap<String, long[]> window = new LinkedHashMap<>();
    /** The tokens of {@link #window}, kept as entries come and go so that a check does not walk the window. */
    long windowTokens;
    /** reservation id -> {expires, cost}: the calls in flight. */
    final Map<String, long[]> reserved = new LinkedHashMap<>();
    String period;
    long spent;
  }

  /** What a key already spent in a period before this process started (from the usage store). */
  void seed(String keyId, String period, long spentNanoUsd) {
    KeyState s = keys.computeIfAbsent(keyId, id -> new KeyState());
    synchronized (s) {
      s.period = period;
      s.spent = spentNanoUsd;
    }
  }

  @Override
  public Future<Verdict> acquire(Ask a) {
    KeyState s = keys.computeIfAbsent(a.keyId(), id -> new KeyState());
    synchronized (s) {
      long now = a.nowMs();
      prune(s, now);
      long tokens = s.windowTokens;
      long reset = s.window.isEmpty() ? WINDOW_MS : s.window.values().iterator().next()[0] + WINDOW_MS - now;
      int n = s.window.size();
      if (!a.period().equals(s.period)) {
        s.period = a.period();
        s.spent = 0;
      }
      long reservedCost = 0;
      for (long[] r : s.reserved.values()) reservedCost += r[1];
      int outcome = a.rpm() > 0 && n >= a.rpm() ? Verdict.RPM
          : a.tpm() > 0 && tokens + a.tokens() > a.tpm() ? Verdict.TPM
          : a.maxParallel() > 0 && s.reserved.size() >= a.maxParallel() ? Verdict.PARALLEL
          : a.budgetNanoUsd() >= 0 && s.spent + reservedCost + a.costNanoUsd() > a.budgetNanoUsd() ? Verdict.BUDGET
          : Verdict.GRANTED;
      if (outcome != Verdict.GRANTED) return Future.succeededFuture(new Verdict(outcome, n, tokens, reset, 0));
      s.window.put(a.reservationId(), new long[] {now, a.tokens()});
      s.windowTokens += a.tokens();
      s.reserved.put(a.reservationId(), new long[] {now + a.ttlMs(), a.costNanoUsd()});
      return Future.succeededFuture(new Verdict(Verdict.GRANTED, n + 1, tokens + a.tokens(), reset, 0));
    }
  }

  @Override
  public Future<Void> settle(Ask a, long slot, long tokens, long costNanoUsd) {
    KeyState s = keys.get(a.keyId());
    if (s == null) return Future.succeededFuture();
    synchronized (s) {
      s.reserved.remove(a.reservationId());
      long[] entry = s.window.get(a.reservationId());
      if (entry != null) {
        s.windowTokens += tokens - entry[1];
        entry[1] = tokens;
      }
      if (a.period().equals(s.period)) s.spent += costNanoUsd;
    }
    return Future.succeededFuture();
  }

  /**
   * Drops what left the window, from its oldest end (a busy key's window holds every call of the last
   * minute: it is never walked whole), and reservations that expired (only the calls in flight).
   */
  private static void prune(KeyState s, long now) {
    for (Iterator<long[]> it = s.window.values().iterator(); it.hasNext(); ) {
      long[] e = it.next();
      if (e[0] > now - WINDOW_MS) break;
      s.windowTokens -= e[1];
      it.remove();
    }
    s.reserved.values().removeIf(r -> r[0] <= now);
  }

  @Override
  public void close() {}
}
