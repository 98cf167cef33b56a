package io.recllm.gateway.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recllm.gateway.config.ConfigException;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.ProviderConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code type: gemini} in the config: the public endpoints by default, {@code base_url} over them, the vertex keys. */
class GeminiProviderTypeTest {

  static ProviderConfig load(String provider) {
    return ConfigLoader.load("providers:\n  g: " + provider + "\n", Map.of("GEMINI_API_KEY", "fake-gemini-key"))
        .providers().get("g");
  }

  @Test
  void theGeminiApiNeedsOnlyAKey() {
    ProviderConfig c = load("{ type: gemini, api_key: \"${GEMINI_API_KEY}\" }");
    assertThat(c.baseUrl()).isEqualTo("https://generativelanguage.googleapis.com");
    assertThat(c.apiKey()).isEqualTo("fake-gemini-key");
    assertThat(c.requiresKey()).isTrue();
    assertThat(c.settings(GeminiSettings.class).vertex()).isNull();
  }

  @Test
  void baseUrlOverridesThePublicEndpoint() {
    assertThat(load("{ type: gemini, base_url: \"http://127.0.0.1:9/\", api_key: k }").baseUrl()).isEqualTo("http://127.0.0.1:9");
    assertThat(load("{ type: gemini, base_url: \"http://proxy.local\", vertex: { project: p-1 } }").baseUrl())
        .isEqualTo("http://proxy.local");
  }

  @Test
  void vertexTakesProjectAndLocationAndGoesToTheRegionalEndpoint() {
    ProviderConfig c = load("{ type: gemini, vertex: { project: my-project, location: europe-west4 } }");
    assertThat(c.baseUrl()).isEqualTo("https://europe-west4-aiplatform.googleapis.com");
    assertThat(c.settings(GeminiSettings.class).vertex())
        .isEqualTo(new GeminiSettings.Vertex("my-project", "europe-west4", null));
    assertThat(c.requiresKey()).as("OAuth, not a key").isFalse();
    assertThat(load("{ type: gemini, vertex: { project: p-1 } }").baseUrl())
        .isEqualTo("https://us-central1-aiplatform.googleapis.com");
    assertThat(load("{ type: gemini, vertex: { project: p-1, location: global } }").baseUrl())
        .isEqualTo("https://aiplatform.googleapis.com");
  }

  @Test
  void badVertexSettingsStopTheStartNamingTheKey() {
    assertThatThrownBy(() -> load("{ type: gemini, vertex: { location: us-central1 } }"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("providers.g.vertex.project: missing");
    assertThatThrownBy(() -> load("{ type: gemini, vertex: { project: p-1, region: x } }"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("providers.g.vertex.region: unknown key");
    assertThatThrownBy(() -> load("{ type: gemini, vertex: { project: p-1, credentials_file: /nonexistent/sa.json } }"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("providers.g.vertex.credentials_file: cannot read");
    assertThatThrownBy(() -> load("{ type: gemini, vertex: { project: p-1, location: \"us central\" } }"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("providers.g.vertex.location: must look like");
    assertThatThrownBy(() -> load("{ type: gemini, vertex: project-1 }"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("providers.g.vertex: must be a mapping");
  }
}
