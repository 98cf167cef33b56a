package io.recllm.gateway.http;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The guarded connections of one event loop, checked against their deadlines once per tick. A timer per
 * connection would cost a scheduled task, a cancel and often a timer syscall for every connection; this
 * costs two link updates, and a timeout fires at most one tick late. Used only on its event loop.
 */
final class ConnectionSweeper implements Runnable {

  private final ScheduledFuture<?> task;
  private GuardedRequestDecoder first;

  ConnectionSweeper(EventExecutor loop, long tickNanos) {
    task = loop.scheduleAtFixedRate(this, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
  }

  void add(GuardedRequestDecoder d) {
    d.next = first;
    if (first != null) first.previous = d;
    first = d;
  }

  /** Leaves the removed one's own links as they are, so that a sweep standing on it can go on. */
  void remove(GuardedRequestDecoder d) {
    if (d.previous != null) d.previous.next = d.next;
    else if (first == d) first = d.next;
    else return; // not in the list (any more)
    if (d.next != null) d.next.previous = d.previous;
    d.previous = null;
  }

  @Override
  public void run() {
    long now = System.nanoTime();
    for (GuardedRequestDecoder d = first; d != null; ) {
      GuardedRequestDecoder next = d.next;
      d.check(now);
      d = next;
    }
  }

  void stop() {
    task.cancel(false);
  }
}
