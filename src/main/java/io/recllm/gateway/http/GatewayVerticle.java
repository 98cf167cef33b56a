package io.recllm.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

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
        .setIdleTimeout(0);
    server = vertx.createHttpServer(options).requestHandler(GatewayRouter.create(vertx, services));
    return server.listen(port, host);
  }

  public int actualPort() {
    return server.actualPort();
  }
}
