package io.recllm.gateway.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.fakes.Fixtures;
import org.junit.jupiter.api.Test;

/** Each recorded Google error body → the gateway's exception, status, type and code. */
class GeminiErrorsTest {

  static GatewayException map(int status, String fixture) {
    return GeminiErrors.fromResponse(status, Fixtures.read("gemini/" + fixture), null);
  }

  @Test
  void invalidArgumentIsA400WithGooglesMessage() {
    GatewayException e = map(400, "error_400_invalid_argument.json");
    assertThat(e).isInstanceOf(GatewayException.UpstreamRejected.class);
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.type()).isEqualTo("invalid_request_error");
    assertThat(e.getMessage()).startsWith("Invalid JSON payload received. Unknown name \"role\"");
    assertThat(e.retryable()).isFalse();
  }

  /** Google answers a wrong key with 400 INVALID_ARGUMENT; to the client it is what it is, an authentication failure. */
  @Test
  void anInvalidKeyIsA401() {
    for (String fixture : new String[] {"error_400_api_key_invalid.json", "error_400_api_key_invalid.firebase.json"}) {
      GatewayException e = map(400, fixture);
      assertThat(e.status()).as(fixture).isEqualTo(401);
      assertThat(e.type()).isEqualTo("authentication_error");
      assertThat(e.code()).isEqualTo("invalid_api_key");
      assertThat(e.getMessage()).contains("API key not valid");
    }
  }

  @Test
  void permissionDeniedIsA403WithItsReason() {
    GatewayException noKey = map(403, "error_403_permission_denied_no_key.json");
    assertThat(noKey.status()).isEqualTo(403);
    assertThat(noKey.type()).isEqualTo("permission_error");
    assertThat(noKey.getMessage()).startsWith("Method doesn't allow unregistered callers");
    GatewayException disabled = map(403, "error_403_service_disabled.json");
    assertThat(disabled.status()).isEqualTo(403);
    assertThat(disabled.code()).isEqualTo("SERVICE_DISABLED");
  }

  @Test
  void anUnknownModelIsModelNotFound() {
    GatewayException e = map(404, "error_404_model_not_found.json");
    assertThat(e).isInstanceOf(GatewayException.NotFound.class);
    assertThat(e.status()).isEqualTo(404);
    assertThat(e.code()).isEqualTo("model_not_found");
    assertThat(e.getMessage()).contains("models/gemini-3.6-flahs is not found");
  }

  /** Gemini sends no Retry-After header; the delay is in RetryInfo, and the client must get it. */
  @Test
  void resourceExhaustedKeepsItsRetryDelay() {
    GatewayException e = map(429, "error_429_resource_exhausted.json");
    assertThat(e).isInstanceOf(GatewayException.RateLimited.class);
    assertThat(e.status()).isEqualTo(429);
    assertThat(e.type()).isEqualTo("rate_limit_error");
    assertThat(e.retryAfter()).isEqualTo("26");
    assertThat(e.retryable()).isTrue();
    assertThat(GeminiErrors.fromResponse(429, Fixtures.read("gemini/error_429_resource_exhausted.json"), "3").retryAfter())
        .as("a retry-after header, from a proxy say, wins").isEqualTo("3");
    assertThat(GeminiErrors.seconds("45.837906927s")).isEqualTo("46");
    assertThat(GeminiErrors.seconds("0.5s")).isEqualTo("1");
    assertThat(GeminiErrors.seconds("soon")).isNull();
  }

  @Test
  void serverErrorsAreRetryableProviderFailures() {
    GatewayException internal = map(500, "error_500_internal.json");
    assertThat(internal).isInstanceOf(GatewayException.ProviderFailure.class);
    assertThat(internal.status()).isEqualTo(500);
    assertThat(internal.code()).isEqualTo("internal");
    assertThat(internal.upstreamStatus()).isEqualTo(500);
    assertThat(internal.retryable()).isTrue();
    GatewayException overloaded = map(503, "error_503_unavailable.json");
    assertThat(overloaded.code()).isEqualTo("unavailable");
    assertThat(overloaded.getMessage()).isEqualTo("The model is overloaded. Please try again later.");
    assertThat(overloaded.retryable()).isTrue();
  }

  @Test
  void aBodyThatIsNotGooglesIsDescribed() {
    GatewayException e = GeminiErrors.fromResponse(502, "<html><body>Bad gateway</body></html>", null);
    assertThat(e.status()).isEqualTo(500);
    assertThat(e.getMessage()).contains("Gemini answered HTTP 502", "Bad gateway");
    assertThat(GeminiErrors.fromResponse(400, "", null).getMessage()).contains("with an empty body");
  }

  @Test
  void anErrorInsideAStreamIsDecidedByItsCode() {
    GatewayException e = GeminiErrors.fromStreamError(Fixtures.read("gemini/error_503_unavailable.json"));
    assertThat(e).isInstanceOf(GatewayException.ProviderFailure.class);
    assertThat(e.upstreamStatus()).isEqualTo(503);
  }
}
