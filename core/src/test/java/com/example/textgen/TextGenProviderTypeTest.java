package com.example.textgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.config.ConfigException;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ProviderTypes;
import io.recllm.gateway.usage.UsageRecord;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A provider type from outside the gateway, registered only by its line in the test sources'
 * {@code META-INF/services}, is found by name, reads its own settings, and answers through the gateway.
 */
class TextGenProviderTypeTest {

  @Test
  void theServiceLineRegistersTheType() {
    assertThat(ProviderTypes.installed().names()).contains("openai", "anthropic", "mock", "textgen");
    assertThat(ProviderTypes.installed().get("textgen")).isInstanceOf(TextGenProviderType.class);
  }

  @Test
  void itsSettingsAreReadFromItsOwnKeys() {
    GatewayConfig c = ConfigLoader.load("""
        providers:
          tg: { type: textgen, base_url: "https://textgen.example", api_version: "2025-06", default_max_new_tokens: 64 }
        """, Map.of());
    assertThat(c.providers().get("tg").settings(TextGenSettings.class)).isEqualTo(new TextGenSettings("2025-06", 64));
    GatewayConfig defaults = ConfigLoader.load("providers: { tg: { type: textgen, base_url: \"https://textgen.example\" } }", Map.of());
    assertThat(defaults.providers().get("tg").settings(TextGenSettings.class)).isEqualTo(TextGenSettings.DEFAULT);
  }

  @Test
  void badSettingsNameTheirKey() {
    assertFails("providers: { tg: { type: textgen, base_url: \"https://t.example\", default_max_new_tokens: lots } }",
        "providers.tg.default_max_new_tokens: must be a whole number, got \"lots\"");
    assertFails("providers: { tg: { type: textgen, base_url: \"https://t.example\", api_version: v2 } }",
        "providers.tg.api_version: must look like 2025-01, got \"v2\"");
    assertFails("providers: { tg: { type: textgen, base_url: \"https://t.example\", api_verison: \"2025-06\" } }",
        "providers.tg.api_verison: unknown key (known keys under providers.tg: api_key, api_keys, api_version, base_url, "
            + "circuit_breaker, default_max_new_tokens, headers, http2, max_connections, models, requires_key, retries, "
            + "timeouts, tls, type)");
    assertFails("providers: { tg: { type: textgen } }", "providers.tg.base_url: missing");
    assertFails("providers: { tg: { type: textgn } }",
        "providers.tg.type: \"textgn\" is not a provider type (one of anthropic, azure, ");
    assertFails("providers: { tg: { type: textgn } }", ", openai, ");
    assertFails("providers: { tg: { type: textgn } }", ", textgen, ");
  }

  @Test
  void aCallThroughTheGatewayReachesItsUpstreamAndIsAnswered() throws Exception {
    try (FakeUpstream upstream = FakeUpstream.start();
         GatewayHarness gw = GatewayHarness.start("""
             providers:
               tg: { type: textgen, base_url: "http://127.0.0.1:%d/api", api_key: "${TEXTGEN_KEY}", default_max_new_tokens: 64 }
             pricing:
               tg-small: { input: 1.0, output: 2.0 }
             """.formatted(upstream.port()), Map.of("TEXTGEN_KEY", "tg-key-1"))) {
      upstream.respondJson(200, Fixtures.read("textgen/generate_text.json"));
      var resp = gw.post("/v1/chat/completions",
          "{\"model\":\"tg:tg-small\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of France?\"}]}");

      assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
      JsonNode body = Json.MAPPER.readTree(resp.body());
      assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("The capital of France is Paris.");
      assertThat(body.at("/usage/total_tokens").asLong()).isEqualTo(16);
      FakeUpstream.Received sent = upstream.lastRequest();
      assertThat(sent.path()).isEqualTo("/api/generate");
      assertThat(sent.headers().get("x-textgen-key")).isEqualTo("tg-key-1");
      assertThat(sent.headers().get("textgen-version")).isEqualTo(TextGenSettings.DEFAULT.apiVersion());
      JsonNode sentBody = Json.MAPPER.readTree(sent.body());
      assertThat(sentBody.path("model").asText()).isEqualTo("tg-small");
      assertThat(sentBody.path("max_new_tokens").asInt()).as("default_max_new_tokens from the config").isEqualTo(64);
      assertThat(sentBody.at("/prompt/0/text").asText()).isEqualTo("What is the capital of France?");
      UsageRecord r = gw.recordFor(resp);
      assertThat(r.provider()).isEqualTo("tg");
      assertThat(r.costUsd()).as("priced by the config's row").isEqualTo((9 * 1.0 + 7 * 2.0) / 1e6);
    }
  }

  private static void assertFails(String yaml, String message) {
    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining(message);
  }
}
