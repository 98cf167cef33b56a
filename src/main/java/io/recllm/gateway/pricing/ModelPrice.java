package io.recllm.gateway.pricing;

/**
 * Prices of one model in USD per 1M tokens. {@code cachedInput} and {@code cacheWrite} may be null
 * (the model has no separate rate: input price applies). {@code maxOutputTokens} may be null.
 * {@code effectiveDate} is the ISO date from which the price applies.
 */
public record ModelPrice(double input, Double cachedInput, Double cacheWrite, double output,
                         Integer maxOutputTokens, String effectiveDate) {}
