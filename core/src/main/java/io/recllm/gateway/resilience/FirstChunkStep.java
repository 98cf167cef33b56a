package io.recllm.gateway.resilience;

import io.recllm.gateway.call.Attempt;
import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallStep;
import io.recllm.gateway.call.Stage;
import io.recllm.gateway.core.ModelRef;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.ChatStream;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import java.util.ArrayDeque;

/**
 * Holds a stream's start back until its first chunk arrived, so that an upstream that accepted the
 * call and then stalled, broke or ended before sending anything fails the try like a refused
 * connection would: nothing has reached the client yet, so {@link RetryStep} and {@link RoutingStep}
 * may still try again elsewhere. The innermost provider step, so that the breaker and the target
 * stats see that failure too (and stats measure streams to their first token). After the first chunk
 * the stream is the upstream's, and a failure ends it for the client.
 */
public final class FirstChunkStep implements CallStep {

  @Override
  public Stage stage() {
    return Stage.PROVIDER;
  }

  @Override
  public Future<ChatStream> stream(Call call, Next next) {
    ModelRef target = call.target();
    long start = System.nanoTime();
    return next.stream(call).compose(s -> {
      if (s == null) return Future.succeededFuture();
      Gate gate = new Gate(s);
      return gate.ready.future().recover(failure -> {
        // the try was noted as answered when the upstream accepted it; it failed after all
        int status = failure instanceof GatewayException g ? (g.upstreamStatus() > 0 ? g.upstreamStatus() : g.status()) : 500;
        String type = failure instanceof GatewayException g ? g.type() : "api_error";
        call.answerFailed(new Attempt(target.provider(), target.model(), status,
            (System.nanoTime() - start) / 1_000_000, type));
        return Future.failedFuture(failure);
      });
    });
  }

  /** The upstream stream, read until its first chunk, then paused until its consumer resumes it. */
  static final class Gate implements ChatStream {
    final Promise<ChatStream> ready = Promise.promise();
    private final ChatStream upstream;
    private final ArrayDeque<ChatChunk> pending = new ArrayDeque<>(2); // read before the consumer resumed
    private boolean ended;
    private GatewayException failed;
    private boolean started; // the consumer resumed: everything goes straight through
    private Handler<ChatChunk> handler;
    private Handler<Void> endHandler;
    private Handler<GatewayException> exceptionHandler;

    Gate(ChatStream upstream) {
      this.upstream = upstream;
      upstream.handler(this::chunk).endHandler(v -> end()).exceptionHandler(this::failure);
      upstream.resume();
    }

    private void chunk(ChatChunk c) {
      if (!started) {
        pending.add(c);
        if (!ready.future().isComplete()) {
          upstream.pause();
          ready.complete(this);
        }
        return;
      }
      Handler<ChatChunk> h = handler;
      if (h != null) h.handle(c);
    }

    private void end() {
      if (!ready.future().isComplete()) {
        ended = true;
        ready.complete(this); // an empty answer is the adapter's to judge, not a reason to try elsewhere
        return;
      }
      if (started) {
        if (endHandler != null) endHandler.handle(null);
      } else {
        ended = true;
      }
    }

    private void failure(GatewayException e) {
      if (!ready.future().isComplete()) {
        ready.fail(e);
        return;
      }
      if (started) {
        if (exceptionHandler != null) exceptionHandler.handle(e);
      } else {
        failed = e;
      }
    }

    @Override
    public ChatStream handler(Handler<ChatChunk> h) {
      this.handler = h;
      return this;
    }

    @Override
    public ChatStream endHandler(Handler<Void> h) {
      this.endHandler = h;
      return this;
    }

    @Override
    public ChatStream exceptionHandler(Handler<GatewayException> h) {
      this.exceptionHandler = h;
      return this;
    }

    @Override
    public ChatStream pause() {
      upstream.pause();
      return this;
    }

    @Override
    public ChatStream resume() {
      if (!started) {
        started = true;
        for (ChatChunk c; (c = pending.poll()) != null; ) {
          if (handler != null) handler.handle(c);
        }
        if (failed != null) {
          if (exceptionHandler != null) exceptionHandler.handle(failed);
          return this;
        }
        if (ended) {
          if (endHandler != null) endHandler.handle(null);
          return this;
        }
      }
      upstream.resume();
      return this;
    }

    @Override
    public void cancel() {
      upstream.cancel();
    }
  }
}
