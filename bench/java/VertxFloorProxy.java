import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * The least a Vert.x proxy can do per call, as a floor for the gateway: the same server and client
 * options, event loops and native transport, one upstream client per event loop, but no router, no
 * JSON, no telemetry and no usage. The body goes upstream as received and the answer comes back piped.
 *
 * <p>Run with the gateway's fat jar on the class path (it carries Vert.x):
 * {@code java -cp rec-llm-gateway-all.jar VertxFloorProxy <port> <upstreamPort>}. Loopback only.
 */
public class VertxFloorProxy {

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int upstreamPort = Integer.parseInt(args[1]);
    int loops = 2;
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true));
    // wrk closes its connections mid-answer at the end of each run; a pipe then finds its response gone
    vertx.exceptionHandler(e -> { });
    vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
            .setDefaultHost("127.0.0.1").setDefaultPort(upstreamPort), new PoolOptions().setHttp1MaxSize(1000));
        HttpServerOptions options = new HttpServerOptions().setTcpNoDelay(true).setIdleTimeout(0)
            .setHttp2ClearTextEnabled(false);
        return vertx.createHttpServer(options).requestHandler(req -> {
          String accept = req.getHeader("accept");
          req.body()
              .compose(body -> client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(req.uri())
                      .putHeader("content-type", "application/json").putHeader("accept", accept == null ? "*/*" : accept))
                  .compose(upstream -> upstream.send(body)))
              .onSuccess(resp -> {
                HttpServerResponse out = req.response().setStatusCode(resp.statusCode());
                String type = resp.getHeader("content-type");
                if (type != null) out.putHeader("content-type", type);
                if (resp.getHeader("content-length") != null) {
                  resp.body().onSuccess(out::end).onFailure(e -> out.reset());
                } else {
                  resp.pipeTo(out.setChunked(true));
                }
              })
              .onFailure(e -> req.response().setStatusCode(502).end());
        }).listen(port, "127.0.0.1");
      }
    }, new DeploymentOptions().setInstances(loops)).await();
    System.out.println("listening on " + port + " (native transport: " + vertx.isNativeTransportEnabled() + ")");
  }
}
