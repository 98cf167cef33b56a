package io.recllm.gateway.pii;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallOutcome;
import io.recllm.gateway.call.CallStep;
import io.recllm.gateway.call.Caller;
import io.recllm.gateway.call.Stage;
import io.recllm.gateway.core.Endpoint;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * Redacts personal data from the messages before they go upstream (a {@link Stage#TRANSFORMS} step)
 * and, in {@code restore} mode, puts the values back into the answer, streamed answers included.
 * A call with a value whose detector is in {@code block} mode is refused with 400 {@code pii_detected},
 * naming the kinds found; no value is ever put into an error, a log line or a meter. A Responses API
 * call's instructions and input are redacted the same way, and its answer, streamed or not, restored.
 */
public final class PiiStep implements CallStep {

  /** Counted per kind and mode; the values themselves are never recorded. */
  static final String DETECTED = "rec_llm_gateway.pii.detected";

  private final PiiSettings settings;
  /** The redactor of a call no route or key setting applies to; null when no detector runs for it. */
  private final Redactor redactor;
  /** By "route\0key" (each empty when it has no settings of its own), made on first use; EMPTY when none runs. */
  private final Map<String, Redactor> overridden = new ConcurrentHashMap<>();
  private final MeterRegistry meters;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  /** Marks "no detector runs" in {@link #overridden}, which holds no nulls. */
  private static final Redactor NONE = new Redactor(PiiSettings.OFF);

  /** A step for these settings; {@code meters} may be null. */
  public PiiStep(PiiSettings settings, MeterRegistry meters) {
    this.settings = settings;
    this.redactor = settings.runs() ? new Redactor(settings) : null;
    this.meters = meters;
  }

  /**
   * The redactor for this call: the route's settings ({@code pii.routes}, by the model name the client
   * asked for) then the key's ({@code pii.keys}, by the virtual key's name, else its id) over the
   * section's; null when no detector runs for the call.
   */
  private Redactor redactorFor(Call call) {
    if (settings.routes().isEmpty() && settings.keys().isEmpty()) return redactor;
    String route = settings.routes().isEmpty() ? null : call.body().path("model").asText(null);
    PiiSettings.Overlay byRoute = route == null ? null : settings.routes().get(route);
    String keyName = null;
    PiiSettings.Overlay byKey = null;
    if (!settings.keys().isEmpty()) {
      Caller caller = call.caller();
      if (caller.name() != null && settings.keys().containsKey(caller.name())) keyName = caller.name();
      else if (caller.keyId() != null && settings.keys().containsKey(caller.keyId())) keyName = caller.keyId();
      if (keyName != null) byKey = settings.keys().get(keyName);
    }
    if (byRoute == null && byKey == null) return redactor;
    String slot = (byRoute == null ? "" : route) + '\u0000' + (byKey == null ? "" : keyName);
    PiiSettings.Overlay r = byRoute;
    PiiSettings.Overlay k = byKey;
    Redactor found = overridden.computeIfAbsent(slot, s -> {
      PiiSettings effective = settings;
      if (r != null) effective = effective.with(r);
      if (k != null) effective = effective.with(k);
      return effective.runs() ? new Redactor(effective) : NONE;
    });
    return found == NONE ? null : found;
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
    if (Endpoint.RESPONSES.id().equals(call.endpoint())) return next.stream(call).map(s -> new RestoringResponsesStream(s, r));
    return next.stream(call).map(s -> new RestoringStream(s, r));
  }

  /** Redacts the call's body; null when there was nothing to redact (the body is then untouched). */
  Redaction redact(Call call) {
    Redactor redactor = redactorFor(call);
    if (redactor == null) return null;
    ObjectNode body = call.body();
    // one scan over the texts as they are; only a body with something to redact is copied
    ArrayDeque<List<Redactor.Found>> found = new ArrayDeque<>();
    boolean[] any = {false};
    boolean responses = Endpoint.RESPONSES.id().equals(call.endpoint());
    BiConsumer<ObjectNode, UnaryOperator<String>> texts = responses ? MessageTexts::ofResponsesRequest : MessageTexts::ofRequest;
    texts.accept(body, text -> {
      List<Redactor.Found> f = redactor.scan(text);
      any[0] |= !f.isEmpty();
      found.add(f);
      return text;
    });
    if (!any[0]) return null;
    Redaction r = new Redaction();
    ObjectNode copy = body.deepCopy();
    texts.accept(copy, text -> {
      List<Redactor.Found> f = found.poll();
      return f == null || f.isEmpty() ? text : r.apply(text, f);
    });
    count(r);
    call.put(CallOutcome.PII_COUNTS, counts(r));
    if (!r.blocked.isEmpty()) {
      throw new GatewayException.InvalidRequest("pii_detected", responses ? "input" : "messages",
          "The request contains personal data this gateway does not send to a model: " + String.join(", ", r.blocked)
              + ". Remove it and try again.");
    }
    call.body(copy);
    return r;
  }

  private static ChatResult restore(ChatResult result, Redaction r) {
    ObjectNode body = result.body().deepCopy();
    if ("response".equals(body.path("object").asText())) MessageTexts.ofResponse(body, r::restore);
    else MessageTexts.ofAnswer(body, r::restore);
    return new ChatResult(body, result.usage(), result.upstreamRequestId()); // without raw: the body changed
  }

  /** The request log's form of the counts: {@code email=2,phone=1}, kinds in order, never a value. */
  static String counts(Redaction r) {
    StringBuilder b = new StringBuilder();
    r.counts.forEach((kind, n) -> (b.isEmpty() ? b : b.append(',')).append(kind).append('=').append(n));
    return b.toString();
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
