package io.recllm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.fakes.GatewayHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JDK's own HttpClient with its defaults, as Java applications and LangChain4j use it: it prefers
 * HTTP/2 and offers {@code Upgrade: h2c} on the first request of each connection. The gateway keeps
 * such clients on HTTP/1.1; when it accepted the upgrade, about one new connection in six failed with
 * a protocol error and a call could hang past its own timeout.
 */
class JdkHttpClientTest {

  static GatewayHarness gw;

  @BeforeAll
  static void start() {
    gw = GatewayHarness.start("", Map.of());
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void freshDefaultClientsGetEveryAnswerOverHttp11() throws Exception {
    for (int i = 0; i < 100; i++) {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      // the first request of a connection is the one that carries the upgrade offer; alternate its kind
      HttpRequest first = i % 2 == 0 ? get("/v1/models") : chat();
      for (HttpRequest r : new HttpRequest[] {first, chat(), get("/v1/usage/requests")}) {
        HttpResponse<String> resp = client.sendAsync(r, HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS);
        assertThat(resp.statusCode()).as("client %d %s", i, r.uri()).isEqualTo(200);
        assertThat(resp.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      }
    }
  }

  private static HttpRequest get(String path) {
    return HttpRequest.newBuilder(URI.create(gw.baseUrl() + path)).timeout(Duration.ofSeconds(5)).GET().build();
  }

  private static HttpRequest chat() {
    return HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(5))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"model\":\"mock:echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
        .build();
  }
}
