package io.recllm.gateway.pricing;

/**
 * Rules for relating a model id a client sends to the ids the price table lists. Only suffixes that
 * providers use for snapshots of one model are removed, never arbitrary trailing segments, so
 * {@code gpt-4o-mini} can never fall back to {@code gpt-4o}.
 */
final class ModelIds {

  private static final String LATEST = "-latest";
  private static final String FINE_TUNE = "ft:";

  private ModelIds() {}

  /**
   * The id without a trailing snapshot date ({@code -2024-08-06}, {@code -20241022}) or
   * {@code -latest}; null when the id has neither.
   */
  static String withoutSnapshotSuffix(String id) {
    int n = id.length();
    if (id.endsWith(LATEST) && n > LATEST.length()) return id.substring(0, n - LATEST.length());
    if (n > 11 && id.charAt(n - 11) == '-' && id.charAt(n - 6) == '-' && id.charAt(n - 3) == '-'
        && digits(id, n - 10, n - 6) && digits(id, n - 5, n - 3) && digits(id, n - 2, n)
        && plausibleDate(id.substring(n - 10, n - 6), id.substring(n - 5, n - 3), id.substring(n - 2))) {
      return id.substring(0, n - 11);
    }
    if (n > 9 && id.charAt(n - 9) == '-' && digits(id, n - 8, n)
        && plausibleDate(id.substring(n - 8, n - 4), id.substring(n - 4, n - 2), id.substring(n - 2))) {
      return id.substring(0, n - 9);
    }
    return null;
  }

  /**
   * The base model of an OpenAI fine-tune id ({@code ft:gpt-4o-mini-2024-07-18:acme::abc123} gives
   * {@code gpt-4o-mini-2024-07-18}); null when the id is not a fine-tune.
   */
  static String fineTuneBase(String id) {
    if (!id.startsWith(FINE_TUNE)) return null;
    int end = id.indexOf(':', FINE_TUNE.length());
    String base = end < 0 ? id.substring(FINE_TUNE.length()) : id.substring(FINE_TUNE.length(), end);
    return base.isEmpty() ? null : base;
  }

  static String fineTuneKey(String base) {
    return FINE_TUNE + base;
  }

  private static boolean digits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return false;
    }
    return true;
  }

  // Keeps version-like numeric suffixes that are not dates (say "-12345678") out of family matching.
  private static boolean plausibleDate(String year, String month, String day) {
    int y = Integer.parseInt(year);
    int m = Integer.parseInt(month);
    int d = Integer.parseInt(day);
    return y >= 2020 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
  }
}
