package io.recllm.gateway.telemetry;

import com.fasterxml.jackson.core.JsonGenerator;
import io.recllm.gateway.config.TelemetrySettings;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.TokenUsage;
import io.recllm.gateway.usage.UsageRecord;
import java.io.IOException;
import java.io.StringWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per finished call on logger {@code io.recllm.gateway.access}: ids, route, status, timings,
 * tokens and cost. Never keys, never message content, and not the error message either, since
 * upstream messages may quote the request; {@code error_type} says what kind of failure it was.
 */
final class AccessLog {

  static final String LOGGER = "io.recllm.gateway.access";
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  private final TelemetrySettings.AccessLog format;

  AccessLog(TelemetrySettings.AccessLog format) {
    this.format = format;
  }

  void log(UsageRecord r, long durationNanos, long upstreamNanos, String traceId) {
    if (format == TelemetrySettings.AccessLog.OFF || !LOG.isInfoEnabled()) return;
    LOG.info(format == TelemetrySettings.AccessLog.JSON ? json(r, durationNanos, upstreamNanos, traceId)
        : text(r, durationNanos, upstreamNanos, traceId));
  }

  static String text(UsageRecord r, long durationNanos, long upstreamNanos, String traceId) {
    TokenUsage u = r.usage() == null ? TokenUsage.NONE : r.usage();
    StringBuilder b = new StringBuilder(256);
    field(b, "request_id", r.requestId());
    field(b, "provider", r.provider());
    field(b, "model", r.model());
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
    b.append(" cost_usd=").append(java.math.BigDecimal.valueOf(r.costUsd()).toPlainString()); // 0.00014, not 1.4E-4
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
      g.writeNumberField("cost_usd", r.costUsd());
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
