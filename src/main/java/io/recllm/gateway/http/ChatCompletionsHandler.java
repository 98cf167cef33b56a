package io.recllm.gateway.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallOutcome;
import io.recllm.gateway.core.ModelRef;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.json.RawJsonObject;
import io.recllm.gateway.pricing.Cost;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.TokenCounter;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code POST /v1/chat/completions}: parse and validate once, route by {@code provider:model}, call
 * the provider, add cost and the {@code x_rec_llm} extension, answer, and report the finished call.
 */
final class ChatCompletionsHandler implements Handler<RoutingContext> {

  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

  private final GatewayServices services;

  ChatCompletionsHandler(GatewayServices services) {
    this.services = services;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long startNanos = System.nanoTime();
    String requestId = RequestIds.of(ctx);
    ObjectNode request;
    ModelRef ref;
    boolean stream;
    try {
      request = parse(ctx.body().buffer());
      validate(request);
      stream = streamFlag(request);
      ref = services.modelParser().parse(request.get("model").asText());
    } catch (GatewayException e) {
      ErrorResponses.send(ctx.response(), e);
      return;
    }
    Call call = Call.builder(requestId, ref, request)
        .caller(GatewayAuth.caller(ctx))
        .stream(stream)
        .startNanos(startNanos)
        .totalTimeoutMillis(services.config().timeouts().totalMs())
        .headers(ctx.request().headers())
        .build();
    Drain.InFlight inFlight = Drain.callOf(ctx);
    if (stream) {
      StreamRelay relay = new StreamRelay(services, ctx, call, inFlight);
      if (!inFlight.claim(relay::shutDown)) return; // ended while its body was uploading
      services.telemetry().start(call);
      relay.start();
      return;
    }
    CallOutcome outcome = services.outcome();
    AtomicBoolean finished = new AtomicBoolean(); // by the answer, or by the end of a stop's grace period
    boolean claimed = inFlight.claim(() -> {
      if (!finished.compareAndSet(false, true)) return;
      GatewayException e = Drain.shuttingDown(true).at(ref.provider(), ref.model());
      ErrorResponses.send(ctx.response(), e);
      outcome.failed(call, e, null, null, null, -1, null, null);
      inFlight.done();
    });
    if (!claimed) return;
    services.telemetry().start(call);
    services.chain().complete(call).onComplete(ar -> {
      if (!finished.compareAndSet(false, true)) return; // already answered and recorded as cut short
      try {
        if (ar.succeeded()) {
          respond(ctx.response(), call, ar.result());
        } else {
          ModelRef tried = call.accountedTo();
          GatewayException e = ErrorResponses.wrap(ar.cause()).at(tried.provider(), tried.model());
          ErrorResponses.send(ctx.response(), e);
          outcome.failed(call, e, null, null, null, -1, null, null);
        }
      } finally {
        inFlight.done();
      }
    });
  }

  private void respond(HttpServerResponse response, Call call, ChatResult result) {
    CallOutcome outcome = services.outcome();
    TokenUsage usage = result.usage();
    if (sentNoUsage(result)) {
      // recorded as estimated; the client's body stays as the upstream sent it, without a usage object
      usage = TokenCounter.estimate(call.body().get("messages"), result.body().get("choices"));
    }
    String responseModel = result.responseModel();
    Cost cost = outcome.cost(call, responseModel, usage, result.body().path("service_tier").asText(null));
    long latencyMs = CallOutcome.elapsedMs(call);
    ObjectNode body = result.body();
    ObjectNode ext = outcome.extension(call, cost, latencyMs, -1);
    Buffer out;
    try {
      out = ResponseBodies.encode(result, ext);
    } catch (JsonProcessingException e) {
      ErrorResponses.send(response, new GatewayException.Internal("Could not encode the response", e));
      return;
    }
    if (!response.closed()) {
      response.putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON).end(out);
    }
    outcome.succeeded(call, responseModel, usage, cost, latencyMs, -1, result.finishReason(),
        outcome.logContent() ? CallOutcome.responseText(body) : null);
  }

  /** Some OpenAI-compatible servers answer without {@code usage}; a zero count would hide a billed call. */
  private static boolean sentNoUsage(ChatResult result) {
    return (result.usage() == null || result.usage().equals(TokenUsage.NONE)) && !result.body().path("usage").isObject();
  }

  static ObjectNode parse(Buffer body) {
    if (body == null || body.length() == 0) {
      throw new GatewayException.InvalidRequest("invalid_json", null,
          "The request has no body; send a JSON object with \"model\" and \"messages\"");
    }
    JsonNode node;
    byte[] bytes = body.getBytes();
    try (JsonParser parser = Json.MAPPER.createParser(bytes)) {
      try {
        node = Json.MAPPER.readTree(parser);
      } catch (JsonProcessingException e) {
        throw JsonBodyErrors.of(e, parser, bytes);
      }
      try {
        // the body's bytes go upstream as sent: anything after the one value would reach the provider
        if (node != null && parser.nextToken() != null) throw JsonBodyErrors.trailing(parser);
      } catch (JsonProcessingException e) {
        throw JsonBodyErrors.trailing(e, parser, bytes);
      }
    } catch (IOException e) { // a byte array cannot fail to read; kept for the compiler
      throw new GatewayException.InvalidRequest("invalid_json", null, JsonBodyErrors.PREFIX + "the body is not valid JSON");
    }
    if (!(node instanceof ObjectNode obj)) {
      throw new GatewayException.InvalidRequest("invalid_json", null,
          "The request body must be a JSON object, got " + (node == null ? "nothing" : node.getNodeType().name().toLowerCase()));
    }
    return RawJsonObject.of(obj, body);
  }

  /** Only what the gateway itself must understand; everything else is the provider's to judge. */
  static void validate(ObjectNode request) {
    JsonNode model = request.get("model");
    if (model == null || model.isNull()) {
      throw new GatewayException.InvalidRequest("missing_required_parameter", "model", "Missing required parameter: 'model'.");
    }
    if (!model.isTextual() || model.asText().isBlank()) {
      throw new GatewayException.InvalidRequest("invalid_type", "model",
          "Invalid 'model': expected a non-empty string, got " + describe(model) + ".");
    }
    JsonNode messages = request.get("messages");
    if (messages == null || messages.isNull()) {
      throw new GatewayException.InvalidRequest("missing_required_parameter", "messages",
          "Missing required parameter: 'messages'.");
    }
    if (!messages.isArray()) {
      throw new GatewayException.InvalidRequest("invalid_type", "messages",
          "Invalid 'messages': expected an array, got " + describe(messages) + ".");
    }
    if (messages.isEmpty()) {
      throw new GatewayException.InvalidRequest("empty_array", "messages",
          "Invalid 'messages': empty array. Expected an array with minimum length 1.");
    }
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String path = "messages[" + i + "]";
      if (!m.isObject()) {
        throw new GatewayException.InvalidRequest("invalid_type", path,
            "Invalid type for '" + path + "': expected an object, got " + describe(m) + ".");
      }
      JsonNode role = m.get("role");
      if (role == null || role.isNull()) {
        throw new GatewayException.InvalidRequest("missing_required_parameter", path + ".role",
            "Missing required parameter: '" + path + ".role'.");
      }
      if (!role.isTextual()) {
        throw new GatewayException.InvalidRequest("invalid_type", path + ".role",
            "Invalid type for '" + path + ".role': expected a string, got " + describe(role) + ".");
      }
    }
  }

  private static boolean streamFlag(ObjectNode request) {
    JsonNode stream = request.get("stream");
    if (stream == null || stream.isNull()) return false;
    if (!stream.isBoolean()) {
      throw new GatewayException.InvalidRequest("invalid_type", "stream",
          "Invalid type for 'stream': expected a boolean, got " + describe(stream) + ".");
    }
    return stream.asBoolean();
  }

  private static String describe(JsonNode n) {
    return switch (n.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case NULL -> "null";
      default -> n.getNodeType().name().toLowerCase();
    };
  }
}
