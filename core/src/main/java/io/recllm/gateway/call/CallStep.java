package io.recllm.gateway.call;

import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.vertx.core.Future;

/**
 * One step of the call chain: sees the {@link Call} on its way to the provider and the result on its
 * way back, and passes the call on with {@link Next} (or answers it itself: a cache hit, a refusal).
 * A step may call {@code next} more than once (a retry, a fallback) after changing the call's target.
 *
 * <p>For a stream, {@link #stream} acts up to the moment the upstream accepted the call; the returned
 * {@link ChatStream} may be wrapped to watch or change its chunks. Once the first byte has reached the
 * client a step can no longer retry or fail over: the gateway then ends the stream with an error event.
 *
 * <p>Both methods default to passing the call on unchanged, so a step overrides only what it needs.
 * Steps run on the call's event loop and must not block.
 */
public interface CallStep {

  /** Where this step runs; the chain orders steps by stage (see {@link Stage}). */
  Stage stage();

  default Future<ChatResult> complete(Call call, Next next) {
    return next.complete(call);
  }

  default Future<ChatStream> stream(Call call, Next next) {
    return next.stream(call);
  }

  /** The rest of the chain after a step. */
  interface Next {
    Future<ChatResult> complete(Call call);

    Future<ChatStream> stream(Call call);
  }
}
