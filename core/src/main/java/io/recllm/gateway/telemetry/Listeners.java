package io.recllm.gateway.telemetry;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attached listeners and how each is run. Copy-on-write because listeners change rarely and
 * events are delivered on every call, from every event loop.
 */
final class Listeners {

  private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);
  static final int BLOCKING_QUEUE_CAPACITY = 10_000;
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final List<Entry> entries = new CopyOnWriteArrayList<>();
  private final Runnable onDropped;

  /** {@code executor} null = inline; {@code owned} = created here, shut down on detach. */
  private record Entry(TelemetryListener listener, Executor executor, boolean owned) {}

  Listeners(Runnable onDropped) {
    this.onDropped = onDropped;
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  void attach(TelemetryListener listener, Executor executor) {
    if (listener == null) throw new IllegalArgumentException("listener is null");
    entries.add(new Entry(listener, executor, false));
  }

  void attachBlocking(TelemetryListener listener) {
    if (listener == null) throw new IllegalArgumentException("listener is null");
    ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(BLOCKING_QUEUE_CAPACITY), r -> {
          Thread t = new Thread(r, "rec-llm-gateway-telemetry-" + THREADS.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    entries.add(new Entry(listener, executor, true));
  }

  boolean detach(TelemetryListener listener) {
    for (Entry e : entries) {
      if (e.listener == listener && entries.remove(e)) {
        if (e.owned) ((ExecutorService) e.executor).shutdown(); // queued events still run
        return true;
      }
    }
    return false;
  }

  /** Builds the event only when someone listens. */
  void emit(Supplier<TelemetryEvent> event) {
    if (entries.isEmpty()) return;
    TelemetryEvent built = event.get();
    for (Entry e : entries) {
      if (e.executor == null) {
        deliver(e, built);
      } else {
        try {
          e.executor.execute(() -> deliver(e, built));
        } catch (RejectedExecutionException full) {
          onDropped.run();
        }
      }
    }
  }

  private void deliver(Entry e, TelemetryEvent event) {
    try {
      e.listener.onEvent(event);
    } catch (VirtualMachineError fatal) {
      throw fatal;
    } catch (Throwable t) { // a listener's bug must never reach the call it observes
      if (detach(e.listener)) {
        LOG.warn("Telemetry listener {} threw on {} and was detached; the call itself was not affected",
            e.listener.getClass().getName(), event.name(), t);
      }
    }
  }

  void close() {
    for (Entry e : entries) detach(e.listener);
  }
}
