package io.recllm.gateway.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.recllm.gateway.RecLlmGateway;
import io.recllm.gateway.provider.LlmClient;
import io.recllm.gateway.provider.ProviderRegistry;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;

class RecLlmGatewayAutoConfigurationTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(RecLlmGatewayAutoConfiguration.class))
      .withPropertyValues("rec-llm-gateway.usage.store=memory");

  @Test
  void startsTheGatewayWithItsOwnProvidersOnLoopback() {
    runner.run(ctx -> {
      RecLlmGateway gateway = ctx.getBean(RecLlmGateway.class);
      assertThat(ctx.getBean(LlmClient.class)).isInstanceOf(ProviderRegistry.class);
      assertThat(gateway.llmClient()).isSameAs(ctx.getBean(LlmClient.class));
      assertThat(gateway.config().host()).isEqualTo("127.0.0.1");
      assertThat(gateway.port()).isPositive();
      // not a web application: nothing to mount into
      assertThat(ctx).doesNotHaveBean(ServletRegistrationBean.class);
    });
  }

  @Test
  void anLlmClientBeanOfTheApplicationReplacesTheProviders() {
    LlmClient fake = (provider, model, request) -> Future.failedFuture("not called here");
    runner.withBean("fakeLlm", LlmClient.class, () -> fake).run(ctx -> {
      assertThat(ctx).doesNotHaveBean(ProviderRegistry.class);
      assertThat(ctx.getBean(RecLlmGateway.class).llmClient()).isSameAs(fake);
    });
  }

  @Test
  void usesTheApplicationsMeterRegistryAndOpenTelemetry() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    OpenTelemetry otel = OpenTelemetry.noop();
    runner.withBean(MeterRegistry.class, () -> registry).withBean(OpenTelemetry.class, () -> otel).run(ctx -> {
      RecLlmGateway gateway = ctx.getBean(RecLlmGateway.class);
      assertThat(gateway.telemetry().meterRegistry()).isSameAs(registry);
      assertThat(gateway.telemetry().openTelemetry()).isSameAs(otel);
      assertThat(registry.find("rec_llm_gateway.requests.active").meter()).isNotNull();
    });
  }

  @Test
  void mountsUnderTheConfiguredPathInAServletApplication() {
    new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RecLlmGatewayAutoConfiguration.class))
        .withPropertyValues("rec-llm-gateway.usage.store=memory", "rec-llm-gateway.path=/ai/v2/")
        .run(ctx -> assertThat(ctx.getBean(ServletRegistrationBean.class).getUrlMappings()).containsExactly("/ai/v2/*"));
    new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RecLlmGatewayAutoConfiguration.class))
        .withPropertyValues("rec-llm-gateway.usage.store=memory")
        .run(ctx -> assertThat(ctx.getBean(ServletRegistrationBean.class).getUrlMappings()).containsExactly("/llm/*"));
  }

  @Test
  void offWhenDisabled() {
    runner.withPropertyValues("rec-llm-gateway.enabled=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(RecLlmGateway.class).doesNotHaveBean(LlmClient.class));
  }
}
