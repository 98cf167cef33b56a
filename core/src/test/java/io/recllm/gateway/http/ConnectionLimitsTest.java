package io.recllm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.fakes.RawHttp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The read and idle limits cut slow clients only: a request waiting for a slow provider, a slow stream and
 * a body that arrives in pieces in time are served whole, on a connection that stays usable. And
 * {@code limits.max_connections}.
 */
class ConnectionLimitsTest {

  static final long LIMIT_MS = 500;
  static GatewayHarness gateway;

  @BeforeAll
  static void start() {
    // Every wait of the providers is longer than every client limit.
    gateway = GatewayHarness.start("""
        default_provider: mock
        providers:
          slow: { type: mock, delay_ms: 1500 }
          drip: { type: mock, delay_ms: 1000, stream_delay_ms: 600 }
        limits: { header_timeout_ms: %d, body_timeout_ms: %d, idle_connection_ms: %d }
        """.formatted(LIMIT_MS, 4 * LIMIT_MS, LIMIT_MS), Map.of());
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static String chat(String model, boolean stream) {
    String body = "{\"model\":\"" + model + "\",\"stream\":" + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"one two three four\"}]}";
    return "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
        + body.length() + "\r\n\r\n" + body;
  }

  @Test
  void aSlowFirstByteIsNotCut() throws Exception {
    try (RawHttp c = RawHttp.connect(gateway.gateway.port())) {
      long t0 = System.nanoTime();
      c.send(chat("slow:echo", false));
      String answer = c.readResponse(20_000);
      assertThat(answer).startsWith("HTTP/1.1 200 ").contains("\"chat.completion\"");
      assertThat((System.nanoTime() - t0) / 1_000_000).as("the wait was longer than the idle limit").isGreaterThan(LIMIT_MS);
      c.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.readResponse(5000)).as("the connection is still usable").startsWith("HTTP/1.1 200 ");
    }
  }

  @Test
  void aSlowStreamIsNotCut() throws Exception {
    try (RawHttp c = RawHttp.connect(gateway.gateway.port())) {
      long t0 = System.nanoTime();
      c.send(chat("drip:echo", true));
      String answer = c.readUntilEnd("\r\n0\r\n\r\n", 30_000);
      assertThat(answer).startsWith("HTTP/1.1 200 ").contains("data: [DONE]").doesNotContain("\"error\"");
      assertThat(answer.split("data: \\{").length - 1).as("events").isGreaterThanOrEqualTo(4);
      assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThan(3 * LIMIT_MS);
      c.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.readResponse(5000)).startsWith("HTTP/1.1 200 ");
    }
  }

  @Test
  void aBodyInPiecesWithinItsLimitAndAConnectionReusedInTimeAreServed() throws Exception {
    String request = chat("mock:echo", false);
    int headEnd = request.indexOf("\r\n\r\n") + 4;
    try (RawHttp c = RawHttp.connect(gateway.gateway.port())) {
      c.send(request.substring(0, headEnd));
      for (int i = headEnd; i < request.length(); i += 20) {
        Thread.sleep(LIMIT_MS / 5);
        c.send(request.substring(i, Math.min(request.length(), i + 20)));
      }
      assertThat(c.readResponse(10_000)).startsWith("HTTP/1.1 200 ");
      Thread.sleep(LIMIT_MS / 3);
      c.send(request);
      assertThat(c.readResponse(10_000)).startsWith("HTTP/1.1 200 ");
    }
  }

  @Test
  void connectionsOverMaxConnectionsAreClosedAtOnceAndCounted() throws Exception {
    try (GatewayHarness limited = GatewayHarness.start("limits: { max_connections: 5 }\n", Map.of())) {
      MeterRegistry meters = limited.gateway.telemetry().meterRegistry();
      List<RawHttp> held = new ArrayList<>();
      try {
        for (int i = 0; i < 5; i++) {
          RawHttp c = RawHttp.connect(limited.gateway.port());
          held.add(c);
          c.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
          assertThat(c.readResponse(5000)).startsWith("HTTP/1.1 200 ");
        }
        assertThat(meters.get("rec_llm_gateway.connections.open").gauge().value()).isEqualTo(5);
        try (RawHttp sixth = RawHttp.connect(limited.gateway.port())) {
          sixth.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
          assertThat(sixth.readUntilClosed(5000)).isEmpty();
          assertThat(sixth.closedByPeer()).isTrue();
        }
        assertThat(meters.get("rec_llm_gateway.connections.rejected").functionCounter().count()).isEqualTo(1);
        for (RawHttp c : held) {
          c.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
          assertThat(c.readResponse(5000)).as("the connections within the limit are untouched").startsWith("HTTP/1.1 200 ");
        }
        held.remove(0).close();
        long deadline = System.currentTimeMillis() + 5000;
        while (meters.get("rec_llm_gateway.connections.open").gauge().value() > 4 && System.currentTimeMillis() < deadline) {
          Thread.sleep(10);
        }
        try (RawHttp again = RawHttp.connect(limited.gateway.port())) {
          again.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
          assertThat(again.readResponse(5000)).as("a freed place is taken again").startsWith("HTTP/1.1 200 ");
        }
      } finally {
        for (RawHttp c : held) c.close();
      }
    }
  }
}
