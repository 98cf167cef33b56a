package io.recllm.gateway.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recllm.gateway.config.ConfigException;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.config.ProviderConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code type: bedrock} in the config: region, endpoint, credentials keys. */
class BedrockProviderTypeTest {

  private static GatewayConfig load(String provider) {
    return ConfigLoader.load("providers:\n  bedrock: " + provider + "\n", Map.of());
  }

  @Test
  void theRegionGivesThePublicEndpoint() {
    ProviderConfig p = load("{ type: bedrock, region: eu-central-1 }").providers().get("bedrock");
    assertThat(p.baseUrl()).isEqualTo("https://bedrock-runtime.eu-central-1.amazonaws.com");
    assertThat(p.requiresKey()).as("the AWS chain, not an api_key").isFalse();
    BedrockSettings s = p.settings(BedrockSettings.class);
    assertThat(s.region()).isEqualTo("eu-central-1");
    assertThat(s.explicitCredentials()).isFalse();
    assertThat(load("{ type: bedrock, region: us-east-1, base_url: \"http://127.0.0.1:9\" }").providers().get("bedrock").baseUrl())
        .isEqualTo("http://127.0.0.1:9");
  }

  @Test
  void explicitKeysGoTogetherAndNeverShowInToString() {
    BedrockSettings s = load("{ type: bedrock, region: us-west-2, access_key_id: AKIDFAKE, secret_access_key: fake-secret-value,"
        + " session_token: fake-token }").providers().get("bedrock").settings(BedrockSettings.class);
    assertThat(s.accessKeyId()).isEqualTo("AKIDFAKE");
    assertThat(s.sessionToken()).isEqualTo("fake-token");
    assertThat(s.toString()).doesNotContain("fake-secret-value").doesNotContain("fake-token");
    assertThatThrownBy(() -> load("{ type: bedrock, region: us-west-2, access_key_id: AKIDFAKE }"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("providers.bedrock.secret_access_key");
    assertThatThrownBy(() -> load("{ type: bedrock, region: us-west-2, session_token: t }"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("providers.bedrock.session_token");
  }

  @Test
  void aMissingOrMalformedRegionStopsTheStart() {
    assertThatThrownBy(() -> load("{ type: bedrock }")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("providers.bedrock.region: missing");
    assertThatThrownBy(() -> load("{ type: bedrock, region: \"us east\" }")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("not an AWS region");
    assertThatThrownBy(() -> load("{ type: bedrock, region: us-east-1, secret: x }")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("providers.bedrock.secret");
  }
}
