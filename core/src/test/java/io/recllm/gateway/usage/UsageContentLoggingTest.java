package io.recllm.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.json.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Message content reaches the request log only when usage.log_content asks for it. */
class UsageContentLoggingTest {

  @TempDir
  Path dir;

  @Test
  void withLogContentTheMessagesAndTheAnswerAreStored() throws Exception {
    String yaml = Traffic.MOCK_PRICED + "usage: { store: \"sqlite:" + dir.resolve("u.db") + "\", log_content: true }\n";
    try (GatewayHarness gw = GatewayHarness.start(yaml, Map.of())) {
      Traffic.call(gw, "mock:echo", false, "the plain secret");
      Traffic.call(gw, "mock:echo", true, "the streamed secret");
      gw.awaitRecords(2); // calls are recorded just after their answer went out
      assertThat(gw.gateway.usage().flush(Duration.ofSeconds(10))).isTrue();
      List<RequestLogEntry> log = gw.gateway.usage().recentRequests(10);
      assertThat(log).hasSize(2);
      RequestLogEntry streamed = log.get(0);
      assertThat(streamed.stream()).isTrue();
      assertThat(Json.MAPPER.readTree(streamed.requestContent()).get(0).get("content").asText())
          .isEqualTo("the streamed secret");
      assertThat(streamed.responseContent()).isEqualTo("the streamed secret"); // the mock echoes
      RequestLogEntry plain = log.get(1);
      assertThat(Json.MAPPER.readTree(plain.requestContent()).get(0).get("role").asText()).isEqualTo("user");
      assertThat(plain.responseContent()).isEqualTo("the plain secret");
      assertThat(gw.get("/v1/usage/requests").body()).contains("the streamed secret");
    }
  }

  @Test
  void byDefaultNoContentIsKeptEvenWhenARecordCarriesIt() throws Exception {
    String yaml = Traffic.MOCK_PRICED + "usage: { store: \"sqlite:" + dir.resolve("d.db") + "\" }\n";
    try (GatewayHarness gw = GatewayHarness.start(yaml, Map.of())) {
      Traffic.call(gw, "mock:echo", false, "do not keep me");
      Traffic.call(gw, "mock:echo", true, "nor me");
      gw.awaitRecords(2);
      gw.gateway.usage().record(new UsageRecord("embedded", System.currentTimeMillis(), "x", "y", null, 200, false,
          TokenUsage.NONE, 0, null, 1, -1, null, null, null, null, "[{\"content\":\"secret\"}]", "secret"));
      assertThat(gw.gateway.usage().flush(Duration.ofSeconds(10))).isTrue();
      assertThat(gw.gateway.usage().recentRequests(10)).hasSize(3)
          .allSatisfy(e -> {
            assertThat(e.requestContent()).isNull();
            assertThat(e.responseContent()).isNull();
          });
      String body = gw.get("/v1/usage/requests").body();
      assertThat(body).doesNotContain("keep me").doesNotContain("nor me").doesNotContain("secret");
      assertThat(gw.records).allSatisfy(r -> assertThat(r.requestContent()).isNull());
    }
  }
}
