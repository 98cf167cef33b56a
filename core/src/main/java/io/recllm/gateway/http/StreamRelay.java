package io.recllm.gateway.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallOutcome;
import io.recllm.gateway.core.Endpoint;
import io.recllm.gateway.core.ModelRef;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.pricing.Cost;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.TokenCounter;
import io.recllm.gateway.provider.TokenEstimate;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;

/**
 * One streaming call from upstream chunks to the client's SSE response. Headers go out with the first
 * chunk, so a failure before it is still a normal JSON error with the right status; after it, a
 * failure is an SSE error event and the end of the stream. Failures include an upstream that closes
 * before its stream was complete (the adapter decides what complete means) and {@code total_ms}
 * running out; neither gets a {@code [DONE]}. Usage always comes from the upstream's
 * usage chunk (the adapters always ask for one) or, failing that, a tokenizer estimate; the client
 * sees the usage chunk only if it asked for it.
 */
final class StreamRelay {

  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END_OF_EVENT = "\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

  private final GatewayServices services;
  private final CallOutcome outcome;
  private final HttpServerResponse response;
  private final Call call;
  private final long startNanos;
  private final boolean clientWantsUsage;
  private final Drain.InFlight inFlight;

  private final Context context;
  private ChatStream stream;
  private Buffer pending; // events of the current event-loop turn, not yet written
  private boolean headersSent;
  private boolean finished;
  private long ttftNanos = -1;
  private TokenUsage usage;
  private ChatChunk usageChunk;
  private String finishReason;
  private String responseModel;
  private String serviceTier;
  private TokenEstimate completionText = new TokenEstimate(); // null once the upstream reported usage
  private final StringBuilder responseText; // only with usage.log_content

  StreamRelay(GatewayServices services, RoutingContext ctx, Call call, Drain.InFlight inFlight) {
    this.services = services;
    this.outcome = services.outcome();
    this.call = call;
    this.inFlight = inFlight;
    this.response = ctx.response();
    this.context = ctx.vertx().getOrCreateContext();
    this.startNanos = call.startNanos();
    this.clientWantsUsage = call.clientBody().path("stream_options").path("include_usage").asBoolean(false);
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
      if (finished) { // the client left while we waited for the upstream
        stream.cancel();
        return;
      }
      stream.handler(this::onChunk).endHandler(v -> onEnd()).exceptionHandler(this::fail);
      stream.resume();
    });
  }

  private void onChunk(ChatChunk chunk) {
    if (finished) return;
    if (responseModel == null) responseModel = chunk.model();
    if (serviceTier == null) serviceTier = chunk.serviceTier();
    if (chunk.hasUsage()) {
      usage = chunk.usage();
      completionText = null; // the upstream counted; no estimate needed
      if (!chunk.hasChoices()) {
        usageChunk = chunk; // held back: x_rec_llm needs the final latency, and the client may not want it
        return;
      }
    }
    if (chunk.hasChoices()) track(chunk);
    write(chunk.text());
  }

  private void track(ChatChunk chunk) {
    if (chunk.finishReason() != null) finishReason = chunk.finishReason();
    if (ttftNanos < 0 && chunk.producesOutput()) ttftNanos = System.nanoTime() - startNanos;
    String content = chunk.content();
    if (content != null) {
      if (responseText != null) responseText.append(content);
      if (completionText != null) completionText.append(content);
    }
    String other = chunk.otherText();
    if (other != null && completionText != null) completionText.append(other);
  }

  /**
   * Queues an event for the client. Events translated in the same event-loop turn (those that arrived
   * in one network read) leave in one write at the end of that turn: no event waits for a later one,
   * but a burst costs one system call instead of one per event.
   */
  private void write(String data) {
    if (!headersSent) sendHeaders();
    byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
    if (pending == null) {
      pending = Buffer.buffer(Math.max(512, bytes.length + 8));
      context.runOnContext(v -> flush());
    }
    pending.appendBytes(DATA).appendBytes(bytes).appendBytes(END_OF_EVENT);
  }

  private void flush() {
    Buffer out = takePending();
    if (out == null || finished) return; // the end of the stream took it
    response.write(out);
    if (response.writeQueueFull() && stream != null) {
      stream.pause(); // the client reads slower than the upstream writes: slow the upstream down
      response.drainHandler(v -> {
        if (!finished) stream.resume();
      });
    }
  }

  private Buffer takePending() {
    Buffer out = pending;
    pending = null;
    return out;
  }

  /** Whatever is still queued, followed by {@code last}. */
  private Buffer withPending(Buffer last) {
    Buffer queued = takePending();
    return queued == null ? last : queued.appendBuffer(last);
  }

  private void sendHeaders() {
    headersSent = true;
    response.setChunked(true)
        .putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("cache-control", "no-cache")
        .putHeader("x-accel-buffering", "no") // tell nginx-style proxies in front of us not to buffer
        .putHeader(ChatCompletionsHandler.PROVIDER_HEADER, call.accountedTo().provider());
  }

  private void onEnd() {
    if (finished) return;
    TokenUsage finalUsage = usage != null ? usage : estimate();
    long latencyMs = elapsedMs();
    Cost cost = outcome.cost(call, responseModel, finalUsage, serviceTier);
    if (clientWantsUsage) {
      write(usageChunkText(outcome.extension(call, cost, latencyMs, ttftMs()), finalUsage));
    }
    if (!headersSent) sendHeaders();
    finished = true;
    response.end(withPending(DONE));
    outcome.succeeded(call, responseModel, finalUsage, cost, latencyMs, ttftMs(), finishReason, responseText);
    inFlight.done();
  }

  /** A stop's grace period ran out: the client gets the error event (or a 503 before the first byte). */
  void shutDown() {
    fail(Drain.shuttingDown(true));
  }

  private void fail(GatewayException e) {
    if (finished) return;
    finished = true;
    if (stream != null) stream.cancel();
    ModelRef tried = call.accountedTo();
    e.at(tried.provider(), tried.model());
    if (!headersSent) {
      ErrorResponses.send(response, e);
    } else if (!response.closed()) {
      response.end(withPending(ErrorResponses.sseEvent(e)));
    }
    if (usage != null || ttftNanos >= 0) {
      // output produced before the failure (a reset, a cut-off, a timeout) was billed: record it, with
      // the upstream's own counts if it sent them, else estimated
      TokenUsage partial = usage != null ? usage : estimate();
      outcome.failed(call, e, responseModel, partial, serviceTier, ttftMs(), finishReason, responseText);
    } else {
      outcome.failed(call, e, null, null, null, ttftMs(), null, null);
    }
    inFlight.done();
  }

  private void onClientGone() {
    if (finished) return;
    finished = true;
    if (stream != null) stream.cancel();
    TokenUsage finalUsage = usage != null ? usage : estimate();
    outcome.clientGone(call, responseModel, finalUsage, serviceTier, ttftMs(), responseText);
    inFlight.done();
  }

  private TokenUsage estimate() {
    long prompt = call.body().has("messages") ? TokenCounter.countPrompt(call.body().get("messages"))
        : TokenCounter.count(call.body().path("prompt").asText("")); // a legacy completion's prompt
    long completion = completionText == null ? 0 : completionText.tokens();
    return new TokenUsage(prompt, completion, prompt + completion, 0, 0, 0, true);
  }

  /**
   * The usage chunk the client gets, with {@code x_rec_llm} when {@code ext} is set. The upstream's own
   * text is kept and the member spliced into it, rather than building and serialising its tree again.
   */
  private String usageChunkText(ObjectNode ext, TokenUsage finalUsage) {
    if (usageChunk != null && usageChunk.raw() != null) {
      if (ext == null) return usageChunk.raw();
      String spliced = ResponseBodies.withMember(usageChunk.raw(), "x_rec_llm", ext);
      if (spliced != null) return spliced;
    }
    ObjectNode chunk = usageChunk != null ? usageChunk.json() : syntheticUsageChunk(finalUsage);
    if (ext != null) chunk.set("x_rec_llm", ext);
    return chunk.toString();
  }

  private ObjectNode syntheticUsageChunk(TokenUsage u) {
    ObjectNode chunk = io.recllm.gateway.json.Json.object();
    chunk.put("id", call.requestId());
    chunk.put("object", Endpoint.COMPLETIONS.id().equals(call.endpoint()) ? "text_completion" : "chat.completion.chunk");
    chunk.put("created", System.currentTimeMillis() / 1000);
    chunk.put("model", responseModel != null ? responseModel : call.accountedTo().model());
    chunk.putArray("choices");
    ObjectNode usageNode = chunk.putObject("usage");
    usageNode.put("prompt_tokens", u.promptTokens());
    usageNode.put("completion_tokens", u.completionTokens());
    usageNode.put("total_tokens", u.totalTokens());
    return chunk;
  }

  private long elapsedMs() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private long ttftMs() {
    return ttftNanos < 0 ? -1 : ttftNanos / 1_000_000;
  }
}
