package io.recllm.gateway.secrets;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.Endpoint;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.LlmClient;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.util.function.Supplier;

/**
 * Wraps the innermost provider SPI so that every failure leaves it scrubbed of secrets: failed calls,
 * calls that throw, and failures of a stream after it started. Everything downstream (the client's
 * error JSON or SSE error event, the gateway's log, telemetry events and the usage record's
 * {@code error_message}) sees only what passed through here. Successful answers pass untouched.
 */
public final class ScrubbingLlmClient implements LlmClient {

  private final LlmClient delegate;
  private final SecretScrubber secrets;

  public ScrubbingLlmClient(LlmClient delegate, SecretScrubber secrets) {
    this.delegate = delegate;
    this.secrets = secrets;
  }

  /** The client this one wraps, or {@code llm} itself. */
  public static LlmClient unwrap(LlmClient llm) {
    return llm instanceof ScrubbingLlmClient s ? s.delegate : llm;
  }


  @Override
  public Future<ChatResult> chatCompletion(String provider, String model, ObjectNode request) {
    return scrubbed(() -> delegate.chatCompletion(provider, model, request));
  }

  @Override
  public Future<ChatStream> streamChatCompletion(String provider, String model, ObjectNode request) {
    return scrubbedStream(() -> delegate.streamChatCompletion(provider, model, request));
  }

  @Override
  public Future<ChatResult> call(Endpoint endpoint, String provider, String model, ObjectNode request,
                                 MultiMap headers) {
    return scrubbed(() -> delegate.call(endpoint, provider, model, request, headers));
  }

  @Override
  public Future<ChatStream> streamCall(Endpoint endpoint, String provider, String model, ObjectNode request,
                                       MultiMap headers) {
    return scrubbedStream(() -> delegate.streamCall(endpoint, provider, model, request, headers));
  }

  @Override
  public Future<ChatResult> countMessageTokens(String provider, String model, ObjectNode request, MultiMap headers) {
    return scrubbed(() -> delegate.countMessageTokens(provider, model, request, headers));
  }

  @Override
  public Future<ChatResult> storedResponse(String provider, HttpMethod method, String path) {
    return scrubbed(() -> delegate.storedResponse(provider, method, path));
  }

  private Future<ChatResult> scrubbed(Supplier<Future<ChatResult>> op) {
    Future<ChatResult> f;
    try {
      f = op.get();
    } catch (RuntimeException e) {
      throw scrubbed(e);
    }
    return f == null ? null : f.recover(t -> Future.failedFuture(secrets.scrub(t)));
  }

  private Future<ChatStream> scrubbedStream(Supplier<Future<ChatStream>> op) {
    Future<ChatStream> f;
    try {
      f = op.get();
    } catch (RuntimeException e) {
      throw scrubbed(e);
    }
    return f == null ? null : f.recover(t -> Future.failedFuture(secrets.scrub(t)))
        .map(s -> s == null ? null : new ScrubbingStream(s, secrets));
  }

  private RuntimeException scrubbed(RuntimeException e) {
    Throwable t = secrets.scrub(e);
    return t instanceof RuntimeException r ? r : e; // scrubbing a RuntimeException gives one
  }

  /** Chunks pass untouched; the one failure of a started stream is scrubbed. */
  private static final class ScrubbingStream implements ChatStream {
    private final ChatStream stream;
    private final SecretScrubber secrets;

    ScrubbingStream(ChatStream stream, SecretScrubber secrets) {
      this.stream = stream;
      this.secrets = secrets;
    }

    @Override
    public ChatStream handler(Handler<ChatChunk> handler) {
      stream.handler(handler);
      return this;
    }

    @Override
    public ChatStream endHandler(Handler<Void> handler) {
      stream.endHandler(handler);
      return this;
    }

    @Override
    public ChatStream exceptionHandler(Handler<GatewayException> handler) {
      stream.exceptionHandler(handler == null ? null : e -> handler.handle(secrets.scrub(e)));
      return this;
    }

    @Override
    public ChatStream pause() {
      stream.pause();
      return this;
    }

    @Override
    public ChatStream resume() {
      stream.resume();
      return this;
    }

    @Override
    public void cancel() {
      stream.cancel();
    }
  }
}
