package io.recllm.gateway.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallOutcome;
import io.recllm.gateway.core.Endpoint;
import io.recllm.gateway.core.ModelRef;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.json.RawJsonObject;
import io.recllm.gateway.pricing.Cost;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ResponsesTranslation;
import io.recllm.gateway.provider.TokenCounter;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.recllm.gateway.resilience.RoutePlan;
import io.recllm.gateway.resilience.RoutingStep;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * {@code POST /v1/chat/completions}, and the OpenAI endpoints that work the same way ({@code POST
 * /v1/embeddings}, {@code POST /v1/completions}, {@code POST /v1/responses}, whose streams go through
 * {@link ResponsesRelay}): parse and validate once, route by
 * {@code provider:model}, call the provider through the chain, add cost and the {@code x_rec_llm}
 * extension, answer, and report the finished call with its endpoint.
 */
final class ChatCompletionsHandler implements Handler<RoutingContext> {

  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
  /** Which provider answered, for clients that read headers rather than {@code x_rec_llm}. */
  static final CharSequence PROVIDER_HEADER = HttpHeaders.createOptimized("x-rec-llm-provider");
  /** LiteLLM's request field: models to try in order after the requested one. */
  static final String FALLBACKS = "fallbacks";
  private static final int MAX_FALLBACKS = 10;

  private final GatewayServices services;
  private final Endpoint endpoint;

  ChatCompletionsHandler(GatewayServices services) {
    this(services, Endpoint.CHAT);
  }

  ChatCompletionsHandler(GatewayServices services, Endpoint endpoint) {
    this.services = services;
    this.endpoint = endpoint;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long startNanos = System.nanoTime();
    String requestId = RequestIds.of(ctx);
    ObjectNode request;
    ModelRef ref;
    boolean stream;
    List<ModelRef> fallbacks;
    try {
      request = parse(ctx.body().buffer());
      validate(endpoint, request);
      stream = endpoint != Endpoint.EMBEDDINGS && streamFlag(request);
      String model = request.get("model").asText();
      RoutePlan route = services.resilience().routes().get(model);
      // a route's name is no provider's model: its first target stands for it until routing picks one
      ref = route != null ? route.targets().get(0) : services.modelParser().parse(model);
      fallbacks = fallbacks(request);
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
        .endpoint(endpoint.id())
        .build();
    if (fallbacks != null) {
      call.put(RoutingStep.FALLBACKS, fallbacks);
      call.body(without(request, FALLBACKS)); // the gateway's field, not the provider's
    }
    Drain.InFlight inFlight = Drain.callOf(ctx);
    if (stream && endpoint == Endpoint.RESPONSES) {
      ResponsesRelay relay = new ResponsesRelay(services, ctx, call, inFlight);
      if (!inFlight.claim(relay::shutDown)) return;
      services.telemetry().start(call);
      relay.start();
      return;
    }
    if (stream) {
      StreamRelay relay = new StreamRelay(services, ctx, call, inFlight);
      if (!inFlight.claim(relay::shutDown)) return; // ended while its body was uploading
      services.telemetry().start(call);
      relay.start();
      return;
    }
    completeOnce(services, ctx, call, inFlight, ErrorResponses::send, this::respond);
  }

  /**
   * A non-streaming call through the chain, answered exactly once: by {@code respond}, by a failure
   * ({@code sendError} writes it in the route's error shape), or by the end of a stop's grace period.
   */
  static void completeOnce(GatewayServices services, RoutingContext ctx, Call call, Drain.InFlight inFlight,
                           BiConsumer<HttpServerResponse, GatewayException> sendError,
                           Responder respond) {
    CallOutcome outcome = services.outcome();
    ModelRef ref = call.requested();
    AtomicBoolean finished = new AtomicBoolean();
    boolean claimed = inFlight.claim(() -> {
      if (!finished.compareAndSet(false, true)) return;
      GatewayException e = Drain.shuttingDown(true).at(ref.provider(), ref.model());
      sendError.accept(ctx.response(), e);
      outcome.failed(call, e, null, null, null, -1, null, null);
      inFlight.done();
    });
    if (!claimed) return;
    services.telemetry().start(call);
    services.chain(call).complete(call).onComplete(ar -> {
      if (!finished.compareAndSet(false, true)) return; // already answered and recorded as cut short
      try {
        if (ar.succeeded()) {
          respond.respond(ctx.response(), call, ar.result());
        } else {
          ModelRef tried = call.accountedTo();
          GatewayException e = ErrorResponses.wrap(ar.cause()).at(tried.provider(), tried.model());
          sendError.accept(ctx.response(), e);
          outcome.failed(call, e, null, null, null, -1, null, null);
        }
      } finally {
        inFlight.done();
      }
    });
  }

  interface Responder {
    void respond(HttpServerResponse response, Call call, ChatResult result);
  }

  private void respond(HttpServerResponse response, Call call, ChatResult result) {
    CallOutcome outcome = services.outcome();
    TokenUsage usage = result.usage();
    if (sentNoUsage(result)) {
      // recorded as estimated; the client's body stays as the upstream sent it, without a usage object
      usage = switch (endpoint) {
        case EMBEDDINGS -> TokenCounter.estimateEmbeddings(call.body().get("input"));
        case COMPLETIONS -> TokenCounter.estimateCompletion(call.body().get("prompt"), result.body().get("choices"));
        default -> TokenCounter.estimate(call.body().get("messages"), result.body().get("choices"));
      };
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
      response.putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
          .putHeader(PROVIDER_HEADER, call.accountedTo().provider())
          .end(out);
    }
    String finish = endpoint == Endpoint.RESPONSES ? ResponsesTranslation.finishOf(body) : result.finishReason();
    GatewayException failed = endpoint == Endpoint.RESPONSES
        ? ResponsesTranslation.failureOf(body, call.accountedTo().provider()) : null;
    if (failed != null) {
      // the body goes to the client as the upstream sent it; the call is recorded as the failure it reports
      ModelRef tried = call.accountedTo();
      outcome.failed(call, failed.at(tried.provider(), tried.model()), responseModel, usage,
          body.path("service_tier").asText(null), -1, finish, outcome.logContent() ? responseText(body) : null);
      return;
    }
    outcome.succeeded(call, responseModel, usage, cost, latencyMs, -1, finish,
        outcome.logContent() ? responseText(body) : null);
  }

  private String responseText(ObjectNode body) {
    return switch (endpoint) {
      case CHAT -> CallOutcome.responseText(body);
      case COMPLETIONS -> body.path("choices").path(0).path("text").asText(null);
      case RESPONSES -> outputText(body);
      default -> null; // vectors are not content worth keeping
    };
  }

  /** The text of a response's message items. */
  private static String outputText(ObjectNode response) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode item : response.path("output")) {
      for (JsonNode part : item.path("content")) {
        if ("output_text".equals(part.path("type").asText())) sb.append(part.path("text").asText());
      }
    }
    return sb.toString();
  }

  /**
   * The request's {@code fallbacks} as provider and model (a route's name stands for its first target),
   * or null when it has none; an empty list is none.
   */
  private List<ModelRef> fallbacks(ObjectNode request) {
    JsonNode f = request.get(FALLBACKS);
    if (f == null || f.isNull()) return null;
    if (!f.isArray()) {
      throw new GatewayException.InvalidRequest("invalid_type", FALLBACKS,
          "Invalid type for 'fallbacks': expected an array of model names, got " + describe(f) + ".");
    }
    if (f.size() > MAX_FALLBACKS) {
      throw new GatewayException.InvalidRequest("array_above_max_length", FALLBACKS,
          "Invalid 'fallbacks': array too long. Expected an array with maximum length " + MAX_FALLBACKS
              + ", but got an array with length " + f.size() + " instead.");
    }
    List<ModelRef> out = new ArrayList<>(f.size());
    for (int i = 0; i < f.size(); i++) {
      JsonNode m = f.get(i);
      if (!m.isTextual() || m.asText().isBlank()) {
        throw new GatewayException.InvalidRequest("invalid_type", FALLBACKS + "[" + i + "]",
            "Invalid type for 'fallbacks[" + i + "]': expected a model name, got " + describe(m) + ".");
      }
      RoutePlan route = services.resilience().routes().get(m.asText());
      out.add(route != null ? route.targets().get(0) : services.modelParser().parse(m.asText()));
    }
    return out.isEmpty() ? null : out;
  }

  /** A copy of {@code body} without {@code field}; the client's own body stays as it was. */
  private static ObjectNode without(ObjectNode body, String field) {
    ObjectNode copy = Json.object();
    body.fields().forEachRemaining(e -> {
      if (!e.getKey().equals(field)) copy.set(e.getKey(), e.getValue());
    });
    return copy;
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
  static void validate(Endpoint endpoint, ObjectNode request) {
    switch (endpoint) {
      case CHAT -> validate(request);
      case EMBEDDINGS -> required(request, "input");
      case COMPLETIONS -> required(request, "prompt");
      default -> validateModel(request);
    }
  }

  private static void required(ObjectNode request, String field) {
    validateModel(request);
    JsonNode v = request.get(field);
    if (v == null || v.isNull()) {
      throw new GatewayException.InvalidRequest("missing_required_parameter", field,
          "Missing required parameter: '" + field + "'.");
    }
  }

  static void validateModel(ObjectNode request) {
    JsonNode model = request.get("model");
    if (model == null || model.isNull()) {
      throw new GatewayException.InvalidRequest("missing_required_parameter", "model", "Missing required parameter: 'model'.");
    }
    if (!model.isTextual() || model.asText().isBlank()) {
      throw new GatewayException.InvalidRequest("invalid_type", "model",
          "Invalid 'model': expected a non-empty string, got " + describe(model) + ".");
    }
  }

  static void validate(ObjectNode request) {
    validateModel(request);
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
