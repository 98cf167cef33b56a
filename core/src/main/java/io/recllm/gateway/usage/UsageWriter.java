package io.recllm.gateway.usage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Write-behind from the event loops to the database, with group commit. {@link #offer} never blocks and
 * takes no lock: a bounded count plus a lock-free queue. One writer thread takes whatever is queued as
 * soon as it is free, waits {@link #LINGER_NANOS} for the records of concurrent calls, and writes them in
 * one transaction (at most {@code batchSize} records): a call arriving while the writer is idle is
 * committed within about 10 ms, and under load the batches
 * grow by themselves with what arrived during the previous commit, so the cost per row stays that of
 * a large batch. The writer sleeps when the queue is empty and is woken by the first record that
 * finds it asleep; {@code flushIntervalMs} only bounds that sleep. A record counts against the bound
 * until its batch is committed, so a database outage fills the queue (the writer retries with backoff)
 * and only then are new records dropped and counted. What a crash loses is what is queued but not yet
 * committed: the calls of the last commit or so, about ten milliseconds' worth.
 */
final class UsageWriter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(UsageWriter.class);
  private static final long HOUR_NANOS = TimeUnit.HOURS.toNanos(1);
  private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final JdbcUsageStore store;
  private final int capacity;
  private final int batchSize;
  /** How long the writer waits for more records before committing a batch that is not full. */
  static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private final long flushIntervalNanos;
  private final long retentionMillis;

  private final ConcurrentLinkedQueue<UsageRecord> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger(); // queued + taken but not yet committed
  private final AtomicLong offered = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong commits = new AtomicLong(); // batches written in one transaction each
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong refused = new AtomicLong(); // taken from the queue, refused by the database
  private final AtomicLong lastDropLog = new AtomicLong(System.nanoTime() - DROP_LOG_INTERVAL_NANOS);
  private final Thread thread;
  private final AtomicBoolean parked = new AtomicBoolean(); // the writer is asleep, or about to be
  private volatile boolean flushRequested;
  private volatile boolean closing;
  private volatile long closeDeadlineNanos;

  UsageWriter(JdbcUsageStore store, int capacity, int batchSize, long flushIntervalMs, int retentionDays) {
    this.store = store;
    this.capacity = capacity;
    this.batchSize = batchSize;
    this.flushIntervalNanos = TimeUnit.MILLISECONDS.toNanos(flushIntervalMs);
    this.retentionMillis = retentionDays <= 0 ? 0 : TimeUnit.DAYS.toMillis(retentionDays);
    this.thread = new Thread(this::run, "usage-writer");
    this.thread.setDaemon(true); // an embedding application that never calls close() must still be able to exit
  }

  void start() {
    thread.start();
  }

  /** From the event loop: queue the record, or count it as dropped when the queue is full. */
  boolean offer(UsageRecord record) {
    if (closing && !thread.isAlive()) {
      drop("the usage store is closed");
      return false;
    }
    int n = pending.incrementAndGet();
    if (n > capacity) {
      pending.decrementAndGet();
      drop("the write queue is full (usage.queue_capacity=" + capacity + ")");
      return false;
    }
    queue.offer(record);
    offered.incrementAndGet();
    // One unpark (a system call) per sleep of the writer, by whoever finds it asleep first; while it
    // writes, records queue up for its next batch without costing the event loop anything more.
    if (parked.get() && parked.compareAndSet(true, false)) LockSupport.unpark(thread);
    return true;
  }

  private void drop(String why) {
    long total = dropped.incrementAndGet();
    long now = System.nanoTime();
    long last = lastDropLog.get();
    if (now - last >= DROP_LOG_INTERVAL_NANOS && lastDropLog.compareAndSet(last, now)) {
      LOG.warn("Dropped a usage record: {} ({} dropped so far)", why, total);
    }
  }

  long dropped() {
    return dropped.get();
  }

  /** Transactions that wrote a batch; with {@link #offer} counts it tells how large batches were. */
  long commits() {
    return commits.get();
  }

  int queued() {
    return pending.get();
  }

  /** Waits until everything offered before this call is committed; false when the timeout came first. */
  boolean flush(long timeoutMs) {
    long target = offered.get();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (written.get() + refused.get() < target) {
      if (!thread.isAlive() || System.nanoTime() > deadline) return false;
      flushRequested = true;
      LockSupport.unpark(thread);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
    return true;
  }

  private void drainInto(List<UsageRecord> batch) {
    UsageRecord r;
    while (batch.size() < batchSize && (r = queue.poll()) != null) batch.add(r);
  }

  private void run() {
    List<UsageRecord> batch = new ArrayList<>(batchSize);
    long nextPurge = System.nanoTime();
    long backoffNanos = 0;
    long retryAt = 0;
    while (true) {
      long now = System.nanoTime();
      if (retentionMillis > 0 && now >= nextPurge) {
        purge();
        nextPurge = now + HOUR_NANOS;
      }
      if (!batch.isEmpty() && now - retryAt < 0) {
        // backing off after a failed write; flush() and offer() wake-ups must not shorten it
        LockSupport.parkNanos(this, retryAt - now);
        continue;
      }
      flushRequested = false;
      if (batch.isEmpty()) {
        drainInto(batch);
        if (!batch.isEmpty() && batch.size() < batchSize && !closing && !flushRequested) {
          // Without this wait, calls arriving one by one were each their own commit: at 14,000 calls/s the
          // SQLite store cost a third of the gateway's throughput. Ten milliseconds let the records of
          // concurrent calls share one commit: the writer's CPU per SQLite row (bench/java/UsageWriterCpu.java)
          // is then that of the one-second batches before group commit at 14,000 calls/s, and less than
          // 2x theirs at 2,000/s (3 ms cost 3x). A kill -9 still loses only what those milliseconds held.
          LockSupport.parkNanos(this, LINGER_NANOS);
          drainInto(batch);
        }
      }
      if (batch.isEmpty()) {
        if (closing) return;
        parked.set(true);
        // Checked after announcing the sleep: a record offered before it is seen here, one offered
        // after it finds the flag and unparks (a permit that makes this park return at once).
        if (queue.isEmpty() && !closing && !flushRequested) {
          long sleep = flushIntervalNanos;
          if (retentionMillis > 0) sleep = Math.min(sleep, Math.max(0, nextPurge - now));
          LockSupport.parkNanos(this, sleep);
        }
        parked.set(false);
        continue;
      }
      try {
        store.write(batch);
        written.addAndGet(batch.size());
        commits.incrementAndGet();
        pending.addAndGet(-batch.size());
        batch.clear();
        backoffNanos = 0;
      } catch (Exception e) {
        if (JdbcUsageStore.refusedTheData(e)) {
          writeOneByOne(batch);
          if (batch.isEmpty()) continue;
        }
        backoffNanos = backoffNanos == 0 ? TimeUnit.MILLISECONDS.toNanos(200) : Math.min(backoffNanos * 2, TimeUnit.SECONDS.toNanos(30));
        if (closing && System.nanoTime() + backoffNanos > closeDeadlineNanos) {
          int lost = pending.get();
          LOG.error("Could not write {} usage record(s) to {} before shutdown; they are lost: {}", lost,
              store.location().display(), JdbcUsageStore.rootMessage(e));
          return;
        }
        LOG.warn("Could not write {} usage record(s) to {} (will retry in {} ms, {} waiting): {}", batch.size(),
            store.location().display(), TimeUnit.NANOSECONDS.toMillis(backoffNanos), pending.get(),
            JdbcUsageStore.rootMessage(e));
        store.evictIdleConnections(); // after a database restart the other pooled connections are dead too
        retryAt = System.nanoTime() + backoffNanos;
      }
    }
  }

  /**
   * The database refused something in the batch: write the records one at a time, so that one bad
   * record costs only itself. Records refused again are dropped and counted; on any other failure the
   * rest stay in the batch for the normal retry.
   */
  private void writeOneByOne(List<UsageRecord> batch) {
    while (!batch.isEmpty()) {
      UsageRecord r = batch.get(0);
      try {
        store.write(List.of(r));
        written.incrementAndGet();
      } catch (Exception e) {
        if (!JdbcUsageStore.refusedTheData(e)) return;
        long total = dropped.incrementAndGet();
        LOG.warn("The usage store refused the record of request {} ({}/{}); dropped it ({} dropped so far): {}",
            printable(r.requestId()), printable(r.provider()), printable(r.model()), total, JdbcUsageStore.rootMessage(e));
        refused.incrementAndGet();
      }
      pending.decrementAndGet();
      batch.remove(0);
    }
  }

  /** Model names come from clients; keep them from forging log lines. */
  private static String printable(String s) {
    return s == null ? null : s.replaceAll("\\p{Cntrl}", "?");
  }

  private void purge() {
    try {
      int n = store.deleteRequestsBefore(System.currentTimeMillis() - retentionMillis);
      if (n > 0) LOG.info("Deleted {} usage request row(s) older than the retention period", n);
    } catch (Exception e) {
      LOG.warn("Could not delete expired usage request rows: {}", JdbcUsageStore.rootMessage(e));
    }
  }

  /** Writes everything still queued, waiting up to {@code timeoutMs} (retrying if the database is down). */
  void close(long timeoutMs) {
    closeDeadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    closing = true;
    LockSupport.unpark(thread);
    try {
      thread.join(Math.max(1, timeoutMs + 1000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.error("The usage writer did not finish in {} ms; {} record(s) not written", timeoutMs, pending.get());
    } else if (!queue.isEmpty()) {
      // calls that finished while the writer was on its way out
      LOG.warn("{} usage record(s) arrived after the final flush and were not written", queue.size());
    }
  }

  @Override
  public void close() {
    close(30_000);
  }
}
