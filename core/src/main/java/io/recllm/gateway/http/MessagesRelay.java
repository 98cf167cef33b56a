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
import io.recllm.gateway.provider.MessagesTranslation;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * One streamed {@code /v1/messages} call to the client as Anthropic's SSE: {@code event: <type>} and
 * {@code data: <json>} per event, each event's data exactly as the provider sent it (an anthropic
 * provider) or as the translation built it. Usage comes from {@code message_start} and
 * {@code message_delta}, as Anthropic reports it; {@code message_stop} gets the gateway's {@code x_rec_llm}
 * member, the stream's one addition. Failures before the first byte are an Anthropic error
 * body; after it, an {@code event: error}.
 */
final class MessagesRelay {

  private final CallOutcome outcome;
  private final GatewayServices services;
  private final HttpServerResponse response;
  private final Call call;
  private final Drain.InFlight inFlight;
  private ChatStream stream;
  private boolean headersSent;
  private boolean finished;
  private long ttftNanos = -1;
  private final ObjectNode usage = Json.object(); // Anthropic's usage fields as last reported
  private String responseModel;
  private String stopReason;
  private Cost stopCost; // what message_stop's x_rec_llm said, recorded alike
  private long stopLatencyMs;
  private final StringBuilder responseText;

  MessagesRelay(GatewayServices services, RoutingContext ctx, Call call, Drain.InFlight inFlight) {
    this.services = services;
    this.outcome = services.outcome();
    this.response = ctx.response();
    this.call = call;
    this.inFlight = inFlight;
    this.responseText = outcome.logContent() ? new StringBuilder() : null;
  }

  void start() {
    response.closeHandler(v -> onClientGone());
    services.chain().stream(call).onComplete(ar -> {
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
    switch (type) {
      case "message_start" -> {
        JsonNode message = json.path("message");
        responseModel = message.path("model").asText(null);
        if (message.path("usage").isObject()) usage.setAll((ObjectNode) message.get("usage"));
      }
      case "message_delta" -> {
        if (json.path("usage").isObject()) usage.setAll((ObjectNode) json.get("usage"));
        stopReason = json.path("delta").path("stop_reason").asText(stopReason);
      }
      case "content_block_delta" -> {
        if (ttftNanos < 0) ttftNanos = System.nanoTime() - call.startNanos();
        if (responseText != null) responseText.append(json.path("delta").path("text").asText(""));
      }
      default -> { }
    }
    String data = event.raw() != null ? event.raw() : json.toString();
    if (type.equals("message_stop")) data = withExtension(data, json);
    write(Buffer.buffer("event: " + type + "\ndata: " + data + "\n\n"));
  }

  /**
   * The one addition to a Messages stream: {@code message_stop}, the last event, carries the call's
   * {@code x_rec_llm} (cost, latency, time to first token) as an extra member, as the usage chunk does on
   * chat streams. The call is complete there, so cost and latency are final; SDKs keep unknown members of
   * an event. The call is recorded with the same figures at the stream's end.
   */
  private String withExtension(String data, ObjectNode json) {
    TokenUsage u = usage();
    stopCost = outcome.cost(call, responseModel, u, null);
    stopLatencyMs = CallOutcome.elapsedMs(call);
    ObjectNode ext = outcome.extension(call, stopCost, stopLatencyMs, ttftMs());
    if (ext == null) return data;
    String spliced = ResponseBodies.withMember(data, "x_rec_llm", ext);
    if (spliced != null) return spliced;
    ObjectNode copy = json.deepCopy(); // an upstream gateway's own x_rec_llm: ours replaces it
    copy.set("x_rec_llm", ext);
    return copy.toString();
  }

  private void write(Buffer b) {
    if (!headersSent) {
      headersSent = true;
      response.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8")
          .putHeader("cache-control", "no-cache").putHeader("x-accel-buffering", "no");
    }
    response.write(b);
    if (response.writeQueueFull() && stream != null) {
      stream.pause(); // a slow client slows the upstream down instead of filling memory
      response.drainHandler(v -> {
        if (!finished) stream.resume();
      });
    }
  }

  private TokenUsage usage() {
    return MessagesTranslation.usageOf(usage);
  }

  private void onEnd() {
    if (finished) return;
    finished = true;
    TokenUsage u = usage();
    Cost cost = stopCost != null ? stopCost : outcome.cost(call, responseModel, u, null);
    long latencyMs = stopCost != null ? stopLatencyMs : CallOutcome.elapsedMs(call);
    if (!headersSent) write(Buffer.buffer());
    response.end();
    outcome.succeeded(call, responseModel, u, cost, latencyMs, ttftMs(), stopReason, responseText);
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
    if (!headersSent) MessagesErrors.send(response, e);
    else if (!response.closed()) response.end(MessagesErrors.sseEvent(e));
    boolean produced = usage.size() > 0 || ttftNanos >= 0;
    outcome.failed(call, e, produced ? responseModel : null, produced ? usage() : null, null, ttftMs(), stopReason,
        responseText);
    inFlight.done();
  }

  private void onClientGone() {
    if (finished) return;
    finished = true;
    if (stream != null) stream.cancel();
    outcome.clientGone(call, responseModel, usage(), null, ttftMs(), responseText);
    inFlight.done();
  }

  private long ttftMs() {
    return ttftNanos < 0 ? -1 : ttftNanos / 1_000_000;
  }

}
