package io.recllm.gateway.limits;

import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.keys.VirtualKey;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** The 429s a limited key gets, worded and typed as OpenAI's: {@code rate_limit_exceeded} and {@code budget_exceeded}. */
final class Refusals {

  private Refusals() {}

  static GatewayException of(VirtualKey key, Limiter.Ask ask, Limiter.Verdict v) {
    String who = " on key '" + key.name() + "' (" + key.id() + ")";
    long waitMs = Math.max(1, v.resetMs());
    return switch (v.outcome()) {
      case Limiter.Verdict.RPM -> rate("Rate limit reached for requests per minute (rpm)" + who + ": Limit " + key.rpm()
          + ", Used " + v.requests() + ". Please try again in " + duration(waitMs) + ".", waitMs);
      case Limiter.Verdict.TPM -> rate("Rate limit reached for tokens per minute (tpm)" + who + ": Limit " + key.tpm()
          + ", Used " + v.tokens() + ", Requested " + ask.tokens() + ". Please try again in " + duration(waitMs) + ".", waitMs);
      case Limiter.Verdict.PARALLEL -> rate("Rate limit reached for parallel calls" + who + ": Limit " + key.maxParallel()
          + ". Please try again when a call has finished.", 1000);
      default -> budget(key, ask);
    };
  }

  private static GatewayException rate(String message, long waitMs) {
    return new GatewayException.RateLimited("rate_limit_error", "rate_limit_exceeded", message,
        String.valueOf((waitMs + 999) / 1000));
  }

  private static GatewayException budget(VirtualKey key, Limiter.Ask ask) {
    String retry = null;
    String when = "";
    if (key.budgetPeriod() != VirtualKey.BudgetPeriod.TOTAL) {
      LocalDate today = Instant.ofEpochMilli(ask.nowMs()).atZone(ZoneOffset.UTC).toLocalDate();
      LocalDate next = key.budgetPeriod() == VirtualKey.BudgetPeriod.DAILY ? today.plusDays(1) : today.withDayOfMonth(1).plusMonths(1);
      long ms = next.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() - ask.nowMs();
      retry = String.valueOf((ms + 999) / 1000);
      when = " It renews at " + next + "T00:00:00Z.";
    }
    return new GatewayException.RateLimited("insufficient_quota", "budget_exceeded",
        "You exceeded the budget of key '" + key.name() + "' (" + key.id() + "): " + usd(key.budgetNanoUsd()) + " USD "
            + key.budgetPeriod().wire() + "; this call could cost up to " + usd(ask.costNanoUsd()) + " USD." + when, retry);
  }

  private static String usd(long nanoUsd) {
    return java.math.BigDecimal.valueOf(nanoUsd, 9).stripTrailingZeros().toPlainString();
  }

  /** A wait as OpenAI's headers write it: {@code 250ms}, {@code 12s}, {@code 1m5s}. */
  static String duration(long ms) {
    if (ms < 1000) return ms + "ms";
    long s = (ms + 999) / 1000;
    return s < 60 ? s + "s" : (s / 60) + "m" + (s % 60) + "s";
  }
}
