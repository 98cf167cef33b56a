package io.recllm.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recllm.gateway.pricing.ModelPrice;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @Test
  void noFileGivesTheDocumentedDefaults() {
    GatewayConfig c = ConfigLoader.fromEnvironment(Map.of("OPENAI_API_KEY", "sk-o"));
    assertThat(c.port()).isEqualTo(4000);
    assertThat(c.defaultProvider()).isEqualTo("openai");
    assertThat(c.includeExtensions()).isTrue();
    assertThat(c.authEnabled()).isFalse();
    assertThat(c.providers()).containsOnlyKeys("openai", "anthropic", "mock");
    assertThat(c.providers().get("openai").apiKey()).isEqualTo("sk-o");
    assertThat(c.providers().get("openai").baseUrl()).isEqualTo("https://api.openai.com/v1");
    assertThat(c.providers().get("anthropic").hasKey()).isFalse();
    assertThat(c.providers().get("anthropic").requiresKey()).isTrue();
    assertThat(c.providers().get("anthropic").apiKeyEnv()).isEqualTo("ANTHROPIC_API_KEY");
    assertThat(c.providers().get("mock").requiresKey()).isFalse();
    assertThat(c.timeouts()).isEqualTo(Timeouts.DEFAULT);
    assertThat(c.maxBodyBytes()).isEqualTo(16L * 1024 * 1024);
    assertThat(c.corsAllowedOrigins()).containsExactly("*");
    assertThat(c.usageStore()).isEqualTo("sqlite:./data/usage.db");
  }

  @Test
  void fileMergesOverDefaultsWithEnvSubstitution() {
    GatewayConfig c = ConfigLoader.load("""
        port: ${PORT:-4100}
        default_provider: ollama
        include_extensions: false
        api_key: ${REC_LLM_GATEWAY_KEY:-}
        providers:
          ollama: { type: openai, base_url: "http://localhost:11434/v1/" }
          groq:   { type: openai, base_url: https://api.groq.com/openai/v1, api_key: "${GROQ_API_KEY}", headers: {x-extra: "1"} }
          openai: { base_url: "${OPENAI_BASE:-https://proxy.example/v1}" }
        timeouts: { connect_ms: 1000 }
        pricing:
          llama3: { input: 0, output: 0 }
          custom-model: { input: 1.0, output: 2.0, cached_input: 0.5 }
        cors: { allowed_origins: ["https://app.example"] }
        """, Map.of("GROQ_API_KEY", "gsk-1", "OPENAI_API_KEY", "sk-o"));
    assertThat(c.port()).isEqualTo(4100);
    assertThat(c.defaultProvider()).isEqualTo("ollama");
    assertThat(c.includeExtensions()).isFalse();
    ProviderConfig ollama = c.providers().get("ollama");
    assertThat(ollama.baseUrl()).isEqualTo("http://localhost:11434/v1");
    assertThat(ollama.requiresKey()).as("no api_key line: a local server needs none").isFalse();
    ProviderConfig groq = c.providers().get("groq");
    assertThat(groq.apiKey()).isEqualTo("gsk-1");
    assertThat(groq.apiKeyEnv()).isEqualTo("GROQ_API_KEY");
    assertThat(groq.headers()).containsEntry("x-extra", "1");
    assertThat(c.providers().get("openai").baseUrl()).isEqualTo("https://proxy.example/v1");
    assertThat(c.providers().get("openai").apiKey()).as("key kept from the defaults").isEqualTo("sk-o");
    assertThat(c.timeouts().connectMs()).isEqualTo(1000);
    assertThat(c.timeouts().totalMs()).isEqualTo(600_000);
    assertThat(groq.timeouts().connectMs()).isEqualTo(1000);
    assertThat(c.pricing().get("custom-model").cachedInput()).isEqualByComparingTo("0.5");
    assertThat(c.pricing().get("llama3").input()).isZero();
    assertThat(c.corsAllowedOrigins()).containsExactly("https://app.example");
  }

  @Test
  void seedShorthandApiKeysIsAccepted() {
    GatewayConfig c = ConfigLoader.load("api_keys: { openai: sk-a, anthropic: \"${ANT}\" }", Map.of("ANT", "sk-ant"));
    assertThat(c.providers().get("openai").apiKey()).isEqualTo("sk-a");
    assertThat(c.providers().get("anthropic").apiKey()).isEqualTo("sk-ant");
  }

  @Test
  void environmentOverridesWinOverTheFile() {
    GatewayConfig c = ConfigLoader.load("port: 5000\ndefault_provider: openai",
        Map.of("REC_LLM_GATEWAY_PORT", "6000", "REC_LLM_GATEWAY_KEY", "gw-key", "REC_LLM_GATEWAY_DEFAULT_PROVIDER", "mock"));
    assertThat(c.port()).isEqualTo(6000);
    assertThat(c.apiKey()).isEqualTo("gw-key");
    assertThat(c.defaultProvider()).isEqualTo("mock");
  }

  @Test
  void badFilesFailNamingTheKeyPath() {
    assertFails("prot: 4000", "prot: unknown key");
    assertFails("port: abc", "port: must be a whole number, got \"abc\"");
    assertFails("port: 70000", "port: must be between 0 and 65535");
    assertFails("providers: { x: { type: palm } }", "providers.x.type: \"palm\" is not a provider type");
    assertFails("providers: { x: { type: openai } }", "providers.x.base_url: missing");
    assertFails("providers: { x: { type: openai, base_url: \"ftp://h\" } }", "providers.x.base_url:");
    assertFails("providers: { x: { type: openai, base_url: \"http://h\", bse: 1 } }", "providers.x.bse: unknown key");
    assertFails("default_provider: nope", "default_provider: \"nope\" is not a configured provider");
    assertFails("timeouts: { connect_ms: -1 }", "timeouts.connect_ms: must be between 0");
    assertFails("pricing: { m: { input: 1 } }", "pricing.m: needs both input and output");
    assertFails("pricing: { m: { input: x, output: 1 } }", "pricing.m.input: must be a number");
    assertFails("include_extensions: maybe", "include_extensions: must be true or false");
    assertFails("api_keys: { gemini: k }", "api_keys.gemini: no provider named");
    assertFails("- a\n- b", "the top level must be a mapping");
    assertFails("port: [1", "not valid YAML");
    assertFails("providers: { x: { type: openai, base_url: \"https://h\", tls: { trust_store: /no/such/file.pem } } }",
        "providers.x.tls.trust_store: cannot read");
  }

  /** A price is the decimal written in the YAML, not the double nearest to it: a cost is exact only then. */
  @Test
  void pricesAreReadAsExactDecimals() {
    GatewayConfig c = ConfigLoader.load("""
        pricing:
          m: { input: 123456.789012345678, output: 0.15, cached_input: "0.075", cache_write: 2 }
          env: { input: "${PRICE}", output: 1.0 }
        """, Map.of("PRICE", "0.000000000000001"));
    ModelPrice m = c.pricing().get("m");
    assertThat(m.input()).isEqualTo(new BigDecimal("123456.789012345678"));
    assertThat(BigDecimal.valueOf(123456.789012345678)).as("what a double would have kept").isNotEqualByComparingTo(m.input());
    assertThat(m.output()).isEqualTo(new BigDecimal("0.15"));
    assertThat(m.cachedInput()).isEqualTo(new BigDecimal("0.075"));
    assertThat(m.cacheWrite()).isEqualTo(new BigDecimal("2"));
    assertThat(c.pricing().get("env").input()).isEqualTo(new BigDecimal("0.000000000000001"));
    assertThat(c.pricing().get("env").output()).isEqualTo(new BigDecimal("1"));

    // YAML floats are read as decimals, which have no NaN or infinity
    assertFails("pricing: { m: { input: .nan, output: 1 } }", "'.nan'");
    assertFails("pricing: { m: { input: 1, output: .inf } }", "'.inf'");
    assertFails("pricing: { m: { input: -0.5, output: 1 } }", "pricing.m.input: must be zero or more");
    assertFails("pricing: { m: { input: 1e99999999, output: 1 } }", "pricing.m.input: must be at most 1000000");
    assertFails("pricing: { m: { input: 1, output: 0.0000000000000001 } }", "pricing.m.output: must have at most 15 decimal");
  }

  // The next four were failures ConfigLoaderFuzzTest's contract catches: a stack trace (ClassCastException,
  // InvalidPathException, NumberFormatException) instead of the key path, or a number read as a long's low bits.

  @Test
  void sectionsThatAreNoMappingFailNamingThemEvenWhenTheShorthandOrTheEnvironmentFillsThem() {
    assertFails("providers: none\napi_keys: { openai: k }", "providers: must be a mapping");
    // found by bench/fuzz.sh: a provider entry left empty is null, and the shorthand wrote into it
    assertFails("providers:\n  anthropic:\napi_keys: { anthropic: k }", "providers.anthropic: must be a mapping");
    assertThatThrownBy(() -> ConfigLoader.load("usage: 5", Map.of("REC_LLM_GATEWAY_USAGE_STORE", "memory")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("usage: must be a mapping");
  }

  @Test
  void aTrustStorePathNoFileCanHaveFailsNamingTheKey() {
    assertFails("providers: { x: { type: openai, base_url: \"https://h\", tls: { trust_store: \"a\\0b\" } } }",
        "providers.x.tls.trust_store: cannot read");
  }

  @Test
  void wholeNumbersBeyondALongAreOutOfRangeNotWrapped() {
    assertFails("timeouts: { connect_ms: \"99999999999999999999\" }", "timeouts.connect_ms: must be between 0 and");
    assertFails("port: 18446744073709551617", "port: must be between 0 and 65535, got 18446744073709551617");
    assertFails("limits: { max_body_bytes: -18446744073709551615 }", "limits.max_body_bytes: must be between 1 and");
  }

  @Test
  void aConfigFileIsReadAndItsNameIsInErrors(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, "port: 4321\n");
    assertThat(ConfigLoader.load(file, Map.of()).port()).isEqualTo(4321);
    Files.writeString(file, "port: x\n");
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of())).hasMessageContaining("gateway.yaml").hasMessageContaining("port:");
    assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.yaml"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("Cannot read config file");
  }

  private static void assertFails(String yaml, String message) {
    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining(message);
  }
}
