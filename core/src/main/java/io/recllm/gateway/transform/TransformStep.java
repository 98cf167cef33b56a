package io.recllm.gateway.transform;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallStep;
import io.recllm.gateway.call.Stage;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;

/**
 * Applies the {@code transforms} rules that match a call to the body going upstream, in the order they
 * are written; the client's own body is never changed. Code that needs more (the answer, a stream)
 * adds its own {@link CallStep} on the builder. A rule's {@code headers} go on the call
 * ({@link Call#UPSTREAM_HEADERS}) and are sent with each of its tries.
 */
public final class TransformStep implements CallStep {

  private final List<TransformRule> rules;

  public TransformStep(List<TransformRule> rules) {
    this.rules = List.copyOf(rules);
  }

  @Override
  public Stage stage() {
    return Stage.TRANSFORMS;
  }

  @Override
  public Future<ChatResult> complete(Call call, Next next) {
    transform(call);
    return next.complete(call);
  }

  @Override
  public Future<ChatStream> stream(Call call, Next next) {
    transform(call);
    return next.stream(call);
  }

  private void transform(Call call) {
    ObjectNode copy = null;
    MultiMap headers = null;
    for (TransformRule rule : rules) {
      if (!rule.matches(call)) continue;
      if (!rule.headers().isEmpty()) {
        if (headers == null) headers = HttpHeaders.headers();
        rule.headers().forEach(headers::set); // a later rule's value wins, as its body changes do
      }
      if (!rule.changesBody()) continue;
      if (copy == null) copy = call.body().deepCopy();
      rule.apply(copy);
    }
    if (copy != null) call.body(copy);
    if (headers != null) call.put(Call.UPSTREAM_HEADERS, headers);
  }
}
