package io.recllm.gateway.config;

import java.util.List;
import java.util.Set;

/**
 * What the config loader needs to know of a provider type: the name {@code type:} gives it, its own keys
 * under {@code providers.<name>} and how to read them. {@code io.recllm.gateway.provider.ProviderType}
 * extends this with the factory for its client; the config sees only this part, so it can check a
 * provider's keys without depending on the provider layer.
 *
 * <p>Types are registered with {@link java.util.ServiceLoader} under this interface's name, one line per
 * type in {@code META-INF/services/io.recllm.gateway.config.ProviderSettingsType}; see
 * {@link ProviderSettingsTypes}.
 *
 * @param <S> the type's settings; {@link Void} for a type without any
 */
public interface ProviderSettingsType<S> {

  /** The value of {@code type:} in the config, e.g. {@code openai}. */
  String name();

  /**
   * Whether calls go over HTTP to {@code base_url}. Then {@code base_url} is required and an
   * {@code api_key} line makes the key required. A type answering in process (the mock) returns false:
   * it needs neither.
   */
  default boolean callsUpstream() {
    return true;
  }

  /**
   * The {@code base_url} a provider of this type gets when its config has none, making the type a
   * preset that needs only {@code type:} (and its key variable); null when the URL must be given.
   */
  default String defaultBaseUrl() {
    return null;
  }

  /**
   * The environment variable holding the key when the config has no {@code api_key} line (then read as
   * {@code api_key: "${VAR}"}); null for a type that needs no key unless one is configured.
   */
  default String defaultApiKeyEnv() {
    return null;
  }

  /**
   * More types this registration brings, each with a name of its own: presets of this type for
   * particular services (the {@code openai} type brings {@code groq}, {@code ollama}, ...), so that a
   * preset is a row in its type's table rather than a class and a service line of its own.
   */
  default List<? extends ProviderSettingsType<?>> presets() {
    return List.of();
  }

  /**
   * The public endpoint when the provider's config has no {@code base_url} (which always overrides
   * it), or null when {@code base_url} is required. May depend on the type's own keys (a region, say);
   * by default the fixed {@link #defaultBaseUrl()} of a preset.
   */
  default String defaultBaseUrl(ConfigNode provider) {
    return defaultBaseUrl();
  }

  /** Keys of this type under {@code providers.<name>} besides the common ones; any other key is an error. */
  default Set<String> settingsKeys() {
    return Set.of();
  }

  /**
   * Reads and checks this type's keys of one configured provider; called once, when the config is
   * loaded. Report a bad value with {@link ConfigNode}'s readers or {@link ConfigNode#fail}, which name
   * the key path. The default reads nothing and returns null.
   */
  default S readSettings(ConfigNode provider) {
    return null;
  }
}
