package io.recllm.gateway.usage;

/**
 * Receives every finished call. Called on the event loop: implementations must return at once
 * (queue work for later), never block, and never throw.
 */
@FunctionalInterface
public interface UsageSink {
  void record(UsageRecord record);
}
