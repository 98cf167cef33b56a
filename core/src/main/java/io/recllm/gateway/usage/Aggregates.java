package io.recllm.gateway.usage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * In-memory totals per (UTC date, provider, model, endpoint). {@link #add} runs on the event loops for every
 * finished call: it takes no lock (a map read, then striped adders and one atomic histogram
 * increment); only the first call of a new cell goes through the map's insert.
 */
final class Aggregates {

  private static final class Cell {
    final LongAdder calls = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder prompt = new LongAdder();
    final LongAdder completion = new LongAdder();
    final LongAdder total = new LongAdder();
    final LongAdder cached = new LongAdder();
    final LongAdder costNanos = new LongAdder();
    final LongAdder latencySum = new LongAdder();
    final LongAdder cacheHits = new LongAdder();
    final LongAdder savedNanos = new LongAdder();
    final LatencyHistogram latencies = new LatencyHistogram();
  }

  private final ConcurrentHashMap<UsageKey, Cell> cells = new ConcurrentHashMap<>();

  void add(UsageRecord r) {
    Cell c = cell(UsageKey.of(r));
    c.calls.increment();
    if (r.failed()) c.errors.increment();
    c.prompt.add(r.usage().promptTokens());
    c.completion.add(r.usage().completionTokens());
    c.total.add(r.usage().totalTokens());
    c.cached.add(r.usage().cachedTokens());
    c.costNanos.add(r.costNanoUsd());
    c.latencySum.add(r.latencyMs());
    c.latencies.record(r.latencyMs());
    if (r.cacheHit()) {
      c.cacheHits.increment();
      c.savedNanos.add(r.savedNanoUsd());
    }
  }

  /** Adds the cache's totals read back from the store at start. */
  void loadCache(UsageKey key, long hits, long savedNanos) {
    Cell c = cell(key);
    c.cacheHits.add(hits);
    c.savedNanos.add(savedNanos);
  }

  /** Adds totals read back from the store at start. */
  void load(UsageKey key, long calls, long errors, long prompt, long completion, long total, long cached, long costNanos,
            long latencySum) {
    Cell c = cell(key);
    c.calls.add(calls);
    c.errors.add(errors);
    c.prompt.add(prompt);
    c.completion.add(completion);
    c.total.add(total);
    c.cached.add(cached);
    c.costNanos.add(costNanos);
    c.latencySum.add(latencySum);
  }

  void loadLatency(UsageKey key, long latencyMs, long count) {
    cell(key).latencies.record(latencyMs, count);
  }

  List<UsageStats> query(UsageQuery q) {
    Map<UsageKey, Totals> groups = new TreeMap<>(UsageKey.ORDER);
    cells.forEach((key, c) -> {
      if (!q.matches(key)) return;
      Totals t = groups.computeIfAbsent(q.groupOf(key), k -> new Totals());
      t.add(c.calls.sum(), c.errors.sum(), c.prompt.sum(), c.completion.sum(), c.total.sum(), c.cached.sum(),
          c.costNanos.sum(), c.latencySum.sum());
      t.addCache(c.cacheHits.sum(), c.savedNanos.sum());
      if (t.latencies == null) t.latencies = new long[LatencyHistogram.BUCKETS];
      c.latencies.addTo(t.latencies);
    });
    List<UsageStats> out = new ArrayList<>(groups.size());
    groups.forEach((k, t) -> out.add(t.toStats(k)));
    return out;
  }

  private Cell cell(UsageKey key) {
    Cell c = cells.get(key);
    return c != null ? c : cells.computeIfAbsent(key, k -> new Cell());
  }
}
