package io.recllm.gateway.provider;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts that adapters report about their upstreams and the gateway's meters read, so that telemetry
 * depends on this class alone and never on an adapter. Process-wide, like the adapters' code.
 */
public final class ProviderCounters {

  private static final LongAdder UNKNOWN_STOP_REASONS = new LongAdder();

  private ProviderCounters() {}

  /** An upstream sent a stop reason its adapter did not know (and answered as {@code finish_reason: stop}). */
  public static void unknownStopReason() {
    UNKNOWN_STOP_REASONS.increment();
  }

  /** Unknown stop reasons since start, of every adapter. */
  public static long unknownStopReasons() {
    return UNKNOWN_STOP_REASONS.sum();
  }
}
