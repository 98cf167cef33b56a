package com.example.textgen;

/**
 * The keys {@code type: textgen} adds under {@code providers.<name>}: {@code api_version} (sent as the
 * {@code textgen-version} header) and {@code default_max_new_tokens} (when the client sets no limit).
 */
public record TextGenSettings(String apiVersion, int defaultMaxNewTokens) {

  public static final TextGenSettings DEFAULT = new TextGenSettings("2025-01", 512);
}
