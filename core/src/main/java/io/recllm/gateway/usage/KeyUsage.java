package io.recllm.gateway.usage;

/**
 * One client key's calls over a date range, from the request log ({@code usage_requests.client_key_id}):
 * as far back as {@code usage.retention_days} keeps it. {@code keyId} is null for calls made without a
 * virtual key (the master key, or no key).
 */
public record KeyUsage(String keyId, long calls, long errors, long promptTokens, long completionTokens, long costNanoUsd) {}
