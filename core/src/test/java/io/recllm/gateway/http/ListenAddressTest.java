package io.recllm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.recllm.gateway.RecLlmGateway;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.config.UsageSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Listening beyond loopback with no gateway key is said loudly at start. */
class ListenAddressTest {

  private final Logger logger = (Logger) LoggerFactory.getLogger("io.recllm.gateway");
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  @BeforeEach
  void attach() {
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(appender);
    appender.stop();
  }

  private List<ILoggingEvent> openWarnings() {
    return appender.list.stream()
        .filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("without a gateway key"))
        .toList();
  }

  private static GatewayConfig config(String yaml, Map<String, String> env) {
    GatewayConfig c = ConfigLoader.load(yaml, env).withPort(0);
    return c.withUsage(c.usage().withStore(UsageSettings.MEMORY));
  }

  @Test
  void theDefaultHostIsLoopbackAndStartsWithoutTheWarning() throws Exception {
    GatewayConfig c = config(null, Map.of());
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.authEnabled()).isFalse();
    try (RecLlmGateway gw = RecLlmGateway.start(c)) {
      assertThat(gw.port()).isPositive();
    }
    assertThat(openWarnings()).isEmpty();
  }

  @Test
  void allInterfacesWithoutAKeyIsWarnedAbout() throws Exception {
    try (RecLlmGateway gw = RecLlmGateway.start(config(null, Map.of("REC_LLM_GATEWAY_HOST", "0.0.0.0")))) {
      assertThat(openWarnings()).hasSize(1);
      assertThat(openWarnings().get(0).getFormattedMessage()).contains("0.0.0.0:" + gw.port(), "api_key");
    }
  }

  @Test
  void allInterfacesWithAKeyIsNotWarnedAbout() throws Exception {
    try (RecLlmGateway gw = RecLlmGateway.start(config("host: 0.0.0.0\napi_key: gw-secret\n", Map.of()))) {
      assertThat(gw.port()).isPositive();
    }
    assertThat(openWarnings()).isEmpty();
  }

  @Test
  void loopbackNames() {
    assertThat(ListenAddress.isLoopback("127.0.0.1")).isTrue();
    assertThat(ListenAddress.isLoopback("127.0.1.1")).isTrue();
    assertThat(ListenAddress.isLoopback("localhost")).isTrue();
    assertThat(ListenAddress.isLoopback("::1")).isTrue();
    assertThat(ListenAddress.isLoopback("[::1]")).isTrue();
    assertThat(ListenAddress.isLoopback("0.0.0.0")).isFalse();
    assertThat(ListenAddress.isLoopback("::")).isFalse();
    assertThat(ListenAddress.isLoopback("192.0.2.10")).isFalse();
  }
}
