package io.recllm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.fakes.RawHttp;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests whose length a proxy in front could read differently than the gateway (RFC 9112 §6.1, §6.3):
 * the gateway refuses them with 400 and closes, so a request hidden in the body never runs.
 */
class RequestSmugglingTest {

  static FakeUpstream upstream;
  static GatewayHarness gateway;

  static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  /** A whole second request; it reaches the upstream only if the gateway reads it as a request of its own. */
  static final String HIDDEN = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      + "Content-Length: " + CHAT.length() + "\r\n\r\n" + CHAT;

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeUpstream.start().respondJson(200, Fixtures.read("openai/chat_completion_text.json"));
    gateway = GatewayHarness.start("""
        providers:
          openai: { type: openai, base_url: "http://127.0.0.1:%d/v1", api_key: "sk-test" }
        """.formatted(upstream.port()), Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    upstream.close();
  }

  @BeforeEach
  void clear() {
    upstream.reset();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
      "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
      "Transfer-Encoding: chunked, identity\r\n",
      "Transfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n",
      "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
      "Transfer-Encoding: gzip, chunked\r\n",
      "Transfer-Encoding: xchunked\r\n",
  })
  void ambiguousFramingIsRefusedAndTheConnectionClosed(String framing) throws Exception {
    String answer;
    boolean closed;
    try (RawHttp c = RawHttp.connect(gateway.gateway.port())) {
      c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + framing
          + "\r\n0\r\n\r\n" + HIDDEN);
      answer = c.readUntilClosed(5000);
      closed = c.closedByPeer();
    }
    assertThat(answer).startsWith("HTTP/1.1 400 ");
    assertThat(answer).contains("\"type\":\"invalid_request_error\"", "\"code\":\"invalid_message_framing\"")
        .containsIgnoringCase("connection: close");
    assertThat(answer.split("HTTP/1.1 ", -1)).as("one answer only: the hidden request got none").hasSize(2);
    assertThat(closed).as("connection closed").isTrue();
    Thread.sleep(300); // time enough for a hidden request to reach the upstream, had it run
    assertThat(upstream.requests()).as("the hidden request never ran").isEmpty();
  }

  @Test
  void transferEncodingInHttp10IsRefused() throws Exception {
    try (RawHttp c = RawHttp.connect(gateway.gateway.port())) {
      c.send("POST /v1/chat/completions HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + HIDDEN);
      String answer = c.readUntilClosed(5000);
      assertThat(answer).startsWith("HTTP/1.1 400 ").contains("invalid_message_framing");
      assertThat(c.closedByPeer()).isTrue();
    }
    Thread.sleep(300);
    assertThat(upstream.requests()).isEmpty();
  }

  /** The same bytes with plain chunked framing: the second request is a real one and runs, which shows the test can see it. */
  @Test
  void withUnambiguousFramingBothRequestsRun() throws Exception {
    String chunk = Integer.toHexString(CHAT.length()) + "\r\n" + CHAT + "\r\n0\r\n\r\n";
    try (RawHttp c = RawHttp.connect(gateway.gateway.port())) {
      c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n" + chunk + HIDDEN);
      assertThat(c.readResponse(10_000)).startsWith("HTTP/1.1 200 ");
      assertThat(c.readResponse(10_000)).startsWith("HTTP/1.1 200 ");
    }
    assertThat(upstream.requests()).hasSize(2);
  }

  /** A bad request pipelined behind a good one: the good one is answered first, then the 400, then the close. */
  @Test
  void aBadRequestBehindAGoodOneIsAnsweredInOrder() throws Exception {
    String good = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + CHAT.length() + "\r\n\r\n" + CHAT;
    try (RawHttp c = RawHttp.connect(gateway.gateway.port())) {
      c.send(good + "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n"
          + "\r\n0\r\n\r\n" + HIDDEN);
      String answer = c.readUntilClosed(10_000);
      assertThat(answer).startsWith("HTTP/1.1 200 ");
      assertThat(answer.indexOf("HTTP/1.1 400 ")).isGreaterThan(0);
      assertThat(answer).contains("invalid_message_framing");
      assertThat(c.closedByPeer()).isTrue();
    }
    Thread.sleep(300);
    assertThat(upstream.requests()).hasSize(1);
  }
}
