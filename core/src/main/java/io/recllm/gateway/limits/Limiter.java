package io.recllm.gateway.limits;

import io.vertx.core.Future;

/**
 * Counts a key's calls, tokens, parallel calls and spend: in this process ({@link LocalLimiter}) or in
 * Redis for every node ({@link RedisLimiter}). {@link #acquire} checks every limit and reserves in one
 * step, so that concurrent calls cannot all pass a check that only one of them fits.
 */
interface Limiter extends AutoCloseable {

  /** Checks and, when everything fits, reserves; a failed future means the limiter could not be asked. */
  Future<Verdict> acquire(Ask ask);

  /**
   * Replaces the reservation with what the call really used; the reservation's window entry keeps its time.
   *
   * @param slot the granted {@link Verdict#slot()}
   */
  Future<Void> settle(Ask ask, long slot, long tokens, long costNanoUsd);

  @Override
  void close();

  /**
   * One limited call's reservation.
   *
   * @param nowMs this node's clock (the in-process limiter's; Redis uses its own)
   * @param limits rpm, tpm, max parallel and budget in nano-USD; 0 (or -1 for the budget) for none
   * @param period the budget period's id, e.g. {@code d20261208}; its spend counter expires after {@code periodTtlMs} (0: never)
   */
  record Ask(String keyId, String reservationId, long tokens, long costNanoUsd, long nowMs, long ttlMs, long rpm,
             long tpm, long maxParallel, long budgetNanoUsd, String period, long periodTtlMs) {}

  /**
   * The answer: {@link #GRANTED} or the limit that refused, with the key's window as it is now (for the
   * {@code x-ratelimit-*} headers) and when its oldest entry leaves the window.
   *
   * @param slot where the limiter counted a granted call in its window, for {@link #settle}
   */
  record Verdict(int outcome, long requests, long tokens, long resetMs, long slot) {
    static final int GRANTED = 0;
    static final int RPM = 1;
    static final int TPM = 2;
    static final int PARALLEL = 3;
    static final int BUDGET = 4;
  }
}
