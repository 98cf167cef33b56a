package io.recllm.gateway.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.json.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every documented Bedrock error (errors.constructed.json: status per the service model) → the right OpenAI error. */
class BedrockErrorsTest {

  /** Bedrock exception → client status, OpenAI type, retried by the gateway. */
  static final Map<String, Object[]> EXPECTED = Map.ofEntries(
      Map.entry("ValidationException", new Object[] {400, "invalid_request_error", false}),
      Map.entry("ServiceQuotaExceededException", new Object[] {400, "invalid_request_error", false}),
      Map.entry("AccessDeniedException", new Object[] {403, "permission_error", false}),
      Map.entry("ResourceNotFoundException", new Object[] {404, "invalid_request_error", false}),
      Map.entry("ModelTimeoutException", new Object[] {504, "timeout_error", true}),
      Map.entry("ModelErrorException", new Object[] {500, "api_error", false}),
      Map.entry("ThrottlingException", new Object[] {429, "rate_limit_error", true}),
      Map.entry("ModelNotReadyException", new Object[] {429, "rate_limit_error", true}),
      Map.entry("InternalServerException", new Object[] {500, "api_error", true}),
      Map.entry("ServiceUnavailableException", new Object[] {500, "api_error", true}));

  @Test
  void everyDocumentedErrorWithItsHeader() throws Exception {
    JsonNode catalogue = Json.MAPPER.readTree(Fixtures.read("bedrock/errors.constructed.json"));
    int n = 0;
    for (JsonNode e : catalogue.path("errors")) {
      String type = e.path("exception").asText();
      int status = e.path("status").asInt();
      String body = e.path("body").toString();
      GatewayException mapped = BedrockErrors.map(status, type + ":http://internal.amazon.com/coral/com.amazon.bedrock/", body, "3");
      String message = e.at("/body/message").asText();
      Object[] want = message.equals("The provided model identifier is invalid.")
          ? new Object[] {404, "invalid_request_error", false} // OpenAI's answer to an unknown model
          : EXPECTED.get(type);
      assertThat(want).as("an expectation for " + type).isNotNull();
      assertThat(mapped.status()).as(type + " " + message).isEqualTo(want[0]);
      assertThat(mapped.type()).as(type).isEqualTo(want[1]);
      assertThat(mapped.retryable()).as(type).isEqualTo(want[2]);
      assertThat(mapped.getMessage()).isEqualTo(message);
      if (status == 429) assertThat(mapped.retryAfter()).isEqualTo("3");
      n++;
    }
    assertThat(n).isGreaterThanOrEqualTo(13);
  }

  @Test
  void theRecordedInvalidModelIsAModelNotFound() {
    GatewayException e = BedrockErrors.map(400, null, Fixtures.read("bedrock/error_400_validation_invalid_model.json"), null);
    assertThat(e).isInstanceOf(GatewayException.NotFound.class);
    assertThat(e.code()).isEqualTo("model_not_found");
    assertThat(e.upstreamStatus()).isEqualTo(400);
  }

  @Test
  void authFailuresOfAwsAreAuthenticationErrorsAndTheTypeMayComeFromTheBody() {
    GatewayException e = BedrockErrors.map(403, "UnrecognizedClientException", "{\"message\":\"The security token included in the request is invalid.\"}", null);
    assertThat(e.status()).isEqualTo(401);
    assertThat(e.type()).isEqualTo("authentication_error");
    GatewayException fromBody = BedrockErrors.map(429, null, "{\"__type\":\"com.amazon.coral.service#ThrottlingException\",\"message\":\"slow down\"}", null);
    assertThat(fromBody.code()).isEqualTo("ThrottlingException");
    GatewayException html = BedrockErrors.map(502, null, "<html>Bad gateway</html>", null);
    assertThat(html.getMessage()).isEqualTo("Bedrock answered HTTP 502: <html>Bad gateway</html>");
    assertThat(html.retryable()).isTrue();
  }

  @Test
  void everyStreamExceptionOfTheServiceModel() throws Exception {
    for (String type : new String[] {"internalServerException", "modelStreamErrorException", "validationException",
        "throttlingException", "serviceUnavailableException"}) {
      GatewayException e = BedrockErrors.fromStreamException(type, "{\"message\":\"m\"}");
      int want = switch (type) {
        case "validationException" -> 400;
        case "throttlingException" -> 429;
        default -> 500;
      };
      assertThat(e.status()).as(type).isEqualTo(want);
      assertThat(e.getMessage()).isEqualTo("m");
    }
  }
}
