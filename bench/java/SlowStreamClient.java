import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds N concurrent streaming chat completions against the gateway (loopback only), opening them at
 * a fixed rate, one HTTP/1.1 connection each, and counts: streams whose response head arrived and
 * that are still open ("held"), events received, streams that ended with [DONE], and errors (non-200,
 * connection failures, SSE error events, streams that ended without [DONE]). Prints one JSON line a
 * second and a final line with "final":true; stops by itself after maxSeconds.
 *
 * <p>{@code java -cp rec-llm-gateway-all.jar SlowStreamClient <port> <streams> <openPerSecond> <maxSeconds> <body.json> [ca.pem]}
 * <p>With {@code ca.pem} it speaks TLS + HTTP/2 over four connections instead (to check the slow upstream
 * itself without the gateway).
 */
public class SlowStreamClient {

  static int started, held, maxHeld, completed, errors, connectErrors, statusErrors, sseErrors, truncated;
  static long events;
  static final List<String> samples = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int total = Integer.parseInt(args[1]);
    int perSecond = Integer.parseInt(args[2]);
    int maxSeconds = Integer.parseInt(args[3]);
    Buffer body = Buffer.buffer(Files.readAllBytes(Path.of(args[4])));
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
    HttpClientOptions options = new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setTcpNoDelay(true).setIdleTimeout(0).setConnectTimeout(30_000).setKeepAlive(true);
    if (args.length > 5) {
      options.setSsl(true).setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2)
          .setTrustOptions(new PemTrustOptions().addCertPath(args[5]));
    }
    HttpClientAgent client = vertx.httpClientBuilder().with(options)
        .with(new PoolOptions().setHttp1MaxSize(total + 16).setHttp2MaxSize(4).setMaxWaitQueueSize(-1))
        .build();
    CountDownLatch finished = new CountDownLatch(1);
    long start = System.nanoTime();
    int perTick = Math.max(1, perSecond / 100);
    vertx.setPeriodic(10, id -> {
      for (int i = 0; i < perTick && started < total; i++) {
        started++;
        open(client, body);
      }
      if (started >= total) vertx.cancelTimer(id);
    });
    vertx.setPeriodic(1000, id -> {
      double t = (System.nanoTime() - start) / 1e9;
      print(t, false);
      if (completed + errors >= total || t >= maxSeconds) {
        print(t, true);
        finished.countDown();
      }
    });
    finished.await(maxSeconds + 30, TimeUnit.SECONDS);
    System.exit(0);
  }

  static void open(HttpClientAgent client, Buffer body) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/chat/completions")
        .putHeader("content-type", "application/json").putHeader("accept", "text/event-stream");
    client.request(options).compose(req -> req.send(body)).onComplete(ar -> {
      if (ar.failed()) {
        connectErrors++;
        fail("connect: " + ar.cause());
        return;
      }
      var resp = ar.result();
      if (resp.statusCode() != 200) {
        statusErrors++;
        resp.body().onComplete(b -> fail("status " + resp.statusCode() + ": "
            + (b.succeeded() ? b.result().toString().substring(0, Math.min(200, b.result().length())) : "")));
        return;
      }
      held++;
      maxHeld = Math.max(maxHeld, held);
      boolean[] state = new boolean[3]; // [0] done seen, [1] closed, [2] error event seen
      byte[] tail = new byte[3];
      String[] carry = {""}; // the end of the previous buffer: markers may be split across reads
      resp.handler(buf -> {
        events += countEvents(buf, tail);
        String s = carry[0] + buf.toString();
        carry[0] = s.substring(Math.max(0, s.length() - 16));
        if (s.contains("[DONE]")) state[0] = true;
        if (!state[2] && s.contains("{\"error\"")) {
          state[2] = true;
          sseErrors++;
          sample("sse error: " + s.substring(0, Math.min(300, s.length())));
        }
      });
      resp.endHandler(v -> {
        if (state[1]) return;
        state[1] = true;
        held--;
        if (state[0]) completed++;
        else {
          truncated++;
          fail("ended without [DONE]");
        }
      });
      resp.exceptionHandler(t -> {
        if (state[1]) return;
        state[1] = true;
        held--;
        fail("stream: " + t);
      });
    });
  }

  /** Counts "\n\n" event ends, also across buffer boundaries. */
  static int countEvents(Buffer buf, byte[] tail) {
    int n = 0;
    byte prev = tail[0];
    for (int i = 0; i < buf.length(); i++) {
      byte b = buf.getByte(i);
      if (b == '\n' && prev == '\n') n++;
      prev = b;
    }
    tail[0] = prev;
    return n;
  }

  static void fail(String why) {
    errors++;
    sample(why);
  }

  static void sample(String why) {
    if (samples.size() < 5) samples.add(why);
  }

  static void print(double t, boolean fin) {
    StringBuilder s = new StringBuilder();
    for (String x : samples) {
      if (s.length() > 0) s.append(',');
      s.append('"').append(x.replace("\\", "\\\\").replace("\"", "'").replace("\n", " ")).append('"');
    }
    System.out.printf("{\"t\":%.1f,\"started\":%d,\"held\":%d,\"max_held\":%d,\"completed\":%d,\"errors\":%d,"
            + "\"connect_errors\":%d,\"status_errors\":%d,\"sse_errors\":%d,\"truncated\":%d,\"events\":%d,"
            + "\"final\":%b,\"error_samples\":[%s]}%n",
        t, started, held, maxHeld, completed, errors, connectErrors, statusErrors, sseErrors, truncated, events, fin, s);
    System.out.flush();
  }
}
