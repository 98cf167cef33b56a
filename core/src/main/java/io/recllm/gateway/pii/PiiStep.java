package io.recllm.gateway.pii;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallStep;
import io.recllm.gateway.call.Stage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Redacts personal data from the messages before they go upstream (a {@link Stage#TRANSFORMS} step)
 * and, in {@code restore} mode, puts the values back into the answer, streamed answers included.
 * A call with a value whose detector is in {@code block} mode is refused with 400 {@code pii_detected},
 * naming the kinds found; no value is ever put into an error, a log line or a meter.
 */
public final class PiiStep implements CallStep {

  /** Counted per kind and mode; the values themselves are never recorded. */
  static final String DETECTED = "rec_llm_gateway.pii.detected";

  private final Redactor redactor;
  private final MeterRegistry meters;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  /** A step for these settings; {@code meters} may be null. */
  public PiiStep(PiiSettings settings, MeterRegistry meters) {
    this.redactor = new Redactor(settings);
    this.meters = meters;
  }

  @Override
  public Stage stage() {
    return Stage.TRANSFORMS;
  }

  @Override
  public Future<ChatResult> complete(Call call, Next next) {
    Redaction r = redact(call);
    if (r == null || !r.restores()) return next.complete(call);
    return next.complete(call).map(result -> restore(result, r));
  }

  @Override
  public Future<ChatStream> stream(Call call, Next next) {
    Redaction r = redact(call);
    if (r == null || !r.restores()) return next.stream(call);
    return next.stream(call).map(s -> new RestoringStream(s, r));
  }

  /** Redacts the call's body; null when there was nothing to redact (the body is then untouched). */
  Redaction redact(Call call) {
    ObjectNode body = call.body();
    // one scan over the texts as they are; only a body with something to redact is copied
    ArrayDeque<List<Redactor.Found>> found = new ArrayDeque<>();
    boolean[] any = {false};
    MessageTexts.ofRequest(body, text -> {
      List<Redactor.Found> f = redactor.scan(text);
      any[0] |= !f.isEmpty();
      found.add(f);
      return text;
    });
    if (!any[0]) return null;
    Redaction r = new Redaction();
    ObjectNode copy = body.deepCopy();
    MessageTexts.ofRequest(copy, text -> {
      List<Redactor.Found> f = found.poll();
      return f == null || f.isEmpty() ? text : r.apply(text, f);
    });
    count(r);
    if (!r.blocked.isEmpty()) {
      throw new GatewayException.InvalidRequest("pii_detected", "messages",
          "The request contains personal data this gateway does not send to a model: " + String.join(", ", r.blocked)
              + ". Remove it and try again.");
    }
    call.body(copy);
    return r;
  }

  private static ChatResult restore(ChatResult result, Redaction r) {
    ObjectNode body = result.body().deepCopy();
    MessageTexts.ofAnswer(body, r::restore);
    return new ChatResult(body, result.usage(), result.upstreamRequestId()); // without raw: the body changed
  }

  private void count(Redaction r) {
    if (meters == null) return;
    r.counts.forEach((kind, n) -> {
      String mode = r.modes.get(kind).name().toLowerCase(Locale.ROOT);
      counters.computeIfAbsent(kind + "/" + mode, k -> Counter.builder(DETECTED)
          .description("Values of personal data found in requests, by kind and what was done with them")
          .tag("kind", kind).tag("mode", mode).register(meters)).increment(n);
    });
  }
}
