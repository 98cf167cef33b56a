package io.recllm.gateway.provider;

import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.config.ProviderSettingsType;

/**
 * A kind of provider the config can name with {@code type: <name>}: its own settings and a factory
 * for its {@link ProviderClient}. Types are found with {@link java.util.ServiceLoader} (a line in
 * {@code META-INF/services/io.recllm.gateway.config.ProviderSettingsType}, the part of a type the config
 * loader reads), so an application adds one from its own jar without changing the gateway; see
 * {@link ProviderTypes}.
 *
 * <p>Every provider has the common keys ({@code type}, {@code base_url}, {@code api_key},
 * {@code requires_key}, {@code headers}, {@code models}, {@code timeouts}, {@code tls}, {@code http2},
 * {@code max_connections}), read into {@link ProviderConfig}. A type adds its own keys with
 * {@link #settingsKeys()} and reads them in {@link #readSettings}.
 *
 * @param <S> the type's settings; {@link Void} for a type without any
 */
public interface ProviderType<S> extends ProviderSettingsType<S> {

  /**
   * The client for one configured provider. {@code settings} is what {@link #readSettings} returned,
   * or null for a {@link ProviderConfig} built in code without settings.
   */
  ProviderClient create(ProviderConfig config, S settings, ProviderContext context);
}
