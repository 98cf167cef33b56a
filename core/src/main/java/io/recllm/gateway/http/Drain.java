package io.recllm.gateway.http;

import io.recllm.gateway.error.GatewayException;
import io.vertx.core.Context;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The gateway's side of a graceful stop: whether it is stopping, and the chat calls still in flight that
 * the stop waits for. A call is counted from the moment its request reaches the chat route (before its
 * body is read), so that a stop never misses one whose body was still uploading; it stops counting only
 * once it has been recorded, so that the final flush of the usage store includes it.
 */
public final class Drain {

  private static final String CALL = "recllm.drain.call";

  private final Set<InFlight> calls = ConcurrentHashMap.newKeySet();
  private volatile boolean stopping;

  /** True from the start of a stop: new requests are refused, {@code /health} and {@code /ready} say so. */
  public boolean stopping() {
    return stopping;
  }

  /** Starts the stop: from now on new calls are refused; calls already in flight carry on. */
  public void stop() {
    stopping = true;
  }

  /** Calls in flight. */
  public int inFlight() {
    return calls.size();
  }

  /** Waits until every call in flight has finished and been recorded; false when the timeout came first. */
  public boolean awaitIdle(long timeoutMs) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (!calls.isEmpty()) {
      if (System.nanoTime() - deadline >= 0) return false;
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return calls.isEmpty();
      }
    }
    return true;
  }

  /** Ends every call still in flight with a {@code gateway_shutting_down} error, each on its own event loop. */
  public int abortAll() {
    int n = 0;
    for (InFlight call : calls) {
      call.context.runOnContext(v -> call.abort());
      n++;
    }
    return n;
  }

  // ---- routes

  /**
   * First handler of every route while stopping: an HTTP/1.x connection that carries a request now is
   * closed after the answer, which says so ({@code connection: close}).
   */
  void closeConnectionsWhileStopping(RoutingContext ctx) {
    if (stopping && ctx.request().version() != HttpVersion.HTTP_2) {
      ctx.response().putHeader("connection", "close");
      // the gateway's own server has already begun closing its connections; an application's server has not
      ctx.request().connection().shutdown(5, TimeUnit.SECONDS);
    }
    ctx.next();
  }

  /**
   * Refuses every request but {@code /health} and {@code /ready} while stopping. It runs before those
   * routes rather than after them: a catch-all route after {@code GET /health} would turn the router's
   * 405 for {@code POST /health} into a 404.
   */
  void refuseWhileStopping(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (stopping && !"/health".equals(path) && !"/ready".equals(path)) {
      refuse(ctx);
    } else {
      ctx.next();
    }
  }

  /** On the chat route, before the body is read: counts the call, or refuses it when the stop has begun. */
  void admit(RoutingContext ctx) {
    InFlight call = new InFlight(ctx);
    calls.add(call);
    // after the add: either the stop sees this call and waits for it, or this call sees the stop
    if (stopping) {
      calls.remove(call);
      refuse(ctx);
      return;
    }
    ctx.put(CALL, call);
    ctx.addEndHandler(ar -> call.releaseUnlessClaimed());
    ctx.next();
  }

  /** The call {@link #admit} counted for this request. */
  static InFlight callOf(RoutingContext ctx) {
    InFlight call = ctx.get(CALL);
    if (call == null) throw new IllegalStateException("chat route without Drain.admit");
    return call;
  }

  static GatewayException shuttingDown(boolean started) {
    return new GatewayException.ShuttingDown(started
        ? "The gateway is shutting down and could not finish this call within its grace period; retry it"
        : "The gateway is shutting down and takes no new calls; retry on another instance");
  }

  private static void refuse(RoutingContext ctx) {
    ErrorResponses.send(ctx.response(), shuttingDown(false));
  }

  /**
   * One chat call. Until its handler claims it (after the request is read and valid), ending it means
   * refusing the request; after that the handler ends it, records it, then reports {@link #done}.
   */
  final class InFlight {
    private final RoutingContext ctx;
    private final Context context;
    private final AtomicBoolean over = new AtomicBoolean();
    private volatile Runnable abort;
    private volatile boolean claimed;

    private InFlight(RoutingContext ctx) {
      this.ctx = ctx;
      this.context = ctx.vertx().getOrCreateContext();
    }

    /**
     * Taken over by the handler, which calls {@code onAbort} if the grace period runs out first and
     * {@link #done} once the call is recorded. False when the call was already ended (the client left, or
     * the stop's grace period ran out, while its body was uploading): the handler must then do nothing.
     */
    boolean claim(Runnable onAbort) {
      if (over.get()) return false;
      abort = onAbort;
      claimed = true;
      return true;
    }

    /** The call is answered and recorded (or its client is gone and it is recorded as such). */
    void done() {
      over.set(true);
      calls.remove(this);
    }

    private void releaseUnlessClaimed() {
      if (!claimed) done();
    }

    private void abort() {
      if (over.get()) return;
      if (claimed) {
        abort.run(); // ends with done()
      } else {
        done();
        refuse(ctx);
      }
    }
  }
}
