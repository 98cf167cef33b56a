package io.recllm.gateway.limits;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallStep;
import io.recllm.gateway.call.Caller;
import io.recllm.gateway.call.Stage;
import io.recllm.gateway.core.Endpoint;
import io.recllm.gateway.core.ModelRef;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.keys.Keys;
import io.recllm.gateway.keys.VirtualKey;
import io.recllm.gateway.pricing.Pricing;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.vertx.core.Future;
import java.util.function.Function;

/**
 * The {@link Stage#LIMITS} step: before a virtual key's call, reserves its worst case (the prompt as
 * {@link PromptEstimate} reckons it without running the tokenizer, plus {@code max_completion_tokens} / {@code max_tokens} or else the model's
 * maximum output, priced at the model's rates) against the key's rpm, tpm, parallel calls and budget;
 * {@link Limits} settles it to the real usage when the outcome is recorded. Calls of the master key and
 * of keys without limits pass untouched.
 */
public final class LimitsStep implements CallStep {

  /** Output reserved for a model whose maximum the price table does not know and a call that sets none. */
  static final long DEFAULT_MAX_OUTPUT = 4096;

  private final Keys keys;
  private final Limits limits;
  private final Pricing pricing;

  public LimitsStep(Keys keys, Limits limits, Pricing pricing) {
    this.keys = keys;
    this.limits = limits;
    this.pricing = pricing;
  }

  @Override
  public Stage stage() {
    return Stage.LIMITS;
  }

  @Override
  public Future<ChatResult> complete(Call call, Next next) {
    return reserveThen(call, next::complete);
  }

  @Override
  public Future<ChatStream> stream(Call call, Next next) {
    return reserveThen(call, next::stream);
  }

  private <T> Future<T> reserveThen(Call call, Function<Call, Future<T>> next) {
    Caller caller = call.caller();
    if (caller.kind() != Caller.Kind.VIRTUAL) return next.apply(call);
    VirtualKey key = keys.byId(caller.keyId());
    if (key == null || !key.limited()) return next.apply(call);
    ModelRef target = call.target();
    long prompt = promptTokens(call);
    long output = maxOutput(call.body(), target);
    long cost = key.budgetNanoUsd() == null ? 0 : pricing.cost(target.provider(), target.model(), TokenUsage.of(prompt, output)).nanoUsd();
    long remainingMs = call.remainingNanos() == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, call.remainingNanos() / 1_000_000);
    return limits.acquire(key, prompt + output, cost, remainingMs).compose(grant -> {
      call.put(Limits.GRANT, grant);
      return next.apply(call);
    });
  }

  /** Chat's (and Anthropic's) messages, or a Responses request's instructions and input items. */
  private static long promptTokens(Call call) {
    JsonNode body = call.body();
    if (!Endpoint.RESPONSES.id().equals(call.endpoint())) return PromptEstimate.messages(body.get("messages"));
    long instructions = PromptEstimate.text(body.path("instructions").asText(""));
    JsonNode input = body.get("input");
    if (input != null && input.isArray()) return instructions + PromptEstimate.messages(input);
    return instructions + PromptEstimate.messages(null) + PromptEstimate.text(input == null ? "" : input.asText(""));
  }

  private long maxOutput(JsonNode body, ModelRef target) {
    JsonNode limit = body.hasNonNull("max_completion_tokens") ? body.get("max_completion_tokens")
        : body.hasNonNull("max_output_tokens") ? body.get("max_output_tokens") : body.get("max_tokens");
    if (limit != null && limit.canConvertToLong() && limit.asLong() > 0) return limit.asLong();
    var known = pricing.maxOutputTokens(target.provider(), target.model());
    return known.isPresent() ? known.getAsInt() : DEFAULT_MAX_OUTPUT;
  }
}
