package com.example.textgen;

import io.recllm.gateway.config.ConfigNode;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.provider.ProviderClient;
import io.recllm.gateway.provider.ProviderContext;
import io.recllm.gateway.provider.ProviderType;
import java.util.Set;

/**
 * {@code type: textgen}, a provider type that lives outside the gateway (here in its test sources,
 * in a package of its own) and is found through
 * {@code META-INF/services/io.recllm.gateway.config.ProviderSettingsType}. It uses only the gateway's public
 * API: docs/architecture.md walks through it.
 */
public final class TextGenProviderType implements ProviderType<TextGenSettings> {

  public static final String NAME = "textgen";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<String> settingsKeys() {
    return Set.of("api_version", "default_max_new_tokens");
  }

  @Override
  public TextGenSettings readSettings(ConfigNode provider) {
    TextGenSettings d = TextGenSettings.DEFAULT;
    String version = provider.string("api_version", d.apiVersion());
    if (!version.matches("\\d{4}-\\d{2}")) throw provider.fail("api_version", "must look like 2025-01, got \"" + version + "\"");
    return new TextGenSettings(version, provider.intValue("default_max_new_tokens", 1, 32_768, d.defaultMaxNewTokens()));
  }

  @Override
  public ProviderClient create(ProviderConfig config, TextGenSettings settings, ProviderContext context) {
    return new TextGenClient(context.upstream(config), settings != null ? settings : TextGenSettings.DEFAULT);
  }
}
