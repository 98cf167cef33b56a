package io.recllm.gateway.provider.anthropic;

import static io.recllm.gateway.provider.anthropic.AnthropicStreamGoldenTest.describe;
import static io.recllm.gateway.provider.anthropic.AnthropicStreamGoldenTest.parse;
import static io.recllm.gateway.provider.anthropic.AnthropicStreamGoldenTest.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.error.GatewayException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicErrorsTest {

  static String fixture(String name) {
    return new String(resource("fixtures/anthropic/" + name + ".json"), StandardCharsets.UTF_8);
  }

  static void assertMapped(GatewayException e, String expectedJson) {
    assertThat(describe(e)).isEqualTo(parse(expectedJson));
  }

  // ---- recorded bodies ------------------------------------------------------------------------

  @Test
  void recorded400KeepsTheProvidersMessage() {
    assertMapped(AnthropicErrors.fromResponse(400, fixture("error_400_invalid_request_error"), null), """
        {"exception":"UpstreamRejected","status":400,"type":"invalid_request_error","code":null,"param":null,
         "message":"This model does not support effort level 'xhigh'. Supported levels: high, low, max, medium.",
         "retryable":false,"upstream_status":400,"retry_after":null}""");
  }

  @Test
  void recorded401() {
    assertMapped(AnthropicErrors.fromResponse(401, fixture("error_401_authentication_error"), null), """
        {"exception":"UpstreamRejected","status":401,"type":"authentication_error","code":null,"param":null,
         "message":"invalid x-api-key","retryable":false,"upstream_status":401,"retry_after":null}""");
  }

  @Test
  void recorded404IsAnUnknownModel() {
    assertMapped(AnthropicErrors.fromResponse(404, fixture("error_404_not_found_error"), null), """
        {"exception":"NotFound","status":404,"type":"invalid_request_error","code":"model_not_found","param":null,
         "message":"model: claude-does-not-exist","retryable":false,"upstream_status":404,"retry_after":null}""");
  }

  @Test
  void recorded429PassesRetryAfter() {
    GatewayException e = AnthropicErrors.fromResponse(429, fixture("error_429_rate_limit_error"), "17");
    assertThat(e).isInstanceOf(GatewayException.RateLimited.class);
    assertThat(e.status()).isEqualTo(429);
    assertThat(e.type()).isEqualTo("rate_limit_error");
    assertThat(e.code()).isEqualTo("rate_limit_exceeded");
    assertThat(e.retryable()).isTrue();
    assertThat(e.retryAfter()).isEqualTo("17");
    assertThat(e.getMessage()).startsWith("This request would exceed the rate limit for your organization")
        .endsWith("to discuss your options for a rate limit increase.");
  }

  @ParameterizedTest
  @CsvSource({"error_529_overloaded_error", "error_529_overloaded_error_with_request_id"})
  void recorded529IsARetryableProviderFailure(String name) {
    assertMapped(AnthropicErrors.fromResponse(529, fixture(name), null), """
        {"exception":"ProviderFailure","status":500,"type":"api_error","code":"overloaded_error","param":null,
         "message":"Overloaded","retryable":true,"upstream_status":529,"retry_after":null}""");
  }

  // ---- documented statuses without a recording ------------------------------------------------

  static String body(String type, String message) {
    return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}";
  }

  @Test
  void permissionError() {
    assertMapped(AnthropicErrors.fromResponse(403, body("permission_error", "no access to model"), null), """
        {"exception":"UpstreamRejected","status":403,"type":"permission_error","code":null,"param":null,
         "message":"no access to model","retryable":false,"upstream_status":403,"retry_after":null}""");
  }

  @Test
  void requestTooLarge() {
    assertMapped(AnthropicErrors.fromResponse(413, body("request_too_large", "Request exceeds the maximum allowed number of bytes."), null), """
        {"exception":"UpstreamRejected","status":413,"type":"invalid_request_error","code":"request_too_large","param":null,
         "message":"Request exceeds the maximum allowed number of bytes.","retryable":false,"upstream_status":413,"retry_after":null}""");
  }

  @Test
  void apiError500() {
    assertMapped(AnthropicErrors.fromResponse(500, body("api_error", "Internal server error"), null), """
        {"exception":"ProviderFailure","status":500,"type":"api_error","code":"api_error","param":null,
         "message":"Internal server error","retryable":true,"upstream_status":500,"retry_after":null}""");
  }

  @Test
  void otherNotFoundIsNotAModel() {
    GatewayException e = AnthropicErrors.fromResponse(404, body("not_found_error", "Not found"), null);
    assertThat(e).isInstanceOf(GatewayException.NotFound.class);
    assertThat(e.code()).isEqualTo("not_found");
  }

  @Test
  void otherClientErrorsKeepStatusAndType() {
    GatewayException e = AnthropicErrors.fromResponse(402, body("billing_error", "Your credit balance is too low"), null);
    assertThat(e).isInstanceOf(GatewayException.UpstreamRejected.class);
    assertThat(e.status()).isEqualTo(402);
    assertThat(e.type()).isEqualTo("billing_error");
    assertThat(e.getMessage()).isEqualTo("Your credit balance is too low");
  }

  // ---- bodies that are not Anthropic's error JSON ---------------------------------------------

  @Test
  void htmlBodyIsDescribedWithStatusAndTruncated() {
    String html = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>" + "x".repeat(500) + "</body></html>";
    GatewayException e = AnthropicErrors.fromResponse(502, html, null);
    assertThat(e).isInstanceOf(GatewayException.ProviderFailure.class);
    assertThat(e.retryable()).isTrue();
    assertThat(e.upstreamStatus()).isEqualTo(502);
    assertThat(e.code()).isEqualTo("upstream_error");
    assertThat(e.getMessage())
        .startsWith("Anthropic answered HTTP 502: <html> <head><title>502 Bad Gateway</title></head> <body>xxx")
        .endsWith("…")
        .hasSizeLessThan(260);
  }

  @Test
  void emptyBody() {
    GatewayException e = AnthropicErrors.fromResponse(503, "", null);
    assertThat(e.getMessage()).isEqualTo("Anthropic answered HTTP 503 with an empty body");
    assertThat(e.retryable()).isTrue();
    assertThat(AnthropicErrors.fromResponse(400, null, null).getMessage())
        .isEqualTo("Anthropic answered HTTP 400 with an empty body");
  }

  @Test
  void errorTypeWithoutMessageStillSaysWhatHappened() {
    GatewayException e = AnthropicErrors.fromResponse(400, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\"}}", null);
    assertThat(e.getMessage()).startsWith("Anthropic answered HTTP 400 invalid_request_error: {");
  }

  // ---- stream error events --------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource({
      "overloaded_error, ProviderFailure, 500, 529, true",
      "api_error, ProviderFailure, 500, 500, true",
      "rate_limit_error, RateLimited, 429, 429, true",
      "invalid_request_error, UpstreamRejected, 400, 400, false",
      "request_too_large, UpstreamRejected, 413, 413, false",
      "brand_new_error, ProviderFailure, 500, 500, true"})
  void streamErrorEventIsMappedLikeTheStatusOfItsType(String type, String exception, int status,
                                                     int upstreamStatus, boolean retryable) {
    GatewayException e = AnthropicErrors.fromStreamError(
        "{\"type\": \"error\", \"error\": {\"type\": \"" + type + "\", \"message\": \"m\"}}");
    assertThat(e.getClass().getSimpleName()).isEqualTo(exception);
    assertThat(e.status()).isEqualTo(status);
    assertThat(e.upstreamStatus()).isEqualTo(upstreamStatus);
    assertThat(e.retryable()).isEqualTo(retryable);
    assertThat(e.getMessage()).isEqualTo("m");
  }

  @Test
  void unreadableStreamErrorEvent() {
    GatewayException e = AnthropicErrors.fromStreamError("not json");
    assertThat(e).isInstanceOf(GatewayException.ProviderFailure.class);
    assertThat(e.code()).isEqualTo("upstream_stream_error");
    assertThat(e.getMessage()).endsWith(": not json");
  }
}
