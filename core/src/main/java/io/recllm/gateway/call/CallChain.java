package io.recllm.gateway.call;

import io.recllm.gateway.core.Endpoint;
import io.recllm.gateway.core.ModelRef;
import io.recllm.gateway.error.GatewayException;
import io.opentelemetry.context.Scope;
import io.recllm.gateway.provider.CallHeaders;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.LlmClient;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * The ordered steps every call goes through, around the innermost {@link LlmClient} (the gateway's
 * provider registry, or an application's own client). The links are built once, so passing a call
 * through the chain allocates nothing beyond what the steps themselves do.
 *
 * <pre>
 *   auth ▸ limits ▸ cache ▸ transforms ▸ routing ▸ retry ▸ provider steps ▸ LlmClient
 * </pre>
 *
 * The innermost link sends the call to its current {@link Call#target()} (a chat completion, or the
 * call's other {@link Call#endpoint() endpoint}) and notes each try as an {@link Attempt}, and the
 * model that answered as {@link Call#answeredBy()}.
 */
public final class CallChain {

  private final List<CallStep> steps;
  private final LlmClient client;
  private final CallStep.Next head;

  public CallChain(List<CallStep> steps, LlmClient client) {
    if (client == null) throw new IllegalArgumentException("client is null");
    List<CallStep> ordered = new ArrayList<>(steps);
    ordered.sort(Comparator.comparing(CallStep::stage)); // stable: same-stage steps keep their order
    this.steps = List.copyOf(ordered);
    this.client = client;
    CallStep.Next next = new Provider(client);
    for (int i = ordered.size() - 1; i >= 0; i--) {
      next = new Link(ordered.get(i), next);
    }
    this.head = next;
  }

  /** The steps in the order a call meets them. */
  public List<CallStep> steps() {
    return steps;
  }

  /** The innermost client, below every step. */
  public LlmClient client() {
    return client;
  }

  public Future<ChatResult> complete(Call call) {
    return guard(() -> head.complete(call));
  }

  public Future<ChatStream> stream(Call call) {
    return guard(() -> head.stream(call));
  }

  /**
   * A step or client that throws, or returns no future, fails the call instead of the event loop. What
   * is not a {@link GatewayException} stays as it was: the HTTP layer logs such a bug whole and tells the
   * client little.
   */
  private static <T> Future<T> guard(Supplier<Future<T>> op) {
    try {
      Future<T> f = op.get();
      return f != null ? f : Future.failedFuture(new IllegalStateException(
          "a call step or the provider client returned no future"));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private record Link(CallStep step, CallStep.Next next) implements CallStep.Next {
    @Override
    public Future<ChatResult> complete(Call call) {
      return guard(() -> step.complete(call, next));
    }

    @Override
    public Future<ChatStream> stream(Call call) {
      return guard(() -> step.stream(call, next));
    }
  }

  /** The innermost link: one try at the call's current target. */
  private record Provider(LlmClient client) implements CallStep.Next {
    @Override
    public Future<ChatResult> complete(Call call) {
      ModelRef target = call.target();
      long start = System.nanoTime();
      Endpoint endpoint = Endpoint.of(call.endpoint());
      Future<ChatResult> f;
      try (Scope ignored = CallHeaders.open(call.get(Call.UPSTREAM_HEADERS))) {
        f = guard(() -> endpoint == Endpoint.CHAT
            ? client.chatCompletion(target.provider(), target.model(), call.body())
            : client.call(endpoint, target.provider(), target.model(), call.body(), call.headers()));
      }
      return f.andThen(ar -> settle(call, target, start, ar.failed() ? ar.cause() : null));
    }

    @Override
    public Future<ChatStream> stream(Call call) {
      ModelRef target = call.target();
      long start = System.nanoTime();
      Endpoint endpoint = Endpoint.of(call.endpoint());
      Future<ChatStream> f;
      try (Scope ignored = CallHeaders.open(call.get(Call.UPSTREAM_HEADERS))) {
        f = guard(() -> endpoint == Endpoint.CHAT
            ? client.streamChatCompletion(target.provider(), target.model(), call.body())
            : client.streamCall(endpoint, target.provider(), target.model(), call.body(), call.headers()));
      }
      return f.andThen(ar -> settle(call, target, start, ar.failed() ? ar.cause() : null));
    }

    private static void settle(Call call, ModelRef target, long startNanos, Throwable failure) {
      long latencyMs = (System.nanoTime() - startNanos) / 1_000_000;
      if (failure == null) {
        call.answeredBy(target);
        call.addAttempt(new Attempt(target.provider(), target.model(), 200, latencyMs, null));
      } else if (failure instanceof GatewayException g) {
        // the upstream's own status says more about the target than the one the client would get
        int status = g.upstreamStatus() > 0 ? g.upstreamStatus() : g.status();
        call.addAttempt(new Attempt(target.provider(), target.model(), status, latencyMs, g.type()));
      } else {
        call.addAttempt(new Attempt(target.provider(), target.model(), 500, latencyMs, "api_error"));
      }
    }
  }
}
