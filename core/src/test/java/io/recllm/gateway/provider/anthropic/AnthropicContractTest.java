package io.recllm.gateway.provider.anthropic;

import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.fakes.StrictAnthropicValidator;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.UpstreamProviderContract;
import io.vertx.core.MultiMap;

/** The provider contract for {@code type: anthropic}, against recorded Messages API answers and a strict request check. */
class AnthropicContractTest extends UpstreamProviderContract {

  @Override
  protected String type() {
    return AnthropicProviderType.NAME;
  }

  @Override
  protected String model() {
    return "claude-sonnet-4-5";
  }

  @Override
  protected Answer plainAnswer() {
    return Answer.text(Fixtures.read("anthropic/message_text_system_string.json"), "The capital of France is Paris.", "stop",
        20, 10);
  }

  @Override
  protected Answer lengthAnswer() {
    String body = Fixtures.read("anthropic/message_text_system_string.json").replace("\"end_turn\"", "\"max_tokens\"");
    return Answer.text(body, "The capital of France is Paris.", "length", 20, 10);
  }

  @Override
  protected Answer toolCallAnswer() {
    return Answer.toolCall(Fixtures.read("anthropic/message_tool_use.json"), "get_weather", 612, 101);
  }

  @Override
  protected Answer answerAfterToolResult() {
    String body = Fixtures.read("anthropic/message_after_tool_result.json");
    String text;
    try {
      text = Json.MAPPER.readTree(body).at("/content/0/text").asText();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return Answer.text(body, text, "stop", 798, 50);
  }

  @Override
  protected Answer streamWithUsage() {
    return Answer.text(Fixtures.read("anthropic/stream_text.sse"), "- Captain\n- Scoop", "stop", 17, 10);
  }

  @Override
  protected String errorBody(int status) {
    return switch (status) {
      case 400 -> Fixtures.read("anthropic/error_400_invalid_request_error.json");
      case 401 -> Fixtures.read("anthropic/error_401_authentication_error.json");
      case 404 -> Fixtures.read("anthropic/error_404_not_found_error.json");
      case 429 -> Fixtures.read("anthropic/error_429_rate_limit_error.json");
      // no recording of a 500: Anthropic's documented api_error body
      case 500 -> "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"}}";
      case 503 -> Fixtures.read("anthropic/error_529_overloaded_error.json");
      default -> throw new IllegalArgumentException("no error body for " + status);
    };
  }

  @Override
  protected String rejection(MultiMap headers, String body) {
    return StrictAnthropicValidator.validate(headers, body, KEY);
  }
}
