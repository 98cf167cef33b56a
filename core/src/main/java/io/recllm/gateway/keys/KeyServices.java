package io.recllm.gateway.keys;

import io.vertx.core.MultiMap;
import java.util.function.BiConsumer;

/**
 * What the HTTP layer needs of virtual keys: the keys themselves, and what puts the rate-limit headers
 * ({@code x-ratelimit-*}) of a key on a response; closing it closes the keys and the limiter.
 *
 * @param rateHeaders (key id, response headers); does nothing for a key without rpm or tpm
 * @param limiter the rate limiter's resources (its Redis connections)
 */
public record KeyServices(Keys keys, BiConsumer<String, MultiMap> rateHeaders, AutoCloseable limiter)
    implements AutoCloseable {

  @Override
  public void close() {
    try {
      limiter.close();
    } catch (Exception ignored) {
      // stopping anyway
    }
    keys.close();
  }
}
