package io.recllm.gateway.provider;

import io.recllm.gateway.error.GatewayException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.util.function.Consumer;

/**
 * A {@link ChatStream} over an upstream SSE response: framing by {@link SseParser}, translation by a
 * per-provider {@link StreamTranslator}, the idle timeout between network reads, the total timeout
 * counted from the start of the call, and pause/resume mapped straight onto the upstream socket so a
 * slow client slows the upstream instead of filling memory. An upstream with another framing (AWS's
 * binary event stream) gives its own {@link BodyDecoder} and keeps all the rest.
 */
public final class UpstreamSseStream implements ChatStream {

  /**
   * Response body bytes → OpenAI chunks, as they arrive; one per stream. Throws a
   * {@link GatewayException} for an upstream error or an unreadable body.
   */
  public interface BodyDecoder {
    void feed(Buffer bytes, Consumer<ChatChunk> out);

    /** The upstream closed the body cleanly. */
    void end(Consumer<ChatChunk> out);
  }

  private final UpstreamHttp.UpstreamResponse upstream;
  private final HttpClientResponse response;
  private final BodyDecoder decoder;
  private final Vertx vertx;
  private final long idleMs;
  private Handler<ChatChunk> chunkHandler = c -> {};
  private Handler<Void> endHandler = v -> {};
  private Handler<GatewayException> exceptionHandler = e -> {};
  private boolean finished;
  private long idleTimer = -1;
  private long totalTimer = -1;
  private long lastReadNanos;

  public UpstreamSseStream(UpstreamHttp.UpstreamResponse upstream, StreamTranslator translator) {
    this(upstream, sse(translator));
  }

  public UpstreamSseStream(UpstreamHttp.UpstreamResponse upstream, BodyDecoder decoder) {
    this.upstream = upstream;
    this.response = upstream.response();
    this.decoder = decoder;
    this.vertx = upstream.upstream().vertx();
    this.idleMs = upstream.upstream().config().timeouts().idleMs();
    response.pause();
    response.handler(buffer -> {
      if (finished) return;
      lastReadNanos = System.nanoTime();
      try {
        decoder.feed(buffer, this::emit);
      } catch (GatewayException e) {
        fail(e);
      } catch (RuntimeException e) {
        fail(new GatewayException.ProviderFailure("bad_upstream_stream",
            "Provider \"" + upstream.upstream().config().name() + "\" sent a stream the gateway could not read: "
                + e.getMessage(), 200, false, e));
      }
    });
    response.endHandler(v -> {
      if (finished) return;
      try {
        decoder.end(this::emit);
      } catch (GatewayException e) {
        fail(e);
        return;
      } catch (RuntimeException e) {
        fail(new GatewayException.ProviderFailure("bad_upstream_stream", "Unreadable end of stream: " + e.getMessage(),
            200, false, e));
        return;
      }
      if (!finished) {
        finished = true;
        stopTimers();
        endHandler.handle(null);
      }
    });
    response.exceptionHandler(t -> fail(upstream.upstream().connectionFailure(t)));
    long totalLeftMs = upstream.upstream().remainingTotalMs(upstream.startNanos());
    // runs while paused too: a stream held up by a slow client is still bounded by total_ms
    if (totalLeftMs > 0) totalTimer = vertx.setTimer(totalLeftMs, id -> {
      totalTimer = -1;
      fail(upstream.upstream().totalTimeout());
    });
  }

  /** SSE framing in front of a translator. */
  private static BodyDecoder sse(StreamTranslator translator) {
    return new BodyDecoder() {
      private Consumer<ChatChunk> out;
      private final SseParser parser = new SseParser(event -> translator.onEvent(event, out));

      @Override
      public void feed(Buffer bytes, Consumer<ChatChunk> out) {
        this.out = out;
        parser.feed(bytes);
      }

      @Override
      public void end(Consumer<ChatChunk> out) {
        this.out = out;
        parser.end();
        translator.onEnd(out);
      }
    };
  }

  private void emit(ChatChunk chunk) {
    if (!finished) chunkHandler.handle(chunk);
  }

  private void fail(GatewayException e) {
    if (finished) return;
    finished = true;
    stopTimers();
    upstream.cancel();
    exceptionHandler.handle(e);
  }

  @Override
  public ChatStream handler(Handler<ChatChunk> handler) {
    this.chunkHandler = handler;
    return this;
  }

  @Override
  public ChatStream endHandler(Handler<Void> handler) {
    this.endHandler = handler;
    return this;
  }

  @Override
  public ChatStream exceptionHandler(Handler<GatewayException> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public ChatStream pause() {
    response.pause();
    stopIdleTimer(); // a paused stream is waiting for the client, not for the upstream
    return this;
  }

  @Override
  public ChatStream resume() {
    if (finished) return this;
    lastReadNanos = System.nanoTime();
    startIdleTimer();
    response.resume();
    return this;
  }

  @Override
  public void cancel() {
    if (finished) return;
    finished = true;
    stopTimers();
    upstream.cancel();
  }

  private void startIdleTimer() {
    if (idleMs <= 0 || idleTimer >= 0) return;
    idleTimer = vertx.setPeriodic(Math.max(10, idleMs / 4), id -> {
      if ((System.nanoTime() - lastReadNanos) / 1_000_000 >= idleMs) {
        fail(new GatewayException.Timeout("idle_timeout", "Provider \"" + upstream.upstream().config().name()
            + "\" sent nothing for " + idleMs + " ms in the middle of a stream (timeouts.idle_ms)"));
      }
    });
  }

  private void stopTimers() {
    stopIdleTimer();
    if (totalTimer >= 0) {
      vertx.cancelTimer(totalTimer);
      totalTimer = -1;
    }
  }

  private void stopIdleTimer() {
    if (idleTimer >= 0) {
      vertx.cancelTimer(idleTimer);
      idleTimer = -1;
    }
  }
}
