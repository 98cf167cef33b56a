package io.recllm.gateway.fakes;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * An in-process upstream on a random port that replays recorded answers and injects faults
 * (status codes, delays, stalls, resets). It records every request it received and counts the
 * connections that were closed, so tests can see what the gateway sent and whether it let go.
 */
public final class FakeUpstream implements AutoCloseable {

  /** A request as the upstream saw it. */
  public record Received(String method, String path, MultiMap headers, String body, String query) {}

  private final Vertx vertx;
  private final HttpServer server;
  private boolean ownsVertx;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger closedConnections = new AtomicInteger();
  private final AtomicInteger openedConnections = new AtomicInteger();
  private volatile BiConsumer<HttpServerRequest, Buffer> behaviour = (req, body) -> req.response().setStatusCode(500).end();

  private FakeUpstream(Vertx vertx, HttpServerOptions options) throws Exception {
    this.vertx = vertx;
    this.server = vertx.createHttpServer(options)
        .connectionHandler(conn -> {
          openedConnections.incrementAndGet();
          conn.closeHandler(v -> closedConnections.incrementAndGet());
        })
        .requestHandler(req -> req.body().onSuccess(body -> {
          received.add(new Received(req.method().name(), req.path(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()),
              body.toString(), req.query()));
          behaviour.accept(req, body);
        }));
    server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  public static FakeUpstream start(Vertx vertx) throws Exception {
    return new FakeUpstream(vertx, new HttpServerOptions());
  }

  /** A fake on a Vert.x instance of its own, closed with it. */
  public static FakeUpstream start() throws Exception {
    FakeUpstream fake = new FakeUpstream(Vertx.vertx(), new HttpServerOptions());
    fake.ownsVertx = true;
    return fake;
  }

  public static FakeUpstream start(Vertx vertx, HttpServerOptions options) throws Exception {
    return new FakeUpstream(vertx, options);
  }

  public int port() {
    return server.actualPort();
  }

  public List<Received> requests() {
    return received;
  }

  public Received lastRequest() {
    return received.get(received.size() - 1);
  }

  public int closedConnections() {
    return closedConnections.get();
  }

  public int openedConnections() {
    return openedConnections.get();
  }

  public void reset() {
    received.clear();
  }

  public FakeUpstream respond(BiConsumer<HttpServerRequest, Buffer> b) {
    this.behaviour = b;
    return this;
  }

  public FakeUpstream respondJson(int status, String body, String... headerPairs) {
    return respond((req, b) -> {
      HttpServerResponse r = req.response().setStatusCode(status).putHeader("content-type", "application/json");
      for (int i = 0; i + 1 < headerPairs.length; i += 2) r.putHeader(headerPairs[i], headerPairs[i + 1]);
      r.end(body);
    });
  }

  /** Answers {@code delayMs} after each request arrived: a slow upstream. */
  public FakeUpstream respondJsonAfter(long delayMs, int status, String body) {
    return respond((req, b) -> vertx.setTimer(delayMs, id -> {
      if (!req.response().closed()) {
        req.response().setStatusCode(status).putHeader("content-type", "application/json").end(body);
      }
    }));
  }

  /** Replays an SSE transcript event by event, {@code delayMs} apart (0 = all at once). */
  public FakeUpstream respondSse(String transcript, long delayMs) {
    List<String> events = splitEvents(transcript);
    return respond((req, b) -> {
      HttpServerResponse r = req.response().setStatusCode(200).setChunked(true)
          .putHeader("content-type", "text/event-stream; charset=utf-8");
      writeEvents(r, events, 0, delayMs, -1);
    });
  }

  /** Sends the first {@code count} events of a transcript, then resets the connection. */
  public FakeUpstream respondSseThenReset(String transcript, int count) {
    List<String> events = splitEvents(transcript);
    return respond((req, b) -> {
      HttpServerResponse r = req.response().setStatusCode(200).setChunked(true)
          .putHeader("content-type", "text/event-stream");
      writeEvents(r, events, 0, 0, count);
    });
  }

  /** Sends the first {@code count} events, then goes silent without closing. */
  public FakeUpstream respondSseThenStall(String transcript, int count) {
    List<String> events = splitEvents(transcript);
    return respond((req, b) -> {
      HttpServerResponse r = req.response().setStatusCode(200).setChunked(true)
          .putHeader("content-type", "text/event-stream");
      for (int i = 0; i < count; i++) r.write(events.get(i));
    });
  }

  /**
   * Writes the events as fast as the gateway takes them and no faster: it waits for the socket to drain
   * whenever its write queue is full, and counts what it has written, so a test can see backpressure.
   */
  public FakeUpstream respondSseWithBackpressure(List<String> events, AtomicInteger written) {
    return respond((req, b) -> {
      HttpServerResponse r = req.response().setStatusCode(200).setChunked(true)
          .putHeader("content-type", "text/event-stream");
      pump(r, events, written);
    });
  }

  private void pump(HttpServerResponse r, List<String> events, AtomicInteger written) {
    while (written.get() < events.size()) {
      if (r.closed()) return;
      if (r.writeQueueFull()) {
        r.drainHandler(v -> pump(r, events, written));
        return;
      }
      r.write(events.get(written.getAndIncrement()));
    }
    r.end();
  }

  /** Never answers. */
  public FakeUpstream stall() {
    return respond((req, b) -> { });
  }

  private void writeEvents(HttpServerResponse r, List<String> events, int i, long delayMs, int resetAfter) {
    if (r.closed()) return;
    if (resetAfter >= 0 && i == resetAfter) {
      r.reset(); // on HTTP/1.x this closes the connection: the gateway sees a mid-stream reset
      return;
    }
    if (i == events.size()) {
      r.end();
      return;
    }
    r.write(events.get(i));
    if (delayMs > 0) vertx.setTimer(delayMs, id -> writeEvents(r, events, i + 1, delayMs, resetAfter));
    else writeEvents(r, events, i + 1, delayMs, resetAfter);
  }

  /** Events of a transcript with their framing kept (each ends with a blank line). */
  public static List<String> splitEvents(String transcript) {
    String normalized = transcript.replace("\r\n", "\n");
    List<String> out = new java.util.ArrayList<>();
    for (String block : normalized.split("\n\n")) {
      if (!block.isBlank()) out.add(block.strip() + "\n\n");
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    server.close().await(10, TimeUnit.SECONDS);
    if (ownsVertx) vertx.close().await(10, TimeUnit.SECONDS);
  }
}
