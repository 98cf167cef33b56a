package io.recllm.gateway.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.core.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;

/**
 * One configured provider, speaking its own wire format behind the OpenAI-shaped {@link LlmClient} calls.
 * {@link #chat} and {@link #stream} are every type's; the other endpoints are answered in their own
 * API's format ({@link ChatResult#body()} is then an embeddings list, a text completion, ...) and default
 * to a 400 {@code unsupported_endpoint}, so a type implements only what its upstream can serve.
 */
public interface ProviderClient extends AutoCloseable {

  ProviderConfig config();

  Future<ChatResult> chat(String model, ObjectNode request);

  Future<ChatStream> stream(String model, ObjectNode request);

  /** {@code POST /v1/embeddings}: OpenAI's embeddings request in, OpenAI's {@code list} of embeddings out. */
  default Future<ChatResult> embeddings(String model, ObjectNode request) {
    return Future.failedFuture(UnsupportedEndpoint.of(Endpoint.EMBEDDINGS, config()));
  }

  /** {@code POST /v1/completions}: OpenAI's legacy text completion, in and out. */
  default Future<ChatResult> completions(String model, ObjectNode request) {
    return Future.failedFuture(UnsupportedEndpoint.of(Endpoint.COMPLETIONS, config()));
  }

  /** A streamed legacy text completion: {@code text_completion} chunks, usage last. */
  default Future<ChatStream> streamCompletions(String model, ObjectNode request) {
    return Future.failedFuture(UnsupportedEndpoint.of(Endpoint.COMPLETIONS, config()));
  }

  /**
   * {@code POST /v1/messages}: Anthropic's Messages request in, a Messages answer out. By default
   * translated to and from {@link #chat} ({@link MessagesTranslation}); the anthropic type passes it
   * through. {@code headers} are the client's ({@code anthropic-beta}).
   */
  default Future<ChatResult> messages(String model, ObjectNode request, MultiMap headers) {
    ObjectNode chat = MessagesTranslation.toChat(request);
    return chat(model, chat).map(r -> MessagesTranslation.fromChat(r, model));
  }

  /** A streamed Messages call: Anthropic's events, one {@link ChatChunk} each, translated from {@link #stream} by default. */
  default Future<ChatStream> streamMessages(String model, ObjectNode request, MultiMap headers) {
    ObjectNode chat = MessagesTranslation.toChat(request);
    return stream(model, chat).map(s -> new MessagesEventStream(s, model));
  }

  /**
   * {@code POST /v1/messages/count_tokens}: {@code {"input_tokens": N}} for a Messages request. By default
   * an estimate with the gateway's tokenizer over the chat translation; the anthropic type asks Anthropic.
   */
  default Future<ChatResult> countMessageTokens(String model, ObjectNode request, MultiMap headers) {
    ObjectNode chat = MessagesTranslation.toChat(request);
    long n = TokenCounter.countPrompt(chat.get("messages"));
    if (chat.has("tools")) n += TokenCounter.count(chat.get("tools").toString());
    ObjectNode body = io.recllm.gateway.json.Json.object().put("input_tokens", n);
    return Future.succeededFuture(new ChatResult(body, io.recllm.gateway.core.TokenUsage.NONE, null));
  }

  /**
   * {@code POST /v1/responses}: OpenAI's Responses request in, a {@code response} object out. By default
   * the stateless subset is translated to and from {@link #chat} ({@link ResponsesTranslation}); the
   * openai and azure types pass it through. {@code headers} are the client's.
   */
  default Future<ChatResult> responses(String model, ObjectNode request, MultiMap headers) {
    ObjectNode chat = ResponsesTranslation.toChat(request);
    return chat(model, chat).map(r -> ResponsesTranslation.fromChat(r, request, model));
  }

  /** A streamed Responses call: the API's events, one {@link ChatChunk} each, translated from {@link #stream} by default. */
  default Future<ChatStream> streamResponses(String model, ObjectNode request, MultiMap headers) {
    ObjectNode chat = ResponsesTranslation.toChat(request);
    return stream(model, chat).map(s -> new ResponsesEventStream(s, request, model));
  }

  /**
   * A call on a stored response ({@code GET} or {@code DELETE /responses/{id}}, its {@code input_items},
   * {@code POST .../cancel}): {@code path} is below the API's base, query included. Only a provider that
   * keeps responses can answer; every other type refuses with a 400 naming the ones that can.
   */
  default Future<ChatResult> storedResponse(HttpMethod method, String path) {
    return Future.failedFuture(new io.recllm.gateway.error.GatewayException.InvalidRequest("unsupported_endpoint",
        "provider", "Provider \"" + config().name() + "\" (type " + config().type() + ") keeps no responses; "
            + method.name() + " /v1" + path.replaceAll("\\?.*", "") + " goes to an openai or azure provider (name it with"
            + " ?provider= or the x-rec-llm-provider header)."));
  }

  @Override
  default void close() {}
}
