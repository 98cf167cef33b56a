package io.recllm.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallOutcome;
import io.recllm.gateway.core.Endpoint;
import io.recllm.gateway.core.ModelRef;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.pricing.Cost;
import io.recllm.gateway.provider.ChatResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /v1/messages}: Anthropic's Messages API in front of any provider. The gateway key comes as
 * {@code x-api-key} or a bearer token (checked by {@link GatewayAuth}); {@code anthropic-version} is
 * accepted and {@code anthropic-beta} goes on to an anthropic provider. The call goes through the same
 * chain as chat with the endpoint {@code messages}; an anthropic provider gets it as sent, any other
 * provider through the chat translation. Errors are in Anthropic's shape.
 */
final class MessagesHandler implements Handler<RoutingContext> {

  private final GatewayServices services;

  MessagesHandler(GatewayServices services) {
    this.services = services;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long startNanos = System.nanoTime();
    ObjectNode request;
    ModelRef ref;
    boolean stream;
    try {
      request = ChatCompletionsHandler.parse(ctx.body().buffer());
      validate(request);
      JsonNode s = request.get("stream");
      if (s != null && !s.isNull() && !s.isBoolean()) {
        throw new GatewayException.InvalidRequest("invalid_type", "stream", "stream: Input should be a valid boolean");
      }
      stream = s != null && s.asBoolean(false);
      ref = services.modelParser().parse(request.get("model").asText());
    } catch (GatewayException e) {
      MessagesErrors.send(ctx.response(), e);
      return;
    }
    Call call = Call.builder(RequestIds.of(ctx), ref, request)
        .stream(stream)
        .startNanos(startNanos)
        .totalTimeoutMillis(services.config().timeouts().totalMs())
        .headers(ctx.request().headers())
        .endpoint(Endpoint.MESSAGES.id())
        .build();
    Drain.InFlight inFlight = Drain.callOf(ctx);
    if (stream) {
      MessagesRelay relay = new MessagesRelay(services, ctx, call, inFlight);
      if (!inFlight.claim(relay::shutDown)) return;
      services.telemetry().start(call);
      relay.start();
      return;
    }
    ChatCompletionsHandler.completeOnce(services, ctx, call, inFlight, MessagesErrors::send, this::respond);
  }

  /**
   * {@code POST /v1/messages/count_tokens}: free at Anthropic, so not a call the chain prices or records;
   * an anthropic provider counts, any other gets the gateway tokenizer's estimate.
   */
  void countTokens(RoutingContext ctx) {
    ObjectNode request;
    ModelRef ref;
    try {
      request = ChatCompletionsHandler.parse(ctx.body().buffer());
      validate(request);
      ref = services.modelParser().parse(request.get("model").asText());
    } catch (GatewayException e) {
      MessagesErrors.send(ctx.response(), e);
      return;
    }
    Future<ChatResult> count;
    try {
      count = services.chain().client().countMessageTokens(ref.provider(), ref.model(), request, ctx.request().headers());
    } catch (RuntimeException e) {
      count = Future.failedFuture(e);
    }
    count.onComplete(ar -> {
      if (ar.failed()) {
        MessagesErrors.send(ctx.response(), ErrorResponses.wrap(ar.cause()).at(ref.provider(), ref.model()));
      } else if (!ctx.response().closed()) {
        ChatResult r = ar.result();
        ctx.response().putHeader("content-type", "application/json")
            .end(r.raw() != null ? r.raw() : Buffer.buffer(r.body().toString()));
      }
    });
  }

  private void respond(HttpServerResponse response, Call call, ChatResult result) {
    CallOutcome outcome = services.outcome();
    TokenUsage usage = result.usage() == null ? TokenUsage.NONE : result.usage();
    String responseModel = result.body().path("model").asText(null);
    Cost cost = outcome.cost(call, responseModel, usage, null);
    long latencyMs = CallOutcome.elapsedMs(call);
    ObjectNode ext = outcome.extension(call, cost, latencyMs, -1);
    Buffer out;
    try {
      out = ResponseBodies.encode(result, ext);
    } catch (JsonProcessingException e) {
      MessagesErrors.send(response, new GatewayException.Internal("Could not encode the response", e));
      return;
    }
    if (!response.closed()) response.putHeader("content-type", "application/json").end(out);
    outcome.succeeded(call, responseModel, usage, cost, latencyMs, -1, result.body().path("stop_reason").asText(null),
        outcome.logContent() ? text(result.body()) : null);
  }

  private static String text(ObjectNode message) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode b : message.path("content")) if ("text".equals(b.path("type").asText())) sb.append(b.path("text").asText());
    return sb.toString();
  }

  /** What the gateway must understand itself, worded as Anthropic words it; the rest is the provider's. */
  static void validate(ObjectNode request) {
    ChatCompletionsHandler.validateModel(request);
    JsonNode messages = request.get("messages");
    if (messages == null || !messages.isArray()) {
      throw new GatewayException.InvalidRequest("invalid_request_error", "messages", "messages: Field required");
    }
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String role = m.path("role").asText("");
      if (!role.equals("user") && !role.equals("assistant")) {
        throw new GatewayException.InvalidRequest("invalid_request_error", "messages." + i + ".role",
            "messages." + i + ".role: Input should be 'user' or 'assistant'");
      }
    }
  }
}
