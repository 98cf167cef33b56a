package io.recllm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.recllm.gateway.fakes.GatewayHarness;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that send a request slowly or not at all must not hold a connection (and its descriptor):
 * 500 half-sent requests of five kinds against a gateway with short limits are all closed once their
 * limit has passed, with 408 where a request had begun, and the process's descriptors return to where
 * they were.
 */
class SlowClientTest {

  static final long HEADER_MS = 600;
  static final long BODY_MS = 900;
  static final long IDLE_MS = 700;
  static final long TRICKLE_MS = 150;

  enum Kind {
    HEADERS_LINE_BY_LINE(HEADER_MS, true),
    BODY_STOPPED(BODY_MS, true),
    BODY_BYTE_BY_BYTE(BODY_MS, true),
    CHUNKED_STOPPED(BODY_MS, true),
    KEEP_ALIVE_IDLE(IDLE_MS, false);

    final long limitMs;
    final boolean answered;

    Kind(long limitMs, boolean answered) {
      this.limitMs = limitMs;
      this.answered = answered;
    }
  }

  static GatewayHarness gateway;

  @BeforeAll
  static void start() {
    gateway = GatewayHarness.start("""
        default_provider: mock
        limits: { header_timeout_ms: %d, body_timeout_ms: %d, idle_connection_ms: %d }
        """.formatted(HEADER_MS, BODY_MS, IDLE_MS), Map.of());
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void fiveHundredHalfSentRequestsAreClosedOnTimeAndTheirDescriptorsFreed() throws Exception {
    run(1); // loads the classes and opens the jars this needs, so that they do not count as leaked descriptors
    Thread.sleep(1500);
    long baseline = openDescriptors();
    double headersBefore = timedOut("headers");
    double bodyBefore = timedOut("body");
    double idleBefore = timedOut("idle");

    List<Client> clients = run(100);

    assertThat(clients).hasSize(500);
    for (Client c : clients) {
      String what = c.kind + " #" + c.index;
      assertThat(c.closedAt).as(what + " closed").isPositive();
      long afterMs = TimeUnit.NANOSECONDS.toMillis(c.closedAt - c.phaseStart);
      assertThat(afterMs).as(what + " not closed before its limit").isGreaterThanOrEqualTo(c.kind.limitMs - 100);
      assertThat(afterMs).as(what + " closed once its limit passed").isLessThan(c.kind.limitMs + 15_000);
      String got = c.received.toString(StandardCharsets.UTF_8);
      if (c.kind.answered) {
        assertThat(got).as(what).startsWith("HTTP/1.1 408 ")
            .contains("\"type\":\"invalid_request_error\"", "\"code\":\"request_timeout\"");
      } else {
        assertThat(got).as(what + ": an idle connection is closed without an answer").isEmpty();
      }
    }
    // The clients' own 500 ends are still open: the gateway's ends are gone.
    assertThat(awaitDescriptors(baseline + 500)).isLessThanOrEqualTo(baseline + 500 + 20);
    for (Client c : clients) c.channel.close();
    assertThat(awaitDescriptors(baseline)).isLessThanOrEqualTo(baseline + 20);

    assertThat(timedOut("headers") - headersBefore).isEqualTo(100);
    assertThat(timedOut("body") - bodyBefore).isEqualTo(300);
    assertThat(timedOut("idle") - idleBefore).isEqualTo(100);
  }

  /** Opens {@code perKind} connections of each kind, leaves them half-sent and waits until all are closed. */
  private static List<Client> run(int perKind) throws Exception {
    List<Client> clients = new ArrayList<>();
    ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < perKind; i++) {
        for (Kind kind : Kind.values()) clients.add(open(kind, i));
      }
      trickler.scheduleAtFixedRate(() -> clients.forEach(Client::trickle), TRICKLE_MS, TRICKLE_MS, TimeUnit.MILLISECONDS);
      for (Client c : clients) {
        c.channel.configureBlocking(false);
        c.channel.register(selector, SelectionKey.OP_READ, c);
      }
      ByteBuffer buf = ByteBuffer.allocate(8192);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      int open = clients.size();
      while (open > 0 && System.nanoTime() < deadline) {
        selector.select(100);
        for (SelectionKey key : selector.selectedKeys()) {
          Client c = (Client) key.attachment();
          buf.clear();
          int n;
          try {
            n = c.channel.read(buf);
          } catch (IOException reset) {
            n = -1;
          }
          if (n > 0) {
            c.received.write(buf.array(), 0, n);
          } else if (n < 0) {
            c.closedAt = System.nanoTime();
            key.cancel();
            open--;
          }
        }
        selector.selectedKeys().clear();
      }
    } finally {
      trickler.shutdownNow();
      trickler.awaitTermination(5, TimeUnit.SECONDS);
    }
    if (perKind == 1) for (Client c : clients) c.channel.close();
    return clients;
  }

  private static Client open(Kind kind, int index) throws IOException {
    long start = System.nanoTime();
    SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", gateway.gateway.port()));
    Client c = new Client(kind, index, ch);
    String chat = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
    switch (kind) {
      case HEADERS_LINE_BY_LINE -> {
        c.phaseStart = start; // a new connection's headers are timed from the connect
        c.write("POST /v1/chat/completions HTTP/1.1\r\n");
        c.nextPiece = () -> "X-Line-" + c.trickled + ": slow\r\n";
      }
      case BODY_STOPPED -> {
        c.phaseStart = System.nanoTime();
        c.write(chat + "Content-Length: 100\r\n\r\n{\"model\":");
      }
      case BODY_BYTE_BY_BYTE -> {
        c.phaseStart = System.nanoTime();
        c.write(chat + "Content-Length: 1000\r\n\r\n{");
        c.nextPiece = () -> " ";
      }
      case CHUNKED_STOPPED -> {
        c.phaseStart = System.nanoTime();
        c.write(chat + "Transfer-Encoding: chunked\r\n\r\na\r\n{\"model\":1\r\n");
      }
      case KEEP_ALIVE_IDLE -> {
        c.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        c.readHealthAnswer();
        c.phaseStart = System.nanoTime();
      }
    }
    return c;
  }

  static final class Client {
    final Kind kind;
    final int index;
    final SocketChannel channel;
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    volatile long phaseStart;
    volatile long closedAt;
    volatile Supplier<String> nextPiece;
    int trickled;

    Client(Kind kind, int index, SocketChannel channel) {
      this.kind = kind;
      this.index = index;
      this.channel = channel;
    }

    void write(String text) throws IOException {
      ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
      while (b.hasRemaining()) channel.write(b);
    }

    /** One more line or byte, until the gateway closes the connection. */
    void trickle() {
      Supplier<String> piece = nextPiece;
      if (piece == null || closedAt != 0) return;
      try {
        channel.write(ByteBuffer.wrap(piece.get().getBytes(StandardCharsets.US_ASCII)));
        trickled++;
      } catch (IOException closed) {
        nextPiece = null;
      }
    }

    void readHealthAnswer() throws IOException {
      ByteBuffer b = ByteBuffer.allocate(4096);
      String text = "";
      while (!(text.contains("{\"status\":\"ok\"") && text.endsWith("}"))) {
        if (channel.read(b) < 0) throw new IOException("closed before the answer to GET /health");
        text = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII);
      }
      assertThat(text).startsWith("HTTP/1.1 200 ");
    }
  }

  private static double timedOut(String phase) {
    MeterRegistry registry = gateway.gateway.telemetry().meterRegistry();
    var counter = registry.find("rec_llm_gateway.connections.timed_out").tag("phase", phase).functionCounter();
    return counter == null ? 0 : counter.count();
  }

  private static long openDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  /** Waits up to 10 s for the count to fall to {@code target}; returns the last count seen. */
  private static long awaitDescriptors(long target) throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    long n = openDescriptors();
    while (n > target && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
      n = openDescriptors();
    }
    return n;
  }
}
