package io.recllm.gateway.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recllm.gateway.config.ConfigException;
import io.recllm.gateway.config.GatewayConfig;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.mock.env.MockEnvironment;

class EnvironmentConfigTest {

  @Test
  void propertyNamesBecomeTheGatewaysTree() {
    assertThat(EnvironmentConfig.path("providers.mock.models[0]")).containsExactly("providers", "mock", "models", 0);
    assertThat(EnvironmentConfig.path("pricing.[gpt-4.1].input")).containsExactly("pricing", "gpt-4.1", "input");
    assertThat(EnvironmentConfig.path("cors.allowed_origins[1]")).containsExactly("cors", "allowed_origins", 1);
  }

  @Test
  void applicationYamlIsTheGatewaysYaml() throws Exception {
    MockEnvironment env = new MockEnvironment();
    String yaml = """
        rec-llm-gateway:
          path: /ai
          default_provider: mock
          providers:
            mock: { type: mock, models: [echo, other] }
          usage: { store: memory }
          pricing:
            "[gpt-4.1]": { input: 0.5, output: 1.25 }
        """;
    new YamlPropertySourceLoader().load("application.yaml", new ByteArrayResource(yaml.getBytes()))
        .forEach(env.getPropertySources()::addLast);

    GatewayConfig config = EnvironmentConfig.load(env, Map.of());

    assertThat(config.defaultProvider()).isEqualTo("mock");
    assertThat(config.providers().get("mock").type()).isEqualTo("mock");
    assertThat(config.providers().get("mock").models()).containsExactly("echo", "other");
    assertThat(config.pricing().get("gpt-4.1").input()).isEqualByComparingTo(new BigDecimal("0.5"));
    // inside an application: loopback and a free port unless the properties say otherwise
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isZero();
  }

  @Test
  void textFromPropertiesAndTheCommandLineIsTypedAsYamlWouldBe() {
    MockEnvironment env = new MockEnvironment();
    env.getPropertySources().addFirst(new MapPropertySource("command line", Map.of(
        "rec-llm-gateway.port", "4123",
        "rec-llm-gateway.include_extensions", "false",
        "rec-llm-gateway.providers.mock.type", "mock",
        "rec-llm-gateway.providers.mock.models[0]", "echo")));
    env.setProperty("rec-llm-gateway.port", "9999"); // a later source: the command line wins

    GatewayConfig config = EnvironmentConfig.load(env, Map.of());

    assertThat(config.port()).isEqualTo(4123);
    assertThat(config.includeExtensions()).isFalse();
    assertThat(config.providers().get("mock").models()).isEqualTo(List.of("echo"));
  }

  @Test
  void springPlaceholdersResolveAndTheGatewaysOwnStayForIt() {
    MockEnvironment env = new MockEnvironment()
        .withProperty("app.store", "memory")
        .withProperty("rec-llm-gateway.usage.store", "${app.store}")
        .withProperty("rec-llm-gateway.providers.openai.api_key", "${GATEWAY_TEST_OPENAI_KEY}");

    GatewayConfig config = EnvironmentConfig.load(env, Map.of("GATEWAY_TEST_OPENAI_KEY", "sk-FAKEtestOnly-0001"));

    assertThat(config.usage().store()).isEqualTo("memory");
    assertThat(config.providers().get("openai").apiKey()).isEqualTo("sk-FAKEtestOnly-0001");
  }

  @Test
  void unknownKeysAreRefusedAsInAConfigFile() {
    MockEnvironment env = new MockEnvironment().withProperty("rec-llm-gateway.provders.mock.type", "mock");

    assertThatThrownBy(() -> EnvironmentConfig.load(env, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("provders");
  }
}
