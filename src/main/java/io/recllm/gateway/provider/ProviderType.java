package io.recllm.gateway.provider;

import io.recllm.gateway.config.ConfigNode;
import io.recllm.gateway.config.ProviderConfig;
import java.util.Set;

/**
 * A kind of provider the config can name with {@code type: <name>}: its own settings and a factory
 * for its {@link ProviderClient}. Types are found with {@link java.util.ServiceLoader} (a line in
 * {@code META-INF/services/io.recllm.gateway.provider.ProviderType}), so an application adds one from
 * its own jar without changing the gateway; see {@link ProviderTypes}.
 *
 * <p>Every provider has the common keys ({@code type}, {@code base_url}, {@code api_key},
 * {@code requires_key}, {@code headers}, {@code models}, {@code timeouts}, {@code tls}, {@code http2},
 * {@code max_connections}), read into {@link ProviderConfig}. A type adds its own keys with
 * {@link #settingsKeys()} and reads them in {@link #readSettings}.
 *
 * @param <S> the type's settings; {@link Void} for a type without any
 */
public interface ProviderType<S> {

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

  /**
   * The client for one configured provider. {@code settings} is what {@link #readSettings} returned,
   * or null for a {@link ProviderConfig} built in code without settings.
   */
  ProviderClient create(ProviderConfig config, S settings, ProviderContext context);
}
