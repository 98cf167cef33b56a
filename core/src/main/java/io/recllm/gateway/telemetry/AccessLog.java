package io.recllm.gateway.telemetry;

import com.fasterxml.jackson.core.JsonGenerator;
import io.recllm.gateway.config.TelemetrySettings;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.pricing.NanoUsd;
import io.recllm.gateway.usage.UsageRecord;
import java.io.IOException;
import java.io.StringWriter;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per finished call on logger {@code io.recllm.gateway.access}: ids, route, status, timings,
 * tokens and cost. Never keys, never message content, and not the error message either, since
 * upstream messages may quote the request; {@code error_type} says what kind of failure it was.
 *
 * <p>The event loop only queues the finished call; a thread of its own formats and logs the lines
 * every {@value #FLUSH_MS} ms. Logging from the event loop, even through an asynchronous appender,
 * cost a lock and a thread wake-up per call: about a sixth of the gateway's CPU. When the log output
 * cannot keep up, lines beyond {@value #MAX_QUEUED} waiting are dropped and counted, never waited for.
 */
final class AccessLog implements AutoCloseable {

  static final String LOGGER = "io.recllm.gateway.access";
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
  static final long FLUSH_MS = 20;
  static final int MAX_QUEUED = 65_536;

  private record Line(UsageRecord record, long durationNanos, long upstreamNanos, String traceId) {}

  private final TelemetrySettings.AccessLog format;
  private final ConcurrentLinkedQueue<Line> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();
  private volatile Thread writer;
  private volatile boolean closing;

  AccessLog(TelemetrySettings.AccessLog format) {
    this.format = format;
  }

  void log(UsageRecord r, long durationNanos, long upstreamNanos, String traceId) {
    if (format == TelemetrySettings.AccessLog.OFF || closing || !LOG.isInfoEnabled()) return;
    if (queued.incrementAndGet() > MAX_QUEUED) {
      queued.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    queue.offer(new Line(r, durationNanos, upstreamNanos, traceId));
    if (writer == null) startWriter();
  }

  private synchronized void startWriter() {
    if (writer != null) return;
    Thread t = new Thread(this::run, "access-log");
    t.setDaemon(true);
    writer = t;
    t.start();
  }

  private void run() {
    while (true) {
      boolean last = closing;
      Line l;
      while ((l = queue.poll()) != null) {
        queued.decrementAndGet();
        try {
          LOG.info(format == TelemetrySettings.AccessLog.JSON ? json(l.record, l.durationNanos, l.upstreamNanos, l.traceId)
              : text(l.record, l.durationNanos, l.upstreamNanos, l.traceId));
        } catch (RuntimeException e) {
          LOG.warn("Writing the access log line of request {} failed", l.record.requestId(), e);
        }
      }
      long lost = dropped.getAndSet(0);
      if (lost > 0) LOG.warn("{} access log line(s) dropped: the log output is slower than the traffic", lost);
      StdoutBatchAppender.flushAll();
      if (last) return;
      LockSupport.parkNanos(FLUSH_MS * 1_000_000);
    }
  }

  /** Writes what is queued and stops the writer thread. */
  @Override
  public void close() {
    closing = true;
    Thread t = writer;
    if (t == null) return;
    LockSupport.unpark(t);
    try {
      t.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String text(UsageRecord r, long durationNanos, long upstreamNanos, String traceId) {
    TokenUsage u = r.usage() == null ? TokenUsage.NONE : r.usage();
    StringBuilder b = new StringBuilder(256);
    field(b, "request_id", r.requestId());
    field(b, "provider", r.provider());
    field(b, "model", r.model());
    field(b, "endpoint", r.endpoint());
    if (r.responseModel() != null) field(b, "response_model", r.responseModel());
    b.append(" status=").append(r.status());
    b.append(" stream=").append(r.stream());
    b.append(" latency_ms=").append(durationNanos / 1_000_000);
    if (upstreamNanos >= 0) b.append(" upstream_ms=").append(upstreamNanos / 1_000_000);
    if (r.stream() && r.ttftMs() >= 0) b.append(" ttft_ms=").append(r.ttftMs());
    b.append(" prompt_tokens=").append(u.promptTokens());
    b.append(" completion_tokens=").append(u.completionTokens());
    b.append(" total_tokens=").append(u.totalTokens());
    if (u.cachedTokens() > 0) b.append(" cached_tokens=").append(u.cachedTokens());
    if (u.estimated()) b.append(" estimated=true");
    b.append(" cost_usd=").append(NanoUsd.format(r.costNanoUsd())); // 0.00000255: exact, never 2.55E-6
    if (r.finishReason() != null) field(b, "finish_reason", r.finishReason());
    if (r.errorType() != null) field(b, "error_type", r.errorType());
    if (traceId != null) field(b, "trace_id", traceId);
    return b.substring(1);
  }

  static String json(UsageRecord r, long durationNanos, long upstreamNanos, String traceId) {
    TokenUsage u = r.usage() == null ? TokenUsage.NONE : r.usage();
    StringWriter out = new StringWriter(320);
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("request_id", r.requestId());
      g.writeStringField("provider", r.provider());
      g.writeStringField("model", r.model());
      g.writeStringField("endpoint", r.endpoint());
      if (r.responseModel() != null) g.writeStringField("response_model", r.responseModel());
      g.writeNumberField("status", r.status());
      g.writeBooleanField("stream", r.stream());
      g.writeNumberField("latency_ms", durationNanos / 1_000_000);
      if (upstreamNanos >= 0) g.writeNumberField("upstream_ms", upstreamNanos / 1_000_000);
      if (r.stream() && r.ttftMs() >= 0) g.writeNumberField("ttft_ms", r.ttftMs());
      g.writeNumberField("prompt_tokens", u.promptTokens());
      g.writeNumberField("completion_tokens", u.completionTokens());
      g.writeNumberField("total_tokens", u.totalTokens());
      g.writeNumberField("cached_tokens", u.cachedTokens());
      g.writeBooleanField("estimated", u.estimated());
      g.writeFieldName("cost_usd");
      g.writeNumber(NanoUsd.format(r.costNanoUsd())); // a number in plain decimal: Jackson would write 2.55E-6
      if (r.finishReason() != null) g.writeStringField("finish_reason", r.finishReason());
      if (r.errorType() != null) g.writeStringField("error_type", r.errorType());
      if (traceId != null) g.writeStringField("trace_id", traceId);
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing to a StringWriter failed", e);
    }
    return out.toString();
  }

  /** Model names come from clients: quote anything that could break the line into fields or lines. */
  private static void field(StringBuilder b, String key, String value) {
    b.append(' ').append(key).append('=');
    if (value == null) {
      b.append('-');
      return;
    }
    boolean plain = !value.isEmpty();
    for (int i = 0; i < value.length() && plain; i++) {
      char c = value.charAt(i);
      plain = c > 0x20 && c < 0x7f && c != '"' && c != '=' && c != '\\';
    }
    if (plain) {
      b.append(value);
      return;
    }
    b.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    b.append('"');
  }
}
