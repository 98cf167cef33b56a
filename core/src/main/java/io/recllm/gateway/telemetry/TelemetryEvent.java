package io.recllm.gateway.telemetry;

import java.math.BigDecimal;
import java.util.Map;

/**
 * One telemetry event, shaped like the seed's {@code :telemetry} events: a name, numeric
 * measurements and descriptive metadata. Keys that are unknown for a call (no response model yet, no
 * finish reason after a failure) are absent rather than null. Never carries keys or message content.
 *
 * <ul>
 *   <li>{@value #REQUEST_START}: measurements {@code system_time} (epoch ns), {@code monotonic_time}
 *       (ns); metadata {@code request_id, provider, model, stream, endpoint, operation}.</li>
 *   <li>{@value #REQUEST_STOP}: measurements {@code duration} (ns), {@code prompt_tokens},
 *       {@code completion_tokens}, {@code total_tokens}, {@code cached_tokens}, {@code monotonic_time},
 *       and {@code upstream_duration} (ns) when known; metadata {@code request_id, provider, model,
 *       response_model, finish_reason, status, stream, endpoint, operation, cost_usd, estimated_usage} ({@code cost_usd} is a
 *       {@link BigDecimal}, the exact cost), and
 *       {@code time_to_first_token} (a {@link java.time.Duration}) for streams that produced output.</li>
 *   <li>{@value #REQUEST_EXCEPTION}: the same measurements as stop (tokens are what was billed before the
 *       failure); metadata {@code request_id, provider, model, status, stream, endpoint, operation,
 *       error_type, error_message}.</li>
 * </ul>
 * {@code endpoint} is the API called (chat, embeddings, completions, messages, responses); {@code operation}
 * its OpenTelemetry GenAI operation name (chat, embeddings, text_completion).
 * Stop and exception events of a call also carry {@code attempts}, a list of
 * {@link io.recllm.gateway.call.Attempt} (every upstream try: provider, model, status, latency, error
 * type), and {@code route} when the call came through one.
 */
public record TelemetryEvent(String name, Map<String, Number> measurements, Map<String, Object> metadata) {

  public static final String REQUEST_START = "rec_llm_gateway.request.start";
  public static final String REQUEST_STOP = "rec_llm_gateway.request.stop";
  public static final String REQUEST_EXCEPTION = "rec_llm_gateway.request.exception";

  public boolean is(String eventName) {
    return name.equals(eventName);
  }

  /** A measurement as a long, 0 when absent. */
  public long measurement(String key) {
    Number n = measurements.get(key);
    return n == null ? 0 : n.longValue();
  }

  /** A metadata value as text, null when absent; decimals in plain notation ({@code 0.00000255}, not 2.55E-6). */
  public String tag(String key) {
    Object v = metadata.get(key);
    if (v instanceof BigDecimal d) return d.toPlainString();
    return v == null ? null : v.toString();
  }
}
