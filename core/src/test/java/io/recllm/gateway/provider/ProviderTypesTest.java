package io.recllm.gateway.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.config.ProviderSettingsType;
import io.recllm.gateway.config.ProviderSettingsTypes;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.pricing.Pricing;
import io.recllm.gateway.provider.anthropic.AnthropicClient;
import io.recllm.gateway.provider.anthropic.AnthropicProviderType;
import io.recllm.gateway.provider.mock.MockClient;
import io.recllm.gateway.provider.mock.MockSettings;
import io.recllm.gateway.provider.openai.OpenAiClient;
import io.recllm.gateway.provider.openai.OpenAiProviderType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ProviderTypesTest {

  @Test
  void theBuiltInTypesAreRegisteredAndBuildTheirClients() throws Exception {
    assertThat(ProviderTypes.installed().names()).contains("anthropic", "mock", "openai");
    Vertx vertx = Vertx.vertx();
    GatewayConfig config = ConfigLoader.fromEnvironment(Map.of());
    try (ProviderRegistry registry = ProviderRegistry.create(vertx, config, Map.of(), Pricing.builtIn())) {
      assertThat(registry.clients().get("openai")).isInstanceOf(OpenAiClient.class);
      assertThat(registry.clients().get("anthropic")).isInstanceOf(AnthropicClient.class);
      assertThat(registry.clients().get("mock")).isInstanceOf(MockClient.class);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aTypeGetsTheSettingsItReadAndTheContext() throws Exception {
    record Seen(ProviderConfig config, MockSettings settings, ProviderContext context) {}
    List<Seen> seen = new java.util.ArrayList<>();
    ProviderType<MockSettings> custom = new ProviderType<>() {
      @Override
      public String name() {
        return "mock"; // in place of the built-in mock, whose settings the config loader read
      }

      @Override
      public ProviderClient create(ProviderConfig config, MockSettings settings, ProviderContext context) {
        seen.add(new Seen(config, settings, context));
        return new ProviderClient() {
          @Override
          public ProviderConfig config() {
            return config;
          }

          @Override
          public Future<ChatResult> chat(String model, ObjectNode request) {
            return Future.succeededFuture(new ChatResult(Json.object().put("model", model), TokenUsage.of(1, 1), null));
          }

          @Override
          public Future<ChatStream> stream(String model, ObjectNode request) {
            return Future.failedFuture("no streams");
          }
        };
      }
    };
    Vertx vertx = Vertx.vertx();
    GatewayConfig config = ConfigLoader.load("providers: { mock: { delay_ms: 3 } }", Map.of());
    ProviderContext context = new ProviderContext(vertx, Map.of(), Pricing.builtIn());
    ProviderTypes types = ProviderTypes.of(List.of(custom, new OpenAiProviderType(), new AnthropicProviderType()));
    try (ProviderRegistry registry = ProviderRegistry.create(types, context, config)) {
      assertThat(seen).singleElement().satisfies(s -> {
        assertThat(s.config().name()).isEqualTo("mock");
        assertThat(s.settings()).isEqualTo(new MockSettings(3, 0));
        assertThat(s.context()).isSameAs(context);
      });
      ChatResult r = registry.chatCompletion("mock", "m1", Json.object()).await(5, TimeUnit.SECONDS);
      assertThat(r.body().path("model").asText()).isEqualTo("m1");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void twoTypesOfOneNameAreRefused() {
    ProviderType<Void> a = new Named("same");
    ProviderType<Void> b = new ProviderType<>() {
      @Override
      public String name() {
        return "same";
      }

      @Override
      public ProviderClient create(ProviderConfig config, Void settings, ProviderContext context) {
        throw new UnsupportedOperationException();
      }
    };
    assertThatThrownBy(() -> ProviderTypes.of(List.of(a, b))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("provider type \"same\" is registered twice");
    assertThatThrownBy(() -> ProviderTypes.of(List.of(a)).get("other"))
        .hasMessage("\"other\" is not a provider type (one of same)");
  }

  @Test
  void aRegisteredTypeThatCannotBuildAClientStopsTheStart() {
    ProviderSettingsType<Void> settingsOnly = () -> "half";
    assertThatThrownBy(() -> ProviderTypes.from(List.of(new Named("whole"), settingsOnly)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("provider type \"half\"")
        .hasMessageContaining("does not implement io.recllm.gateway.provider.ProviderType");
    assertThat(ProviderTypes.from(List.of(new Named("whole"))).names()).containsExactly("whole");
  }

  /** The config loader reads settings with the very instances the registry builds clients with. */
  @Test
  void theConfigAndTheRegistrySeeTheSameRegisteredTypes() {
    for (String name : ProviderTypes.installed().names()) {
      assertThat(ProviderSettingsTypes.installed().find(name)).containsSame(ProviderTypes.installed().get(name));
    }
    assertThat(ProviderSettingsTypes.installed().names()).isEqualTo(ProviderTypes.installed().names());
  }

  /** The gateway's core reaches adapters only through the registry: adding a type touches none of it. */
  @Test
  void configRoutingAndTelemetryDoNotDependOnAnAdapter() throws IOException {
    Path main = Path.of("src/main/java/io/recllm/gateway");
    for (String pkg : List.of("config", "routing", "telemetry")) {
      try (Stream<Path> files = Files.walk(main.resolve(pkg))) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          assertThat(Files.readString(f)).as(f.toString())
              .doesNotContain("io.recllm.gateway.provider.openai")
              .doesNotContain("io.recllm.gateway.provider.anthropic")
              .doesNotContain("io.recllm.gateway.provider.mock");
        }
      }
    }
  }

  private record Named(String name) implements ProviderType<Void> {
    @Override
    public ProviderClient create(ProviderConfig config, Void settings, ProviderContext context) {
      throw new UnsupportedOperationException();
    }
  }
}
