package io.recllm.gateway.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.config.ProviderConfig;
import io.vertx.core.Future;

/** One configured provider, speaking its own wire format behind the OpenAI-shaped {@link LlmClient} calls. */
public interface ProviderClient extends AutoCloseable {

  ProviderConfig config();

  Future<ChatResult> chat(String model, ObjectNode request);

  Future<ChatStream> stream(String model, ObjectNode request);

  @Override
  default void close() {}
}
