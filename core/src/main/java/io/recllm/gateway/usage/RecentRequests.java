package io.recllm.gateway.usage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/** The last calls, for the request log of the {@code memory} store: a lock-free ring, newest overwriting oldest. */
final class RecentRequests {

  private final AtomicReferenceArray<UsageRecord> ring;
  private final AtomicLong next = new AtomicLong();

  RecentRequests(int capacity) {
    this.ring = new AtomicReferenceArray<>(capacity);
  }

  void add(UsageRecord r) {
    ring.set((int) (next.getAndIncrement() % ring.length()), r);
  }

  /** Newest first; under concurrent writes a slot being overwritten may show its newer record. */
  List<RequestLogEntry> latest(int limit) {
    long end = next.get();
    int n = (int) Math.min(Math.min(limit, ring.length()), end);
    List<RequestLogEntry> out = new ArrayList<>(n);
    for (long i = end - 1; i >= end - n; i--) {
      UsageRecord r = ring.get((int) (i % ring.length()));
      if (r != null) out.add(RequestLogEntry.of(r));
    }
    return out;
  }
}
