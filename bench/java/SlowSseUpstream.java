import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A slow OpenAI-compatible SSE upstream for the streaming capacity run: every POST gets a
 * {@code text/event-stream} answer with one chat.completion.chunk every {@code intervalMs}, {@code events}
 * times, then a finish chunk, a usage chunk and {@code [DONE]}. Streams are spread over 10 ms ticks so
 * the writes are even rather than one burst per interval. Loopback only.
 *
 * <p>Run with the gateway's fat jar on the class path (it carries Vert.x):
 * {@code java -cp rec-llm-gateway-all.jar SlowSseUpstream <port> <intervalMs> <events> [cert.pem key.pem]};
 * with a certificate it speaks TLS with HTTP/2 (ALPN) and HTTP/1.1. Prints one JSON line of stats a second.
 */
public class SlowSseUpstream {

  static final long TICK_MS = 10;

  static final class Stream {
    final HttpServerResponse response;
    int sent;
    boolean closed;

    Stream(HttpServerResponse response) {
      this.response = response;
    }
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    long intervalMs = Long.parseLong(args[1]);
    int events = Integer.parseInt(args[2]);
    boolean tls = args.length >= 5;
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
    HttpServerOptions options = new HttpServerOptions().setTcpNoDelay(true).setIdleTimeout(0).setAcceptBacklog(16384)
        .setHost("127.0.0.1").setPort(port);
    if (tls) {
      options.setSsl(true).setUseAlpn(true)
          .setKeyCertOptions(new PemKeyCertOptions().setCertPath(args[3]).setKeyPath(args[4]))
          .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(1_000_000));
    }
    int buckets = (int) Math.max(1, intervalMs / TICK_MS);
    List<List<Stream>> byBucket = new ArrayList<>();
    for (int i = 0; i < buckets; i++) byBucket.add(new ArrayList<>());
    long[] counters = new long[6]; // accepted, active, completed, closedEarly, eventsWritten, h2
    int[] nextBucket = {0};
    long created = System.currentTimeMillis() / 1000;
    String head = "data: {\"id\":\"chatcmpl-slow\",\"object\":\"chat.completion.chunk\",\"created\":" + created
        + ",\"model\":\"gpt-4o-2024-08-06\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_bench\",\"choices\":[{\"index\":0,\"delta\":";
    Buffer first = Buffer.buffer(head + "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n");
    Buffer token = Buffer.buffer(head + "{\"content\":\" token\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n");
    Buffer last = Buffer.buffer(head + "{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
        + "data: {\"id\":\"chatcmpl-slow\",\"object\":\"chat.completion.chunk\",\"created\":" + created
        + ",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[],\"usage\":{\"prompt_tokens\":14,\"completion_tokens\":" + events
        + ",\"total_tokens\":" + (14 + events) + "}}\n\ndata: [DONE]\n\n");

    HttpServer server = vertx.createHttpServer(options).requestHandler(req -> req.body().onComplete(ar -> {
      HttpServerResponse resp = req.response();
      if (ar.failed()) {
        resp.setStatusCode(400).end();
        return;
      }
      counters[0]++;
      counters[1]++;
      if (req.version() == HttpVersion.HTTP_2) counters[5]++;
      Stream s = new Stream(resp);
      resp.closeHandler(v -> {
        if (!s.closed) {
          s.closed = true;
          counters[1]--;
          counters[3]++;
        }
      });
      if (req.version() != HttpVersion.HTTP_2) resp.setChunked(true);
      resp.putHeader("content-type", "text/event-stream; charset=utf-8");
      resp.write(first);
      counters[4]++;
      byBucket.get(nextBucket[0]++ % buckets).add(s);
    }));
    server.listen().await(30, TimeUnit.SECONDS);

    long[] tick = {0};
    vertx.setPeriodic(TICK_MS, id -> {
      List<Stream> bucket = byBucket.get((int) (tick[0]++ % buckets));
      int keep = 0;
      for (int i = 0; i < bucket.size(); i++) {
        Stream s = bucket.get(i);
        if (s.closed) continue;
        if (++s.sent >= events) {
          s.closed = true;
          counters[1]--;
          counters[2]++;
          s.response.end(last);
          counters[4] += 3;
          continue;
        }
        s.response.write(token);
        counters[4]++;
        bucket.set(keep++, s);
      }
      bucket.subList(keep, bucket.size()).clear();
    });
    long start = System.nanoTime();
    vertx.setPeriodic(1000, id -> System.out.printf(
        "{\"t\":%.1f,\"accepted\":%d,\"active\":%d,\"completed\":%d,\"closed_early\":%d,\"events\":%d,\"http2\":%d}%n",
        (System.nanoTime() - start) / 1e9, counters[0], counters[1], counters[2], counters[3], counters[4], counters[5]));
    System.out.println("{\"listening\":" + server.actualPort() + ",\"tls\":" + tls + "}");
  }
}
