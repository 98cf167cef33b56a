package io.recllm.gateway.pricing;

import java.math.BigDecimal;

/**
 * One row of the built-in price table ({@code /pricing/prices.csv}). {@link #standard()} is what
 * {@link Pricing#find} returns; the other tiers are null when the model has none.
 *
 * @param provider         upstream provider the model belongs to ("openai", "anthropic")
 * @param model            model id exactly as the upstream API names it
 * @param standard         default-tier prices, including max output tokens and effective date
 * @param cacheWrite1h     Anthropic 1-hour cache-write price; token usage does not yet say which
 *                         writes were 1-hour ones, so cost calculation bills all writes at
 *                         {@code standard.cacheWrite()}
 * @param longContextAbove prompt size above which the whole request bills at {@code longContext}
 * @param longContext      long-prompt prices, non-null exactly when {@code longContextAbove} is
 * @param priority         OpenAI priority service-tier prices
 * @param note             provenance and caveats, free text
 */
public record PriceRow(String provider, String model, ModelPrice standard, BigDecimal cacheWrite1h,
                       Long longContextAbove, ModelPrice longContext, ModelPrice priority,
                       String note) {}
