package io.recllm.gateway.config;

import java.util.Set;

/**
 * A top-level section of the config file read by the package that uses it, so that a feature above
 * this layer (routes and retries, keys and limits, the cache) owns its settings without the config
 * package knowing them. Registered with {@link java.util.ServiceLoader} under this interface
 * ({@code META-INF/services/io.recllm.gateway.config.ConfigSection}); {@link GatewayConfig#section}
 * gives what it read.
 *
 * <p>The loader reads its own sections first, so a section can see the provider names; keys a section
 * claims are known keys at the top level and, for {@link #providerKeys()}, in every provider.
 *
 * @param <T> the section's settings, immutable
 */
public interface ConfigSection<T> {

  /** The top-level keys this section reads, e.g. {@code routes}, {@code retries}. */
  Set<String> topKeys();

  /** Keys this section reads inside every provider's mapping, e.g. {@code retries}. */
  default Set<String> providerKeys() {
    return Set.of();
  }

  /**
   * Keys this section reads inside the loader's own {@code limits} mapping (which holds the connection
   * limits), e.g. the rate limiter's {@code redis}: a section cannot claim a top-level key the loader owns.
   */
  default Set<String> limitsKeys() {
    return Set.of();
  }

  /**
   * Reads the section from the whole tree, after defaults, environment substitution and overrides.
   * Report a bad value with {@link ConfigException} naming its key path ({@link ConfigValues} words it).
   *
   * @param root the whole config, as a {@link ConfigNode} at the top level
   * @param providers the configured provider names
   */
  T read(ConfigNode root, Set<String> providers);

  /** What a config has that was built in code, or whose file leaves the section out. */
  T defaults();
}
