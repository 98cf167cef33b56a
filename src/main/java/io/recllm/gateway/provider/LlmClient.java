package io.recllm.gateway.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;

/**
 * The provider SPI: one call in OpenAI's chat format, answered in OpenAI's chat format.
 * The gateway's own implementation routes to one adapter per wire format; tests and embedding
 * applications may pass their own (a Mockito mock or a fake) to {@code RecLlmGateway}.
 *
 * <p>{@code request} is the client's body as parsed once by the gateway; implementations must not
 * modify it. {@code model} is the model name with the provider prefix removed. Failures are reported
 * as a failed future carrying a {@link io.recllm.gateway.error.GatewayException}.
 */
public interface LlmClient {

  Future<ChatResult> chatCompletion(String provider, String model, ObjectNode request);

  /**
   * Starts a streaming call. The future completes once the upstream accepted the call (before the
   * first event); errors before that fail the future, errors after it go to the stream.
   */
  default Future<ChatStream> streamChatCompletion(String provider, String model, ObjectNode request) {
    return Future.failedFuture(new io.recllm.gateway.error.GatewayException.InvalidRequest(
        "stream_not_supported", "stream", "Streaming is not supported by this client"));
  }
}
