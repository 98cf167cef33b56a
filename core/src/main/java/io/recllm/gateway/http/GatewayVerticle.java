package io.recllm.gateway.http;

import io.recllm.gateway.error.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.TimeUnit;

/** One HTTP server per event loop, all on the same port; Vert.x spreads connections across them. */
public final class GatewayVerticle extends VerticleBase {

  private final GatewayServices services;
  private final String host;
  private final int port;
  private final ClientConnections connections;
  private HttpServer server;

  public GatewayVerticle(GatewayServices services, String host, int port, ClientConnections connections) {
    this.services = services;
    this.host = host;
    this.port = port;
    this.connections = connections;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions()
        .setTcpNoDelay(true)
        .setCompressionSupported(false) // LLM answers are small and latency matters more than bytes
        .setMaxInitialLineLength(8192)
        .setIdleTimeout(0) // limits.* apply per phase of a request instead: see GuardedRequestDecoder
        // No "Upgrade: h2c" on plain HTTP: clients that offer it (the JDK's HttpClient does by default)
        // sometimes got an HTTP/1.1 answer after switching to HTTP/2, a protocol error or a hung call.
        // They stay on HTTP/1.1, as behind nginx.
        .setHttp2ClearTextEnabled(false);
    connections.serverStarted();
    server = vertx.createHttpServer(options)
        .connectionHandler(conn -> connections.accept(conn, options))
        .invalidRequestHandler(req -> invalidRequest(req, options))
        .requestHandler(GatewayRouter.create(vertx, services));
    return server.listen(port, host);
  }

  /**
   * Stops accepting connections and closes idle ones at once; a connection with a call in flight is
   * closed after its answer, or forcibly after {@code timeoutMs}.
   */
  public Future<Void> shutdown(long timeoutMs) {
    return server == null ? Future.succeededFuture() : server.shutdown(timeoutMs, TimeUnit.MILLISECONDS);
  }

  @Override
  public Future<?> stop() throws Exception {
    connections.serverStopped();
    return super.stop();
  }

  /** Only for a connection the guard could not be put on: it answers malformed requests itself. */
  private static void invalidRequest(HttpServerRequest req, HttpServerOptions options) {
    GuardedRequestDecoder.Failure f = GuardedRequestDecoder.Failure.of(req.decoderResult().cause(),
        options.getMaxInitialLineLength(), options.getMaxHeaderSize());
    req.response().setStatusCode(f.status()).putHeader("content-type", "application/json").putHeader("connection", "close")
        .end(Buffer.buffer(ErrorResponses.body(new GatewayException.InvalidRequest(f.code(), null, f.message())).toString()))
        .onComplete(ar -> req.connection().close());
  }

  public int actualPort() {
    return server.actualPort();
  }
}
