package io.recllm.gateway.call;

import io.recllm.gateway.usage.UsageRecord;

/**
 * A {@link io.recllm.gateway.usage.UsageSink} that also wants the finished {@link Call} its record
 * came from, e.g. to read what a step kept on it. {@link CallOutcome} calls {@link #finished} instead
 * of {@code record} for such a sink; a record published without a call still goes to {@code record}.
 * Same rules as a sink: on the event loop, return at once, never throw.
 */
public interface CallListener {
  void finished(Call call, UsageRecord record);
}
