package io.recllm.gateway.config;

import io.recllm.gateway.provider.ProviderTypes;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.recllm.gateway.config.StoreLocation;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Any config file and environment: either a {@link ConfigException} naming the problem, or a config
 * whose values are in range. The input is the YAML text, then NUL-separated {@code NAME=value}
 * environment entries (so a plain YAML file is a seed as it is).
 */
class ConfigLoaderFuzzTest {

  @FuzzTest
  void load(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    String[] parts = text.split("\0", -1);
    Map<String, String> env = new HashMap<>();
    for (int i = 1; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      if (eq > 0) env.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
    }
    GatewayConfig config;
    try {
      config = ConfigLoader.load(parts[0], env);
    } catch (ConfigException e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    assertThat(config.host()).isNotBlank();
    assertThat(config.port()).isBetween(0, 65535);
    assertThat(config.providers()).containsKey(config.defaultProvider());
    assertThat(config.maxBodyBytes()).isBetween(1L, (long) Integer.MAX_VALUE);
    assertThat(config.eventLoops()).isBetween(0, 1024);
    for (ProviderConfig p : config.providers().values()) {
      assertThat(p.type()).isIn(ProviderTypes.installed().names());
      if (ProviderTypes.installed().get(p.type()).callsUpstream()) {
        URI uri = URI.create(p.baseUrl());
        assertThat(uri.getScheme()).isIn("http", "https");
        assertThat(uri.getHost()).isNotNull();
        assertThat(p.baseUrl()).doesNotEndWith("/");
      }
      assertThat(p.maxConnections()).isBetween(1, 1_000_000);
      assertThat(p.timeouts().connectMs()).isNotNegative();
      assertThat(p.timeouts().totalMs()).isNotNegative();
    }
    assertThat(config.timeouts().idleMs()).isNotNegative();
    assertThat(config.usage().batchSize()).isPositive();
    assertThat(config.usage().retentionDays()).isBetween(0, 36_500);
    StoreLocation.parse(config.usage().store());
    config.pricing().values().forEach(price -> {
      assertThat(price.input()).isNotNegative();
      assertThat(price.output()).isNotNegative();
    });
  }
}
