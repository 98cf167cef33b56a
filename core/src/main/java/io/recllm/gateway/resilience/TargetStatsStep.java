package io.recllm.gateway.resilience;

import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallStep;
import io.recllm.gateway.call.Stage;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.vertx.core.Future;

/**
 * Keeps {@link TargetStats} for the load-aware strategies, around each single upstream try
 * ({@link Stage#PROVIDER}): the try counts as in flight until its answer arrived, or for a stream
 * until the stream ended, failed or was cancelled; its latency (until the answer, or until the
 * upstream accepted the stream) goes into the target's average when it succeeded or timed out. A
 * failure that came fast says nothing about how fast the target answers, a timeout does.
 */
public final class TargetStatsStep implements CallStep {

  private final TargetStats stats;
  private final TimeSource time;

  public TargetStatsStep(TargetStats stats, TimeSource time) {
    this.stats = stats;
    this.time = time;
  }

  @Override
  public Stage stage() {
    return Stage.PROVIDER;
  }

  @Override
  public Future<ChatResult> complete(Call call, Next next) {
    TargetStats.Entry entry = stats.get(call.target());
    if (entry == null) return next.complete(call);
    long start = time.nanoTime();
    entry.started();
    Future<ChatResult> f;
    try {
      f = next.complete(call);
    } catch (RuntimeException e) {
      entry.finished();
      throw e;
    }
    return f.andThen(ar -> {
      entry.finished();
      if (ar.succeeded() || Outcome.of(ar.cause()).timeout()) entry.latency(false, time.nanoTime() - start);
    });
  }

  @Override
  public Future<ChatStream> stream(Call call, Next next) {
    TargetStats.Entry entry = stats.get(call.target());
    if (entry == null) return next.stream(call);
    long start = time.nanoTime();
    entry.started();
    Future<ChatStream> f;
    try {
      f = next.stream(call);
    } catch (RuntimeException e) {
      entry.finished();
      throw e;
    }
    return f.transform(ar -> {
      if (ar.failed()) {
        entry.finished();
        if (Outcome.of(ar.cause()).timeout()) entry.latency(true, time.nanoTime() - start);
        return Future.failedFuture(ar.cause());
      }
      entry.latency(true, time.nanoTime() - start);
      if (ar.result() == null) {
        entry.finished();
        return Future.succeededFuture();
      }
      return Future.succeededFuture(new InFlightStream(ar.result(), entry::finished));
    });
  }
}
