package io.recllm.gateway.resilience;

import io.recllm.gateway.config.ConfigNode;
import io.recllm.gateway.config.ConfigSection;
import java.util.Set;

/**
 * The config file's {@code routes}, {@code retries} and {@code circuit_breaker}, and each provider's
 * own {@code retries} and {@code circuit_breaker}: {@code config.section(ResilienceSection.SECTION)}.
 * A file without them gives {@link ResilienceSettings#NONE}, and the gateway adds no step for them.
 */
public final class ResilienceSection implements ConfigSection<ResilienceSettings> {

  /** The installed instance's settings are found by class, so any instance reads them. */
  public static final ResilienceSection SECTION = new ResilienceSection();

  @Override
  public Set<String> topKeys() {
    return Set.of("routes", "retries", "circuit_breaker");
  }

  @Override
  public Set<String> providerKeys() {
    return Set.of("retries", "circuit_breaker");
  }

  @Override
  public ResilienceSettings read(ConfigNode root, Set<String> providers) {
    ResilienceSettings s = ResilienceReader.read(root.node(), providers);
    return s.configured() ? s : null;
  }

  @Override
  public ResilienceSettings defaults() {
    return ResilienceSettings.NONE;
  }
}
