package io.recllm.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.recllm.gateway.fakes.GatewayHarness;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@code limits.redis} pointing at a closed port: the configured behaviour, the master key unaffected. */
class RedisFailureTest {

  GatewayHarness gw;
  final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void listen() {
    logged.start();
    ((Logger) LoggerFactory.getLogger(Limits.class)).addAppender(logged);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(Limits.class)).detachAppender(logged);
    if (gw != null) gw.close();
  }

  static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  GatewayHarness start(String onFailure) throws Exception {
    String config = LocalLimitsTest.config("rpm: 2", "") + "limits: { redis: \"redis://127.0.0.1:" + closedPort()
        + "\", on_redis_failure: " + onFailure + " }\n";
    return GatewayHarness.start(config, Map.of());
  }

  @Test
  void denyRefusesLimitedCallsWith503AndLogsTheOutageOnce() throws Exception {
    gw = start("deny");
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = LocalLimitsTest.call(gw, LocalLimitsTest.KEY, false);
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(LocalLimitsTest.error(r).get("type").asText()).isEqualTo("api_error");
      assertThat(LocalLimitsTest.error(r).get("code").asText()).isEqualTo("limits_unavailable");
    }
    assertThat(LocalLimitsTest.call(gw, LocalLimitsTest.MASTER, false).statusCode()).isEqualTo(200);
    assertThat(logged.list).filteredOn(e -> e.getFormattedMessage().contains("unreachable")).hasSize(1);
    String metrics = gw.get("/metrics").body();
    assertThat(metrics).containsPattern("rec_llm_gateway_limits_redis_errors_total(\\{[^}]*})? [3-9]");
  }

  @Test
  void allowLocalCountsOnThisNode() throws Exception {
    gw = start("allow_local");
    assertThat(LocalLimitsTest.call(gw, LocalLimitsTest.KEY, false).statusCode()).isEqualTo(200);
    assertThat(LocalLimitsTest.call(gw, LocalLimitsTest.KEY, false).statusCode()).isEqualTo(200);
    assertThat(LocalLimitsTest.call(gw, LocalLimitsTest.KEY, false).statusCode()).isEqualTo(429);
  }
}
