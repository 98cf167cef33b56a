package io.recllm.gateway.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.provider.ProviderRegistry;
import io.recllm.gateway.provider.ProviderTypes;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Presets of the openai type: a name, a base URL and a key variable are the whole provider. */
class OpenAiPresetTest {

  private static final String GROQ_KEY = "gsk-test-fake-key";

  private static ProviderConfig provider(String yaml, Map<String, String> env, String name) {
    return ConfigLoader.load("providers:\n  " + yaml + "\n", env).providers().get(name);
  }

  @Test
  void theTypeAndTheKeyVariableAreAllAPresetNeeds() {
    ProviderConfig groq = provider("groq: { type: groq }", Map.of("GROQ_API_KEY", GROQ_KEY), "groq");

    assertThat(groq.baseUrl()).isEqualTo("https://api.groq.com/openai/v1");
    assertThat(groq.apiKey()).isEqualTo(GROQ_KEY);
    assertThat(groq.requiresKey()).isTrue();
    assertThat(groq.apiKeyEnv()).isEqualTo("GROQ_API_KEY");
  }

  @Test
  void aProviderNamedOtherwiseStillReadsThePresetsVariable() {
    ProviderConfig fast = provider("fast: { type: groq }", Map.of(), "fast");

    assertThat(fast.hasKey()).isFalse();
    assertThat(fast.requiresKey()).isTrue();
    assertThat(fast.apiKeyEnv()).isEqualTo("GROQ_API_KEY"); // what missing_api_key tells the user to set
  }

  @Test
  void localServersNeedNoKey() {
    ProviderConfig ollama = provider("ollama: { type: ollama }", Map.of(), "ollama");
    assertThat(ollama.baseUrl()).isEqualTo("http://localhost:11434/v1");
    assertThat(ollama.requiresKey()).isFalse();
    assertThat(provider("vllm: { type: vllm }", Map.of(), "vllm").baseUrl()).startsWith("http://localhost:");
    assertThat(provider("lmstudio: { type: lmstudio }", Map.of(), "lmstudio").baseUrl()).startsWith("http://localhost:");
  }

  @Test
  void baseUrlAndApiKeyOverrideThePresets() {
    ProviderConfig groq = provider("groq: { type: groq, base_url: \"http://proxy.internal:8080/groq/\", api_key: \"${MY_KEY}\" }",
        Map.of("MY_KEY", "my-test-fake-key", "GROQ_API_KEY", GROQ_KEY), "groq");

    assertThat(groq.baseUrl()).isEqualTo("http://proxy.internal:8080/groq");
    assertThat(groq.apiKey()).isEqualTo("my-test-fake-key");
    assertThat(groq.apiKeyEnv()).isEqualTo("MY_KEY");
  }

  @Test
  void everyPresetIsARegisteredType() {
    List<String> names = new ArrayList<>();
    OpenAiPreset.ALL.forEach(p -> names.add(p.name()));
    assertThat(names).containsExactlyInAnyOrder("mistral", "groq", "together", "deepseek", "openrouter", "xai", "fireworks",
        "cerebras", "perplexity", "ollama", "vllm", "lmstudio");
    assertThat(ProviderTypes.installed().names()).containsAll(names);
  }

  @Test
  void aPresetCallsItsUpstreamWithItsKeyAndListsItsModels() throws Exception {
    try (FakeUpstream upstream = FakeUpstream.start();
         GatewayHarness gw = GatewayHarness.start("providers:\n  groq: { type: groq, base_url: \"http://127.0.0.1:"
             + upstream.port() + "/openai/v1\" }\n", Map.of("GROQ_API_KEY", GROQ_KEY))) {
      upstream.respondJson(200, Fixtures.read("openai/chat_completion_text.json"));

      HttpResponse<String> r = gw.post("/v1/chat/completions",
          "{\"model\":\"groq:llama-3.3-70b-versatile\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(upstream.lastRequest().path()).isEqualTo("/openai/v1/chat/completions");
      assertThat(upstream.lastRequest().headers().get("authorization")).isEqualTo("Bearer " + GROQ_KEY);
      List<String> ids = new ArrayList<>();
      Json.MAPPER.readTree(gw.get("/v1/models").body()).path("data").forEach(m -> ids.add(m.path("id").asText()));
      assertThat(ids).contains("groq:llama-3.3-70b-versatile", "groq:openai/gpt-oss-120b").noneMatch(id -> id.equals("groq:gpt-4o"));
    }
  }

  @Test
  void theRegistryNamesThePresetsForAProviderItDoesNotHave() {
    Throwable failure = new ProviderRegistry(Map.of()).chatCompletion("groq", "llama-3.3-70b-versatile", Json.object()).cause();

    assertThat(failure).isInstanceOfSatisfying(GatewayException.InvalidRequest.class, e -> {
      assertThat(e.code()).isEqualTo("provider_not_configured");
      assertThat(e.getMessage()).contains("presets that need only their type and key variable: ", "groq", "ollama");
    });
  }

  @Test
  void anUnconfiguredPresetIsNamedWithTheLineToAdd() throws Exception {
    try (GatewayHarness gw = GatewayHarness.start("default_provider: mock\n", Map.of())) {
      HttpResponse<String> r = gw.post("/v1/chat/completions",
          "{\"model\":\"groq:llama-3.3-70b-versatile\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

      assertThat(r.statusCode()).isEqualTo(400);
      JsonNode error = Json.MAPPER.readTree(r.body()).path("error");
      assertThat(error.path("code").asText()).isEqualTo("provider_not_configured");
      assertThat(error.path("message").asText()).contains("groq: { type: groq }",
          "Presets that need only their type and key variable: ", "cerebras", "lmstudio", "ollama", "xai");
    }
  }
}
