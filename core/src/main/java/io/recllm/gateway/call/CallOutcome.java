package io.recllm.gateway.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.core.ModelRef;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.pricing.Cost;
import io.recllm.gateway.pricing.NanoUsd;
import io.recllm.gateway.pricing.Pricing;
import io.recllm.gateway.provider.mock.MockProviderType;
import io.recllm.gateway.usage.UsageRecord;
import io.recllm.gateway.usage.UsageSink;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a finished {@link Call} into everything the gateway reports about it, in one place: its cost,
 * priced against the provider and model that answered ({@link Call#accountedTo()}); the
 * {@code x_rec_llm} object the client sees; and the one {@link UsageRecord} that goes to every sink
 * (the usage store, and telemetry: meters, span, access log, events; a {@link CallListener} sink gets
 * the call with it). The HTTP layer only writes bytes.
 */
public final class CallOutcome {

  private static final Logger LOG = LoggerFactory.getLogger(CallOutcome.class);
  private static final Cost FREE = new Cost(0, "mock");

  /** The route a call went through, set by the routing step; absent for a call naming a model directly. */
  public static final Call.Key<String> ROUTE = new Call.Key<>("route name");
  /** Members a step adds to the call's {@code x_rec_llm} object, e.g. the cache's {@code "cache": "hit"}. */
  public static final Call.Key<ObjectNode> EXTENSION = new Call.Key<>("x_rec_llm members");
  /** Redaction's counts per kind for the request log, as {@code email=2,phone=1}; set by the pii step. */
  public static final Call.Key<String> PII_COUNTS = new Call.Key<>("pii counts");
  /** Set by the cache step on a hit: what the answer cost when it was paid for, in nano-USD. */
  public static final Call.Key<Long> CACHE_SAVED = new Call.Key<>("cache saved nano-USD");

  private final GatewayConfig config;
  private final Pricing pricing;
  private final List<UsageSink> sinks;

  public CallOutcome(GatewayConfig config, Pricing pricing, List<UsageSink> sinks) {
    this.config = config;
    this.pricing = pricing;
    this.sinks = List.copyOf(sinks);
  }

  /**
   * What the call cost: the dated model the upstream reports when it has a price, else the model that
   * answered (or, for a call nobody answered, the last one tried).
   */
  public Cost cost(Call call, String responseModel, TokenUsage usage, String serviceTier) {
    ModelRef ref = call.accountedTo();
    ProviderConfig provider = config.providers().get(ref.provider());
    if (provider != null && MockProviderType.NAME.equals(provider.type()) && !config.pricing().containsKey(ref.model())) {
      return FREE; // offline calls are free, unless the config prices the model (demos, tests)
    }
    if (responseModel != null && !responseModel.equals(ref.model())) {
      Cost c = pricing.cost(ref.provider(), responseModel, usage, serviceTier);
      if (c.priced()) return c;
    }
    return pricing.cost(ref.provider(), ref.model(), usage, serviceTier);
  }

  /**
   * The {@code x_rec_llm} object for the client, or null with {@code include_extensions: false}.
   * Streams also say their time to first token ({@code -1} when nothing was produced).
   */
  public ObjectNode extension(Call call, Cost cost, long latencyMs, long ttftMs) {
    if (!config.includeExtensions()) return null;
    ObjectNode ext = Json.object();
    ModelRef ref = call.accountedTo();
    ext.put("provider", ref.provider());
    ext.put("model", ref.model());
    String route = call.get(ROUTE);
    if (route != null) ext.put("route", route);
    List<Attempt> attempts = call.attempts();
    // a call tried once at the model it named has nothing to add: its one try is the answer above
    if (attempts.size() > 1 || route != null) {
      ArrayNode list = ext.putArray("attempts");
      for (Attempt a : attempts) {
        ObjectNode o = list.addObject();
        o.put("provider", a.provider());
        o.put("model", a.model());
        o.put("status", a.status());
        o.put("latency_ms", a.latencyMs());
        if (a.errorType() == null) o.putNull("error_type"); else o.put("error_type", a.errorType());
      }
    }
    ext.put("latency_ms", latencyMs);
    // a JSON number in plain decimal: Jackson writes a double or a BigDecimal that small as 7.59E-5
    ext.putRawValue("cost_usd", new RawValue(NanoUsd.format(cost.nanoUsd())));
    if (call.stream()) ext.put("time_to_first_token_ms", ttftMs);
    ObjectNode members = call.get(EXTENSION);
    if (members != null) ext.setAll(members);
    return ext;
  }

  /** Milliseconds since the gateway received the call. */
  public static long elapsedMs(Call call) {
    return (System.nanoTime() - call.startNanos()) / 1_000_000;
  }

  /** Whether calls are recorded with their messages and answer ({@code usage.log_content}). */
  public boolean logContent() {
    return config.usage().logContent();
  }

  /** The call answered with status 200. */
  public void succeeded(Call call, String responseModel, TokenUsage usage, Cost cost, long latencyMs, long ttftMs,
                        String finishReason, CharSequence responseText) {
    publish(call, 200, responseModel, usage, cost, latencyMs, ttftMs, finishReason, null, responseText);
  }

  /**
   * The call failed. {@code billed} is what the upstream produced before failing (a stream cut off
   * mid-way), or null when nothing was produced; it is recorded with its cost.
   */
  public void failed(Call call, GatewayException e, String responseModel, TokenUsage billed, String serviceTier,
                     long ttftMs, String finishReason, CharSequence responseText) {
    TokenUsage usage = billed != null ? billed : TokenUsage.NONE;
    Cost cost = billed != null ? cost(call, responseModel, billed, serviceTier) : Cost.UNPRICED;
    publish(call, e.status(), responseModel, usage, cost, elapsedMs(call), ttftMs, finishReason, e, responseText);
  }

  /** The client left before the answer was over (status 499); what the upstream produced was billed. */
  public void clientGone(Call call, String responseModel, TokenUsage usage, String serviceTier, long ttftMs,
                         CharSequence responseText) {
    Cost cost = cost(call, responseModel, usage, serviceTier);
    publish(call, 499, responseModel, usage, cost, elapsedMs(call), ttftMs, "client_disconnected", null, responseText);
  }

  private void publish(Call call, int status, String responseModel, TokenUsage usage, Cost cost, long latencyMs,
                       long ttftMs, String finishReason, GatewayException e, CharSequence responseText) {
    ModelRef ref = call.accountedTo();
    long now = System.currentTimeMillis();
    List<Attempt> attempts = call.attempts();
    int n = attempts.size();
    // every try before the last is a row of its own (the last one is the call's own row), counted as an
    // error of the provider that failed it, never as the answering provider's
    for (int i = 0; i < n - 1; i++) publishAttempt(call, attempts.get(i), i + 1, now);
    UsageRecord record = new UsageRecord(call.requestId(), now, ref.provider(), ref.model(),
        responseModel, status, call.stream(), usage, cost.nanoUsd(), cost.priceVersion(), latencyMs, ttftMs,
        finishReason, e == null ? null : e.type(), e == null ? null : e.getMessage(), null, null, null, call.endpoint());
    if (n > 1) record = record.withAttempt(n);
    if (call.caller().keyId() != null) record = record.withClientKeyId(call.caller().keyId());
    String pii = call.get(PII_COUNTS);
    if (pii != null) record = record.withPiiCounts(pii);
    Long saved = call.get(CACHE_SAVED);
    if (saved != null) record = record.withCacheHit(saved);
    if (logContent()) {
      // the client's own messages, not a body a step rewrote on its way upstream
      JsonNode messages = call.clientBody().get("messages");
      record = record.withContent(messages == null ? null : messages.toString(),
          responseText == null ? null : responseText.toString());
    }
    publish(call, record);
  }

  /**
   * A try that failed before the call's last one, as a request-log row of its own: the call's request id,
   * its attempt number, the try's provider, model, status and error type. Telemetry, which sees the
   * call with its attempts, does not get it.
   */
  private void publishAttempt(Call call, Attempt a, int number, long now) {
    UsageRecord row = new UsageRecord(call.requestId(), now, a.provider(), a.model(), null, a.status(), call.stream(),
        TokenUsage.NONE, 0L, null, a.latencyMs(), -1, null, a.errorType() != null ? a.errorType() : "api_error",
        "attempt " + number + " failed with status " + a.status()).withEndpoint(call.endpoint()).withAttempt(number);
    for (UsageSink sink : sinks) {
      if (sink instanceof CallListener) continue;
      try {
        sink.record(row);
      } catch (RuntimeException ex) {
        LOG.warn("Usage sink {} failed; the call itself was not affected", sink.getClass().getName(), ex);
      }
    }
  }

  /** Hands a record with no call to every sink; a sink that fails is logged and never affects the call. */
  public void publish(UsageRecord record) {
    publish(null, record);
  }

  /**
   * Hands a call's record to every sink: a {@link CallListener} gets the call with it, so it reads
   * what it kept on the call instead of finding the call again.
   */
  private void publish(Call call, UsageRecord record) {
    for (UsageSink sink : sinks) {
      try {
        if (call != null && sink instanceof CallListener listener) {
          listener.finished(call, record);
        } else {
          sink.record(record);
        }
      } catch (RuntimeException ex) {
        LOG.warn("Usage sink {} failed; the call itself was not affected", sink.getClass().getName(), ex);
      }
    }
  }

  /** The assistant's text in a non-streaming answer (the first choice), or null. */
  public static String responseText(ObjectNode body) {
    JsonNode content = body.path("choices").path(0).path("message").path("content");
    return content.isTextual() ? content.asText() : null;
  }
}
