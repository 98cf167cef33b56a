package io.recllm.gateway.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;

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

  /**
   * A call to one of the gateway's other JSON endpoints ({@link Endpoint#EMBEDDINGS},
   * {@link Endpoint#COMPLETIONS}, {@link Endpoint#MESSAGES}, {@link Endpoint#RESPONSES}), in and out in that API's own format.
   * {@code headers} are the client's, for the few an API defines to pass along ({@code anthropic-beta}).
   * A client that serves none of them keeps this default: a 400 {@code unsupported_endpoint}.
   */
  default Future<ChatResult> call(Endpoint endpoint, String provider, String model, ObjectNode request,
                                  MultiMap headers) {
    return Future.failedFuture(UnsupportedEndpoint.of(endpoint));
  }

  /**
   * {@code POST /v1/messages/count_tokens}: {@code {"input_tokens": N}}. Not a billed call: the gateway
   * asks the client directly, not through the chain.
   */
  default Future<ChatResult> countMessageTokens(String provider, String model, ObjectNode request, MultiMap headers) {
    return Future.failedFuture(UnsupportedEndpoint.of(Endpoint.MESSAGES));
  }

  /**
   * A call on a response an upstream stored ({@code GET}/{@code DELETE /v1/responses/{id}} and the like):
   * {@code path} below {@code /v1}, query included, passed to {@code provider} as it is. Not a billed
   * call: the gateway asks the client directly, not through the chain.
   */
  default Future<ChatResult> storedResponse(String provider, HttpMethod method, String path) {
    return Future.failedFuture(UnsupportedEndpoint.of(Endpoint.RESPONSES));
  }

  /** As {@link #call}, streamed: each event's JSON as a {@link ChatChunk}, the usage last. */
  default Future<ChatStream> streamCall(Endpoint endpoint, String provider, String model, ObjectNode request,
                                        MultiMap headers) {
    return Future.failedFuture(UnsupportedEndpoint.of(endpoint));
  }
}
