package io.recllm.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallOutcome;
import io.recllm.gateway.core.ModelRef;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.pricing.Cost;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.ResponsesTranslation;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * One streamed {@code /v1/responses} call to the client as the Responses API's SSE: {@code event: <type>}
 * and {@code data: <json>} per event, each event's data exactly as the provider sent it (an openai or
 * azure provider) or as the translation built it. The one addition is {@code x_rec_llm} as the last
 * member of the final event ({@code response.completed}, {@code .incomplete} or {@code .failed}), whose
 * {@code response.usage} is what the call is recorded and priced with; a {@code response.failed} is
 * recorded as a failed call (500, the upstream's error code), as an error that cuts a chat stream is. Failures before the first byte are
 * an OpenAI error body; after it, an {@code event: error} as the Responses API sends one.
 */
final class ResponsesRelay {

  private final CallOutcome outcome;
  private final GatewayServices services;
  private final HttpServerResponse response;
  private final Call call;
  private final Drain.InFlight inFlight;
  private ChatStream stream;
  private boolean headersSent;
  private boolean finished;
  private long ttftNanos = -1;
  private TokenUsage usage;
  private Cost cost;
  private long latencyMs = -1;
  private String responseModel;
  private String serviceTier;
  private String finish;
  /** Set by a {@code response.failed} event: relayed as it came, but the call is recorded as failed. */
  private GatewayException failure;
  private long nextSequence;
  private final StringBuilder responseText;

  ResponsesRelay(GatewayServices services, RoutingContext ctx, Call call, Drain.InFlight inFlight) {
    this.services = services;
    this.outcome = services.outcome();
    this.response = ctx.response();
    this.call = call;
    this.inFlight = inFlight;
    this.responseText = outcome.logContent() ? new StringBuilder() : null;
  }

  void start() {
    response.closeHandler(v -> onClientGone());
    services.chain(call).stream(call).onComplete(ar -> {
      if (ar.failed()) {
        fail(ErrorResponses.wrap(ar.cause()));
        return;
      }
      stream = ar.result();
      if (finished) {
        stream.cancel();
        return;
      }
      stream.handler(this::onEvent).endHandler(v -> onEnd()).exceptionHandler(this::fail);
      stream.resume();
    });
  }

  private void onEvent(ChatChunk event) {
    if (finished) return;
    ObjectNode json = event.json();
    String type = json.path("type").asText("");
    JsonNode seq = json.get("sequence_number");
    if (seq != null && seq.canConvertToLong()) nextSequence = seq.asLong() + 1;
    String data = event.raw() != null ? event.raw() : json.toString();
    switch (type) {
      case "response.created" -> responseModel = json.path("response").path("model").asText(null);
      case "response.output_text.delta" -> {
        firstToken();
        if (responseText != null) responseText.append(json.path("delta").asText(""));
      }
      case "response.function_call_arguments.delta", "response.refusal.delta", "response.reasoning_summary_text.delta" ->
          firstToken();
      case "response.completed", "response.incomplete", "response.failed" -> data = last(json, data);
      default -> { }
    }
    write(Buffer.buffer("event: " + type + "\ndata: " + data + "\n\n"));
  }

  /** The final event: the call's usage, model and cost, and x_rec_llm spliced into its data. */
  private String last(ObjectNode json, String data) {
    JsonNode r = json.path("response");
    responseModel = r.path("model").asText(responseModel);
    serviceTier = r.path("service_tier").asText(null);
    finish = ResponsesTranslation.finishOf(r);
    failure = ResponsesTranslation.failureOf(r, call.accountedTo().provider());
    usage = ResponsesTranslation.usageOf(r.get("usage"));
    cost = outcome.cost(call, responseModel, usage, serviceTier);
    latencyMs = CallOutcome.elapsedMs(call);
    ObjectNode ext = outcome.extension(call, cost, latencyMs, ttftMs());
    if (ext == null) return data;
    String spliced = ResponseBodies.withMember(data, "x_rec_llm", ext);
    if (spliced != null) return spliced;
    ObjectNode copy = json.deepCopy();
    copy.set("x_rec_llm", ext);
    return copy.toString();
  }

  private void firstToken() {
    if (ttftNanos < 0) ttftNanos = System.nanoTime() - call.startNanos();
  }

  private void write(Buffer b) {
    if (!headersSent) {
      headersSent = true;
      response.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8")
          .putHeader("cache-control", "no-cache").putHeader("x-accel-buffering", "no")
          .putHeader(ChatCompletionsHandler.PROVIDER_HEADER, call.accountedTo().provider());
    }
    response.write(b);
    if (response.writeQueueFull() && stream != null) {
      stream.pause(); // a slow client slows the upstream down instead of filling memory
      response.drainHandler(v -> {
        if (!finished) stream.resume();
      });
    }
  }

  private void onEnd() {
    if (finished) return;
    finished = true;
    TokenUsage u = usage == null ? TokenUsage.NONE : usage;
    Cost c = cost != null ? cost : outcome.cost(call, responseModel, u, serviceTier);
    if (!headersSent) write(Buffer.buffer());
    response.end();
    if (failure != null) {
      ModelRef tried = call.accountedTo();
      failure.at(tried.provider(), tried.model());
      outcome.failed(call, failure, responseModel, u, serviceTier, ttftMs(), finish, responseText);
    } else {
      outcome.succeeded(call, responseModel, u, c, latencyMs >= 0 ? latencyMs : CallOutcome.elapsedMs(call), ttftMs(),
          finish, responseText);
    }
    inFlight.done();
  }

  void shutDown() {
    fail(Drain.shuttingDown(true));
  }

  private void fail(GatewayException e) {
    if (finished) return;
    finished = true;
    if (stream != null) stream.cancel();
    ModelRef tried = call.accountedTo();
    e.at(tried.provider(), tried.model());
    if (!headersSent) ErrorResponses.send(response, e);
    else if (!response.closed()) response.end(errorEvent(e, nextSequence));
    boolean produced = usage != null || ttftNanos >= 0;
    outcome.failed(call, e, produced ? responseModel : null, produced ? (usage != null ? usage : TokenUsage.NONE) : null,
        serviceTier, ttftMs(), finish, responseText);
    inFlight.done();
  }

  /** The Responses API's in-stream error: {@code {"type":"error","code","message","param","sequence_number"}}. */
  static Buffer errorEvent(GatewayException e, long sequence) {
    ObjectNode error = Json.object().put("type", "error");
    if (e.code() == null) error.putNull("code"); else error.put("code", e.code());
    error.put("message", e.getMessage());
    if (e.param() == null) error.putNull("param"); else error.put("param", e.param());
    error.put("sequence_number", sequence);
    return Buffer.buffer("event: error\ndata: " + error + "\n\n");
  }

  private void onClientGone() {
    if (finished) return;
    finished = true;
    if (stream != null) stream.cancel();
    outcome.clientGone(call, responseModel, usage != null ? usage : TokenUsage.NONE, serviceTier, ttftMs(), responseText);
    inFlight.done();
  }

  private long ttftMs() {
    return ttftNanos < 0 ? -1 : ttftNanos / 1_000_000;
  }
}
