package io.recllm.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;

/** One HTTP server per event loop, all on the same port; Vert.x spreads connections across them. */
public final class GatewayVerticle extends VerticleBase {

  private final GatewayServices services;
  private final String host;
  private final int port;
  private HttpServer server;

  public GatewayVerticle(GatewayServices services, String host, int port) {
    this.services = services;
    this.host = host;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions()
        .setTcpNoDelay(true)
        .setCompressionSupported(false) // LLM answers are small and latency matters more than bytes
        .setMaxInitialLineLength(8192)
        .setIdleTimeout(0)
        // No "Upgrade: h2c" on plain HTTP: clients that offer it (the JDK's HttpClient does by default)
        // sometimes got an HTTP/1.1 answer after switching to HTTP/2, a protocol error or a hung call.
        // They stay on HTTP/1.1, as behind nginx.
        .setHttp2ClearTextEnabled(false);
    server = vertx.createHttpServer(options).requestHandler(GatewayRouter.create(vertx, services));
    return server.listen(port, host);
  }

  /**
   * Stops accepting connections and closes idle ones at once; a connection with a call in flight is
   * closed after its answer, or forcibly after {@code timeoutMs}.
   */
  public Future<Void> shutdown(long timeoutMs) {
    return server == null ? Future.succeededFuture() : server.shutdown(timeoutMs, TimeUnit.MILLISECONDS);
  }

  public int actualPort() {
    return server.actualPort();
  }
}
