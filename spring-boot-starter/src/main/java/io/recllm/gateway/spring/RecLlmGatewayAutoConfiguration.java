package io.recllm.gateway.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.recllm.gateway.RecLlmGateway;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.pricing.Pricing;
import io.recllm.gateway.provider.LlmClient;
import io.recllm.gateway.provider.ProviderRegistry;
import io.recllm.gateway.telemetry.TelemetryListener;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.HashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;

/**
 * The gateway in a Spring Boot application: configured from {@code rec-llm-gateway.*}, recording its meters
 * in the application's {@link MeterRegistry} and tracing with its {@link OpenTelemetry} when the application
 * has them, calling providers through the {@link LlmClient} bean (replace it in tests), and served under
 * {@code rec-llm-gateway.path} (default {@code /llm}) of the application's own web server.
 */
@AutoConfiguration(afterName = {
    // the application's meter registry and OpenTelemetry exist before the gateway asks for them
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.export.prometheus.PrometheusMetricsExportAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration"})
@ConditionalOnProperty(prefix = EnvironmentConfig.PREFIX, name = "enabled", havingValue = "true", matchIfMissing = true)
public class RecLlmGatewayAutoConfiguration {

  /** The mount path when {@code rec-llm-gateway.path} is not set. */
  public static final String DEFAULT_PATH = "/llm";

  @Bean
  @ConditionalOnMissingBean
  public GatewayConfig recLlmGatewayConfig(ConfigurableEnvironment environment) {
    return EnvironmentConfig.load(environment, System.getenv());
  }

  /**
   * The gateway's own Vert.x (event loops as {@code event_loops} says), unless the application has one.
   * Closed after the gateway, which depends on it and so is closed first.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public Vertx recLlmGatewayVertx(GatewayConfig config) {
    int loops = config.eventLoops() > 0 ? config.eventLoops() : Runtime.getRuntime().availableProcessors();
    return Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true));
  }

  /** The providers of {@code providers:}; a test replaces this bean with a fake or a mock. */
  @Bean
  @ConditionalOnMissingBean(LlmClient.class)
  public ProviderRegistry recLlmGatewayLlmClient(Vertx vertx, GatewayConfig config) {
    Map<String, String> providerTypes = new HashMap<>();
    config.providers().forEach((name, p) -> providerTypes.put(name, p.type()));
    // the prices the gateway would use on its own: built in, the config's overrides, by provider type
    Pricing prices = Pricing.builtIn().withOverrides(config.pricing()).withProviderTypes(providerTypes);
    return ProviderRegistry.create(vertx, config, System.getenv(), prices);
  }

  @Bean
  @ConditionalOnMissingBean
  public RecLlmGateway recLlmGateway(GatewayConfig config, Vertx vertx, LlmClient llmClient,
                                     ObjectProvider<MeterRegistry> meterRegistry,
                                     ObjectProvider<OpenTelemetry> openTelemetry,
                                     ObjectProvider<TelemetryListener> listeners) {
    RecLlmGateway.Builder builder = RecLlmGateway.builder(config).vertx(vertx).llmClient(llmClient);
    MeterRegistry registry = meterRegistry.getIfAvailable();
    if (registry != null) builder.meterRegistry(registry);
    OpenTelemetry otel = openTelemetry.getIfAvailable();
    if (otel != null) builder.openTelemetry(otel);
    listeners.orderedStream().forEach(builder::telemetryListener);
    return builder.start();
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = "jakarta.servlet.http.HttpServlet")
  static class Mount {

    @Bean
    @ConditionalOnMissingBean(name = "recLlmGatewayServlet")
    ServletRegistrationBean<GatewayServlet> recLlmGatewayServlet(RecLlmGateway gateway, Environment environment) {
      String path = environment.getProperty(EnvironmentConfig.PREFIX + ".path", DEFAULT_PATH);
      ServletRegistrationBean<GatewayServlet> servlet = new ServletRegistrationBean<>(
          new GatewayServlet(gateway.config().host(), gateway.port()), GatewayServlet.mapping(path));
      servlet.setName("recLlmGateway");
      servlet.setLoadOnStartup(1);
      return servlet;
    }
  }
}
