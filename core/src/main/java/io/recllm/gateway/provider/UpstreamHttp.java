package io.recllm.gateway.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.config.Timeouts;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.JksOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;

/**
 * One provider's connection to its upstream: a pooled keep-alive Vert.x client with TLS (JDK trust
 * store unless the config names one, SNI, hostname verification), optional HTTP/2 via ALPN, the
 * environment's proxy, and the provider's timeouts. Connection-level failures become
 * {@link GatewayException}s here, so adapters only deal with HTTP answers.
 *
 * <p>Each event loop gets its own client, so a call always uses connections of the loop it runs on.
 * With one shared client, a connection opened by another loop hands every response event across
 * threads (a task queue and a wake-up each way), which cost about a tenth of the gateway's CPU per
 * call. {@code max_connections} is split evenly between the loops. A call made off the event loops
 * (an application using the provider SPI from its own threads) runs on one of them too.
 */
public final class UpstreamHttp implements AutoCloseable {

  private final Vertx vertx;
  private final ProviderConfig config;
  private final HttpClientOptions clientOptions;
  private final PoolOptions poolOptions;
  private final ConcurrentHashMap<Thread, HttpClientAgent> perLoop = new ConcurrentHashMap<>();
  private volatile boolean closed;
  private final String host;
  private final int port;
  private final String basePath;
  private final String origin;

  public UpstreamHttp(Vertx vertx, ProviderConfig config, Map<String, String> env) {
    this.vertx = vertx;
    this.config = config;
    URI uri = URI.create(config.baseUrl());
    boolean https = "https".equals(uri.getScheme());
    this.host = uri.getHost();
    this.port = uri.getPort() > 0 ? uri.getPort() : (https ? 443 : 80);
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    this.origin = host + ":" + port;

    Timeouts t = config.timeouts();
    HttpClientOptions options = new HttpClientOptions()
        .setDefaultHost(host)
        .setDefaultPort(port)
        .setKeepAlive(true)
        .setKeepAliveTimeout(60)
        .setTcpNoDelay(true)
        .setDecompressionSupported(true)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, t.connectMs() == 0 ? 0 : t.connectMs()))
        .setName("upstream-" + config.name());
    if (https) {
      options.setSsl(true).setVerifyHost(true).setForceSni(true);
      ProviderConfig.Tls tls = config.tls();
      if (tls.trustStore() != null) {
        String store = tls.trustStore().toLowerCase();
        if (store.endsWith(".jks")) {
          options.setTrustOptions(new JksOptions().setPath(tls.trustStore()).setPassword(tls.trustStorePassword()));
        } else if (store.endsWith(".p12") || store.endsWith(".pfx")) {
          options.setTrustOptions(new PfxOptions().setPath(tls.trustStore()).setPassword(tls.trustStorePassword()));
        } else {
          options.setTrustOptions(new PemTrustOptions().addCertPath(tls.trustStore()));
        }
      }
      if (config.http2()) {
        options.setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true)
            .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
      }
    }
    ProxySettings proxy = ProxySettings.forScheme(uri.getScheme(), env);
    if (proxy.proxy() != null && !proxy.bypasses(host)) {
      options.setProxyOptions(proxy.proxy());
    }
    int perLoopMax = Math.max(1, ceilDiv(config.maxConnections(), eventLoops(vertx)));
    this.clientOptions = options;
    this.poolOptions = new PoolOptions()
        .setHttp1MaxSize(perLoopMax)
        .setHttp2MaxSize(Math.max(1, perLoopMax / 64))
        .setMaxWaitQueueSize(-1);
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  private static int eventLoops(Vertx vertx) {
    if (!(vertx instanceof VertxInternal internal)) return 1;
    int n = 0;
    for (EventExecutor ignored : internal.nettyEventLoopGroup()) n++;
    return Math.max(1, n);
  }

  /** The calling event loop's client, created on first use there. */
  private HttpClientAgent client() {
    Thread loop = Thread.currentThread();
    HttpClientAgent c = perLoop.get(loop);
    return c != null ? c : perLoop.computeIfAbsent(loop, t -> newClient());
  }

  private HttpClientAgent newClient() {
    return vertx.httpClientBuilder().with(clientOptions).with(poolOptions).build();
  }

  public ProviderConfig config() {
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }

  /**
   * Sends {@code body} to {@code basePath + path}. The future completes when the response head
   * arrives; it fails with {@link GatewayException.Timeout} when that takes longer than the
   * first-byte timeout (the request is then reset, freeing the connection).
   */
  public Future<UpstreamResponse> post(String path, MultiMap headers, Buffer body) {
    return request(HttpMethod.POST, path, headers, body);
  }

  /** As {@link #post}, with another method; {@code body} null sends none (a GET or DELETE). */
  public Future<UpstreamResponse> request(HttpMethod method, String path, MultiMap headers, Buffer body) {
    long startNanos = System.nanoTime();
    // traceparent of the gateway's span for this call, if it runs in one; the caller's map is shared
    MultiMap sent = TraceHeaders.active() ? TraceHeaders.inject(HttpHeaders.headers().addAll(headers)) : headers;
    RequestOptions options = new RequestOptions()
        .setMethod(method)
        .setHost(host)
        .setPort(port)
        .setURI(basePath + path)
        .setHeaders(sent);
    if (closed) {
      return Future.failedFuture(new IllegalStateException("the upstream client of provider \"" + config.name() + "\" is closed"));
    }
    if (Context.isOnEventLoopThread()) return send(options, body, startNanos, false);
    // Off the loops, the caller reads the response whenever its thread gets to it: the exchange runs on a
    // loop, where the response is paused as it arrives, so nothing is delivered before anyone listens.
    Promise<UpstreamResponse> promise = Promise.promise();
    Context loop = vertx instanceof VertxInternal internal ? internal.createEventLoopContext() : vertx.getOrCreateContext();
    loop.runOnContext(v -> send(options, body, startNanos, true).onComplete(promise));
    return promise.future();
  }

  /** The exchange, on an event loop; {@code pause}: hold the response until {@link UpstreamResponse#body()} reads it. */
  private Future<UpstreamResponse> send(RequestOptions options, Buffer body, long startNanos, boolean pause) {
    Promise<UpstreamResponse> promise = Promise.promise();
    client().request(options).onComplete(ar -> {
      if (ar.failed()) {
        promise.tryFail(connectionFailure(ar.cause()));
        return;
      }
      HttpClientRequest request = ar.result();
      long firstByteMs = config.timeouts().firstByteMs();
      long totalLeftMs = remainingTotalMs(startNanos);
      // total_ms bounds the whole call, so it also cuts the wait for the head when it is the sooner one
      boolean totalFirst = totalLeftMs > 0 && (firstByteMs <= 0 || totalLeftMs < firstByteMs);
      long waitMs = totalFirst ? totalLeftMs : firstByteMs;
      long timer = waitMs > 0 ? vertx.setTimer(waitMs, id -> {
        GatewayException timeout = totalFirst ? totalTimeout() : new GatewayException.Timeout("first_byte_timeout",
            "Provider \"" + config.name() + "\" sent no response within " + firstByteMs + " ms (timeouts.first_byte_ms)");
        if (promise.tryFail(timeout)) {
          request.reset();
        }
      }) : -1;
      (body == null ? request.send() : request.send(body)).onComplete(res -> {
        if (timer >= 0) vertx.cancelTimer(timer);
        if (res.failed()) {
          promise.tryFail(connectionFailure(res.cause()));
          return;
        }
        if (pause) res.result().pause();
        if (!promise.tryComplete(new UpstreamResponse(this, request, res.result(), startNanos, pause))) {
          request.reset(); // timed out meanwhile
        }
      });
    });
    return promise.future();
  }

  /**
   * Milliseconds left of {@code timeouts.total_ms} for a call that started at {@code startNanos}: at
   * least 1 while it is on, 0 when total_ms is off.
   */
  public long remainingTotalMs(long startNanos) {
    long totalMs = config.timeouts().totalMs();
    if (totalMs <= 0) return 0;
    return Math.max(1, totalMs - (System.nanoTime() - startNanos) / 1_000_000);
  }

  /** The failure of a call that ran past {@code timeouts.total_ms}. */
  public GatewayException.Timeout totalTimeout() {
    return new GatewayException.Timeout("total_timeout", "Provider \"" + config.name() + "\" did not finish within "
        + config.timeouts().totalMs() + " ms (timeouts.total_ms)");
  }

  /** The JSON body of an upstream request. */
  public static Buffer encode(ObjectNode body) {
    try {
      return Buffer.buffer(Json.MAPPER.writeValueAsBytes(body));
    } catch (Exception e) {
      throw new GatewayException.Internal("Could not encode the upstream request", e);
    }
  }

  /** Maps a transport failure (refused, TLS, reset, timeout) to what the client should see. */
  public GatewayException connectionFailure(Throwable t) {
    if (t instanceof GatewayException g) return g;
    String where = "provider \"" + config.name() + "\" (" + origin + ")";
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      if (root instanceof SSLException) break;
      root = root.getCause();
    }
    String name = t.getClass().getSimpleName() + " " + root.getClass().getSimpleName();
    String msg = root.getMessage() != null ? root.getMessage() : t.getMessage();
    if (name.contains("ConnectTimeout")) {
      return new GatewayException.Timeout("connect_timeout",
          "Could not connect to " + where + " within " + config.timeouts().connectMs() + " ms (timeouts.connect_ms)");
    }
    if (root instanceof SSLException || t instanceof SSLException) {
      return new GatewayException.ProviderFailure("upstream_tls_error",
          "TLS handshake with " + where + " failed: " + msg, 0, false, t);
    }
    if (root instanceof UnknownHostException) {
      return new GatewayException.ProviderFailure("upstream_unreachable",
          "Could not resolve the host of " + where, 0, true, t);
    }
    if (root instanceof ConnectException) {
      return new GatewayException.ProviderFailure("upstream_unreachable",
          "Could not connect to " + where + ": " + msg, 0, true, t);
    }
    return new GatewayException.ProviderFailure("upstream_connection_error",
        "Connection to " + where + " failed: " + (msg == null ? t.getClass().getSimpleName() : msg), 0, true, t);
  }

  @Override
  public void close() {
    closed = true;
    perLoop.values().forEach(HttpClientAgent::close);
    perLoop.clear();
  }

  /**
   * The response head of an upstream call, with the request kept so the call can be cancelled.
   * {@code paused}: the response waits for its reader ({@link #body()} resumes it; a stream's reader
   * resumes it when it wants events).
   */
  public record UpstreamResponse(UpstreamHttp upstream, HttpClientRequest request, HttpClientResponse response,
                                 long startNanos, boolean paused) {

    public int status() {
      return response.statusCode();
    }

    public String header(String name) {
      return response.getHeader(name);
    }

    /** Reads the whole body, bounded by the provider's total timeout counted from the call's start. */
    public Future<Buffer> body() {
      long remaining = upstream.remainingTotalMs(startNanos);
      if (remaining <= 0) {
        Future<Buffer> whole = response.body().recover(t -> Future.failedFuture(upstream.connectionFailure(t)));
        if (paused) response.resume();
        return whole;
      }
      Promise<Buffer> promise = Promise.promise();
      long timer = upstream.vertx.setTimer(remaining, id -> {
        if (promise.tryFail(upstream.totalTimeout())) {
          request.reset();
        }
      });
      response.body().onComplete(ar -> {
        upstream.vertx.cancelTimer(timer);
        if (ar.succeeded()) promise.tryComplete(ar.result());
        else promise.tryFail(upstream.connectionFailure(ar.cause()));
      });
      if (paused) response.resume();
      return promise.future();
    }

    public void cancel() {
      request.reset();
    }
  }
}
