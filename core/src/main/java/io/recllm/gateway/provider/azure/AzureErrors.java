package io.recllm.gateway.provider.azure;

import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.provider.openai.OpenAiErrors;

/**
 * Azure's errors are OpenAI's in shape, so OpenAI's mapping applies: a content-filter refusal (400,
 * {@code code: content_filter}, {@code innererror.code: ResponsibleAIPolicyViolation}) stays a 400
 * with code {@code content_filter}. Azure's 429 carries {@code code: "429"} and no type; clients get
 * OpenAI's {@code rate_limit_exceeded} instead.
 */
final class AzureErrors {

  private AzureErrors() {}

  static GatewayException fromResponse(String provider, int status, String body, String retryAfter) {
    GatewayException e = OpenAiErrors.fromResponse(provider, status, body, retryAfter);
    if (e instanceof GatewayException.RateLimited && "429".equals(e.code())) {
      return new GatewayException.RateLimited(e.type(), null, e.getMessage(), retryAfter);
    }
    return e;
  }
}
