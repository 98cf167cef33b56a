package io.recllm.gateway.http;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.EventExecutor;
import io.recllm.gateway.config.ConnectionLimits;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.LongStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client connections of one gateway, over all its event loops: enforces {@code limits.max_connections}
 * and puts a {@link GuardedRequestDecoder} (read timeouts, strict framing) on every accepted connection.
 */
public final class ClientConnections {

  static final String OPEN = "rec_llm_gateway.connections.open";
  static final String REJECTED = "rec_llm_gateway.connections.rejected";
  static final String TIMED_OUT = "rec_llm_gateway.connections.timed_out";

  private static final Logger LOG = LoggerFactory.getLogger(ClientConnections.class);
  private static final long REJECTION_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  final long headerTimeoutNanos;
  final long bodyTimeoutNanos;
  final long idleTimeoutNanos;
  /** How often each event loop checks its connections' deadlines: a tenth of the shortest limit. */
  private final long tickNanos;
  private final ConcurrentHashMap<EventExecutor, ConnectionSweeper> sweepers = new ConcurrentHashMap<>();
  private final int maxConnections;
  private final MeterRegistry registry;
  private final AtomicInteger open = new AtomicInteger();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder headerTimeouts = new LongAdder();
  private final LongAdder bodyTimeouts = new LongAdder();
  private final LongAdder idleTimeouts = new LongAdder();
  private final AtomicLong lastRejectionLog = new AtomicLong(System.nanoTime() - REJECTION_LOG_INTERVAL_NANOS);
  private final List<Meter> meters = new ArrayList<>();
  private volatile int servers;
  private boolean unguardedLogged;

  /** {@code registry} may be null (metrics off). */
  public ClientConnections(ConnectionLimits limits, MeterRegistry registry) {
    this.headerTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(limits.headerTimeoutMs());
    this.bodyTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(limits.bodyTimeoutMs());
    this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(limits.idleConnectionMs());
    this.maxConnections = limits.maxConnections();
    this.registry = registry;
    long shortest = LongStream.of(headerTimeoutNanos, bodyTimeoutNanos, idleTimeoutNanos).filter(t -> t > 0).min().orElse(0);
    this.tickNanos = shortest == 0 ? 0
        : Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(TimeUnit.SECONDS.toNanos(1), shortest / 10));
  }

  /** A server (one per event loop) starts using this; the first one registers the meters. */
  synchronized void serverStarted() {
    if (servers++ > 0 || registry == null) return;
    meters.add(Gauge.builder(OPEN, open, AtomicInteger::get)
        .description("Open client connections").register(registry));
    meters.add(FunctionCounter.builder(REJECTED, rejected, LongAdder::sum)
        .description("Client connections closed at once because limits.max_connections were open").register(registry));
    meters.add(timedOut("headers", headerTimeouts));
    meters.add(timedOut("body", bodyTimeouts));
    meters.add(timedOut("idle", idleTimeouts));
  }

  private Meter timedOut(String phase, LongAdder count) {
    return FunctionCounter.builder(TIMED_OUT, count, LongAdder::sum).tag("phase", phase)
        .description("Client connections closed by limits.header_timeout_ms, body_timeout_ms or idle_connection_ms")
        .register(registry);
  }

  /** The last server to stop removes the meters, so that a later gateway on the same registry counts afresh. */
  synchronized void serverStopped() {
    if (--servers > 0) return;
    sweepers.values().forEach(ConnectionSweeper::stop);
    sweepers.clear();
    if (registry == null) return;
    meters.forEach(registry::remove);
    meters.clear();
  }

  /** The sweeper of {@code loop}, or null when no timeout is set. */
  ConnectionSweeper sweeperFor(EventExecutor loop) {
    if (tickNanos == 0 || servers == 0) return null; // none, or the gateway is stopping
    ConnectionSweeper s = sweepers.get(loop);
    return s != null ? s : sweepers.computeIfAbsent(loop, l -> new ConnectionSweeper(l, tickNanos));
  }

  /** Runs on the connection's event loop before it reads anything. */
  void accept(HttpConnection conn, HttpServerOptions options) {
    int now = open.incrementAndGet();
    if (maxConnections > 0 && now > maxConnections) {
      open.decrementAndGet();
      rejected.increment();
      conn.close();
      logRejection();
      return;
    }
    if (!(conn instanceof HttpServerConnection internal) || !guard(internal.channelHandlerContext().pipeline(), options)) {
      conn.closeHandler(v -> closed());
      logUnguarded(conn);
    }
  }

  private boolean guard(ChannelPipeline pipeline, HttpServerOptions options) {
    ChannelHandlerContext decoder = pipeline.context("httpDecoder");
    if (decoder == null || !(decoder.handler() instanceof VertxHttpRequestDecoder) || pipeline.context("handler") == null) {
      return false;
    }
    GuardedRequestDecoder guarded = new GuardedRequestDecoder(options, this);
    pipeline.addBefore("handler", "responseTracker", guarded.responseTracker());
    pipeline.replace(decoder.handler(), "httpDecoder", guarded);
    return true;
  }

  /** A connection accepted by {@link #accept} has closed. */
  void closed() {
    open.decrementAndGet();
  }

  private void logUnguarded(HttpConnection conn) {
    synchronized (this) {
      if (unguardedLogged) return;
      unguardedLogged = true;
    }
    LOG.warn("Client connection of type {} has no HTTP/1.1 decoder to guard: limits.header_timeout_ms, body_timeout_ms "
        + "and idle_connection_ms do not apply to it", conn.getClass().getName());
  }

  private void logRejection() {
    long last = lastRejectionLog.get();
    long now = System.nanoTime();
    if (now - last >= REJECTION_LOG_INTERVAL_NANOS && lastRejectionLog.compareAndSet(last, now)) {
      LOG.warn("Refused a client connection: {} are open, limits.max_connections is {} ({} refused so far)",
          open.get(), maxConnections, rejected.sum());
    }
  }

  void timedOut(String phase) {
    switch (phase) {
      case "headers" -> headerTimeouts.increment();
      case "body" -> bodyTimeouts.increment();
      default -> idleTimeouts.increment();
    }
  }

  /** Open client connections now. */
  public int open() {
    return open.get();
  }

  /** Connections refused because {@code limits.max_connections} were open. */
  public long rejected() {
    return rejected.sum();
  }
}
