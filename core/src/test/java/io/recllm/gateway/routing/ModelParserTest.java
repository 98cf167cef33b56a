package io.recllm.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recllm.gateway.core.ModelRef;
import io.recllm.gateway.error.GatewayException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelParserTest {

  final ModelParser parser = new ModelParser(Set.of("openai", "anthropic", "mock", "ollama"), "openai");

  @Test
  void configuredPrefixIsSplitOffAtTheFirstColon() {
    assertThat(parser.parse("anthropic:claude-sonnet-4-5")).isEqualTo(new ModelRef("anthropic", "claude-sonnet-4-5"));
    assertThat(parser.parse("ollama:llama3:8b")).isEqualTo(new ModelRef("ollama", "llama3:8b"));
    assertThat(parser.parse("openai:ft:gpt-4o-mini:acme::id")).isEqualTo(new ModelRef("openai", "ft:gpt-4o-mini:acme::id"));
  }

  @Test
  void bareModelsAndUnknownPrefixesGoToTheDefaultProviderIntact() {
    assertThat(parser.parse("gpt-4o-mini")).isEqualTo(new ModelRef("openai", "gpt-4o-mini"));
    assertThat(parser.parse("ft:gpt-4o-mini:acme:custom:id")).isEqualTo(new ModelRef("openai", "ft:gpt-4o-mini:acme:custom:id"));
    assertThat(parser.parse("llama3:8b")).isEqualTo(new ModelRef("openai", "llama3:8b"));
    assertThat(parser.parse(":odd")).isEqualTo(new ModelRef("openai", ":odd"));
  }

  @Test
  void wellKnownButUnconfiguredProviderIsAClearError() {
    assertThatThrownBy(() -> parser.parse("gemini:gemini-2.0-flash"))
        .isInstanceOfSatisfying(GatewayException.InvalidRequest.class, e -> {
          assertThat(e.code()).isEqualTo("provider_not_configured");
          assertThat(e.param()).isEqualTo("model");
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.getMessage()).contains("gemini", "anthropic, mock, ollama, openai", "providers:");
        });
    assertThatThrownBy(() -> parser.parse("groq:llama-3.1-8b")).isInstanceOf(GatewayException.InvalidRequest.class);
    assertThatThrownBy(() -> parser.parse("bedrock:anthropic.claude-v2")).isInstanceOf(GatewayException.InvalidRequest.class);
  }

  @Test
  void providerWithoutModelIsAnError() {
    assertThatThrownBy(() -> parser.parse("anthropic:"))
        .isInstanceOfSatisfying(GatewayException.InvalidRequest.class, e -> assertThat(e.code()).isEqualTo("invalid_model"));
  }
}
