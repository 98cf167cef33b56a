package io.recllm.gateway.resilience;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.config.ConfigValues;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code retries}, {@code circuit_breaker}, {@code routes} and each provider's own
 * {@code retries} and {@code circuit_breaker} from the config tree, after defaults and environment
 * substitution.
 *
 * <p>Without a {@code retries} section nothing is retried, and without a {@code circuit_breaker}
 * section no circuit opens: a gateway that does not ask for either behaves as before. A section that
 * is present starts from {@link RetrySettings#DEFAULT} / {@link CircuitBreakerSettings#DEFAULT}, and a
 * provider's or route's own section starts from the global one (or from those defaults), so
 * {@code providers.anthropic.retries: {max_attempts: 5}} changes only the number of attempts.
 */
public final class ResilienceReader {

  private ResilienceReader() {}

  /**
   * @param root the whole config tree
   * @param providers the configured provider names
   */
  public static ResilienceSettings read(JsonNode root, Set<String> providers) {
    JsonNode retriesNode = root.path("retries");
    JsonNode breakerNode = root.path("circuit_breaker");
    RetrySettings retryBase = RetriesReader.read(retriesNode, "retries", RetrySettings.DEFAULT);
    CircuitBreakerSettings breakerBase = CircuitBreakerReader.read(breakerNode, "circuit_breaker",
        CircuitBreakerSettings.DEFAULT);
    RetrySettings retries = ConfigValues.absent(retriesNode) ? RetrySettings.NO_RETRIES : retryBase;
    CircuitBreakerSettings breaker = ConfigValues.absent(breakerNode) ? CircuitBreakerSettings.OFF : breakerBase;

    Map<String, RetrySettings> providerRetries = new LinkedHashMap<>();
    Map<String, CircuitBreakerSettings> providerBreakers = new LinkedHashMap<>();
    JsonNode ps = root.path("providers");
    if (ps.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = ps.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        String path = "providers." + p.getKey();
        JsonNode r = p.getValue().path("retries");
        if (!ConfigValues.absent(r)) providerRetries.put(p.getKey(), RetriesReader.read(r, path + ".retries", retryBase));
        JsonNode b = p.getValue().path("circuit_breaker");
        if (!ConfigValues.absent(b)) {
          providerBreakers.put(p.getKey(), CircuitBreakerReader.read(b, path + ".circuit_breaker", breakerBase));
        }
      }
    }
    Map<String, RouteSettings> routes = RoutesReader.read(root.path("routes"), providers, retryBase, breakerBase);
    return new ResilienceSettings(retries, providerRetries, breaker, providerBreakers, routes);
  }
}
