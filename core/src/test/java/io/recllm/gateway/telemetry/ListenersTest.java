package io.recllm.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Listener dispatch on its own: order, executors, bounded queues, detaching the ones that throw. */
class ListenersTest {

  static TelemetryEvent event(int i) {
    return new TelemetryEvent(TelemetryEvent.REQUEST_START, Map.of("n", i), Map.of());
  }

  @Test
  void aBlockingListenerGetsEventsInOrderAndASlowOneDropsInsteadOfGrowingMemory() throws Exception {
    AtomicInteger dropped = new AtomicInteger();
    Listeners listeners = new Listeners(dropped::incrementAndGet);
    CountDownLatch release = new CountDownLatch(1);
    List<Long> seen = new CopyOnWriteArrayList<>();
    listeners.attachBlocking(e -> {
      try {
        release.await();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      seen.add(e.measurement("n"));
    });
    // one event runs (and waits), the queue takes its capacity, the rest are dropped
    int total = Listeners.BLOCKING_QUEUE_CAPACITY + 1 + 5;
    for (int i = 0; i < total; i++) {
      int n = i;
      listeners.emit(() -> event(n));
    }
    assertThat(dropped).hasValue(5);
    release.countDown();
    TelemetryGateway.await(() -> seen.size() == total - 5, "the queued events");
    for (int i = 0; i < seen.size(); i++) assertThat(seen.get(i)).isEqualTo(i);
    listeners.close();
  }

  @Test
  void aListenerThatThrowsOnAnExecutorIsDetachedToo() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      Listeners listeners = new Listeners(() -> { });
      AtomicInteger calls = new AtomicInteger();
      TelemetryListener bad = e -> {
        calls.incrementAndGet();
        throw new IllegalStateException("boom");
      };
      listeners.attach(bad, executor);
      listeners.emit(() -> event(1));
      TelemetryGateway.await(listeners::isEmpty, "the detach");
      listeners.emit(() -> event(2));
      executor.shutdown();
      assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
      assertThat(calls).hasValue(1);
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void noListenerMeansNoEventIsBuilt() {
    Listeners listeners = new Listeners(() -> { });
    listeners.emit(() -> {
      throw new AssertionError("built without a listener");
    });
  }
}
