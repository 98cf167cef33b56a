package io.recllm.gateway.config;

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
   * The public endpoint when the provider's mapping has no {@code base_url}; it may depend on the
   * type's own keys (a region, say). Null, the default, makes {@code base_url} required.
   */
  default String defaultBaseUrl(ConfigNode provider) {
    return null;
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
