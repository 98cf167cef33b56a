package io.recllm.gateway.keys;

import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallStep;
import io.recllm.gateway.call.Caller;
import io.recllm.gateway.call.Stage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.vertx.core.Future;

/**
 * The {@link Stage#AUTH} step: a virtual key may call only its models, and only while it is neither
 * revoked nor expired (checked again here: the key may have changed since the request's headers were read).
 */
public final class AuthStep implements CallStep {

  private final Keys keys;

  public AuthStep(Keys keys) {
    this.keys = keys;
  }

  @Override
  public Stage stage() {
    return Stage.AUTH;
  }

  @Override
  public Future<ChatResult> complete(Call call, Next next) {
    GatewayException refused = refusal(call);
    return refused != null ? Future.failedFuture(refused) : next.complete(call);
  }

  @Override
  public Future<ChatStream> stream(Call call, Next next) {
    GatewayException refused = refusal(call);
    return refused != null ? Future.failedFuture(refused) : next.stream(call);
  }

  private GatewayException refusal(Call call) {
    Caller caller = call.caller();
    if (caller.kind() != Caller.Kind.VIRTUAL) return null;
    VirtualKey k = keys.byId(caller.keyId());
    if (k == null) return new GatewayException.AuthenticationFailed("Unknown API key");
    try {
      Keys.check(k, System.currentTimeMillis());
    } catch (GatewayException e) {
      return e;
    }
    String model = call.clientBody().path("model").asText(call.requested().model());
    if (k.allows(call.requested().provider(), call.requested().model()) || k.allows(null, model)) return null;
    return new GatewayException.PermissionDenied("model_not_allowed",
        "This API key may not use the model '" + model + "' (allowed: " + String.join(", ", k.models()) + ")");
  }
}
