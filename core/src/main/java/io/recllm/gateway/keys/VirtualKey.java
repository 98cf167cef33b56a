package io.recllm.gateway.keys;

import java.util.List;

/**
 * A client key with its own models, rates and budget. Holds the hex SHA-256 of the secret, never the
 * secret itself. {@code null} for a limit means none.
 *
 * @param hint the secret's first and last characters, so a person can tell keys apart
 * @param models globs over the model names the key may call ({@code *} matches any run of characters)
 * @param fromConfig declared in the config file: not stored, not changeable through the admin API
 */
public record VirtualKey(String id, String name, String hash, String hint, List<String> models, Long rpm, Long tpm,
                         Long maxParallel, Long budgetNanoUsd, BudgetPeriod budgetPeriod, Long expiresAtMs,
                         String metadata, long createdAtMs, long updatedAtMs, Long revokedAtMs, boolean fromConfig) {

  public static final List<String> ALL_MODELS = List.of("*");

  public enum BudgetPeriod {
    DAILY, MONTHLY, TOTAL;

    public String wire() {
      return name().toLowerCase();
    }
  }

  public VirtualKey {
    models = List.copyOf(models);
    if (budgetPeriod == null) budgetPeriod = BudgetPeriod.TOTAL;
  }

  public boolean revoked() {
    return revokedAtMs != null;
  }

  public boolean expired(long nowMs) {
    return expiresAtMs != null && nowMs >= expiresAtMs;
  }

  /** Whether any rate, parallel or budget limit applies, i.e. whether the limits step has work. */
  public boolean limited() {
    return rpm != null || tpm != null || maxParallel != null || budgetNanoUsd != null;
  }

  /** Whether the key may call {@code model}, named as the client named it or as {@code provider:model}. */
  public boolean allows(String provider, String model) {
    for (String glob : models) {
      if (glob.equals("*") || Globs.matches(glob, model) || (provider != null && Globs.matches(glob, provider + ":" + model))) {
        return true;
      }
    }
    return false;
  }

  VirtualKey withHash(String newHash, String newHint, long now) {
    return new VirtualKey(id, name, newHash, newHint, models, rpm, tpm, maxParallel, budgetNanoUsd, budgetPeriod,
        expiresAtMs, metadata, createdAtMs, now, revokedAtMs, fromConfig);
  }

  VirtualKey revokedAt(long now) {
    return new VirtualKey(id, name, hash, hint, models, rpm, tpm, maxParallel, budgetNanoUsd, budgetPeriod,
        expiresAtMs, metadata, createdAtMs, now, now, fromConfig);
  }

  /** Glob matching without regular expressions: {@code *} any run, {@code ?} one character. */
  static final class Globs {
    private Globs() {}

    static boolean matches(String glob, String s) {
      int g = 0;
      int i = 0;
      int star = -1;
      int mark = 0;
      while (i < s.length()) {
        if (g < glob.length() && (glob.charAt(g) == '?' || glob.charAt(g) == s.charAt(i))) {
          g++;
          i++;
        } else if (g < glob.length() && glob.charAt(g) == '*') {
          star = g++;
          mark = i;
        } else if (star >= 0) {
          g = star + 1;
          i = ++mark;
        } else {
          return false;
        }
      }
      while (g < glob.length() && glob.charAt(g) == '*') g++;
      return g == glob.length();
    }
  }
}
