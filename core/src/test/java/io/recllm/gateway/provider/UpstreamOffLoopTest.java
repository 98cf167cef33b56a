package io.recllm.gateway.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.fakes.FakeUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An application may call the provider SPI from its own threads. There, the caller reads the
 * response whenever it gets to it, possibly after the whole answer has arrived; none of it may be lost.
 */
class UpstreamOffLoopTest {

  static Vertx vertx;
  static FakeUpstream upstream;
  static UpstreamHttp http;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = FakeUpstream.start(vertx);
    ProviderConfig config = ConfigLoader.load("providers: { p: { type: openai, base_url: \"http://127.0.0.1:%d/v1\" } }"
        .formatted(upstream.port()), Map.of()).providers().get("p");
    http = new UpstreamHttp(vertx, config, Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    http.close();
    upstream.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aBodyReadLateFromAnotherThreadIsStillWhole() throws Exception {
    String answer = "{\"answer\":\"" + "x".repeat(20_000) + "\"}";
    upstream.respondJson(200, answer);
    assertThat(Thread.currentThread().getName()).as("the test runs off the event loops").doesNotContain("eventloop");
    for (int i = 0; i < 3; i++) {
      UpstreamHttp.UpstreamResponse resp = http.post("/chat/completions", HttpHeaders.headers(), Buffer.buffer("{}"))
          .await(20, TimeUnit.SECONDS);
      Thread.sleep(200); // the caller is busy; meanwhile the whole answer arrives
      assertThat(resp.status()).isEqualTo(200);
      assertThat(resp.body().await(20, TimeUnit.SECONDS).toString()).isEqualTo(answer);
    }
  }
}
