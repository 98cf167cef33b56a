package io.recllm.gateway.provider.openai;

import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.provider.UpstreamProviderContract;
import io.vertx.core.MultiMap;

/** The provider contract for {@code type: openai}, against recorded OpenAI answers. */
class OpenAiContractTest extends UpstreamProviderContract {

  @Override
  protected String type() {
    return OpenAiProviderType.NAME;
  }

  @Override
  protected String model() {
    return "gpt-4o";
  }

  @Override
  protected String basePath() {
    return "/v1";
  }

  @Override
  protected Answer plainAnswer() {
    return Answer.text(Fixtures.read("openai/chat_completion_text.json"), "The capital of France is Paris.", "stop", 24, 8);
  }

  @Override
  protected Answer lengthAnswer() {
    String body = Fixtures.read("openai/chat_completion_text.json").replace("\"finish_reason\": \"stop\"", "\"finish_reason\": \"length\"");
    return Answer.text(body, "The capital of France is Paris.", "length", 24, 8);
  }

  @Override
  protected Answer toolCallAnswer() {
    return Answer.toolCall(Fixtures.read("openai/chat_completion_tool_calls.json"), "get_user_country", 68, 12);
  }

  @Override
  protected Answer streamWithUsage() {
    return Answer.text(Fixtures.read("openai/stream_text_include_usage.sse"), "The capital of Mexico is Mexico City.", "stop",
        14, 8);
  }

  @Override
  protected String errorBody(int status) {
    return switch (status) {
      case 400 -> Fixtures.read("openai/error_400_context_length_exceeded.json");
      case 401 -> Fixtures.read("openai/error_401_invalid_api_key.json");
      case 404 -> Fixtures.read("openai/error_404_model_not_found.json");
      case 429 -> Fixtures.read("openai/error_429_rate_limit_exceeded.json");
      // no recording of a 5xx: OpenAI's documented error shape with its usual server_error texts
      case 500 -> "{\"error\":{\"message\":\"The server had an error while processing your request. Sorry about that!\","
          + "\"type\":\"server_error\",\"param\":null,\"code\":null}}";
      case 503 -> "{\"error\":{\"message\":\"The engine is currently overloaded, please try again later\","
          + "\"type\":\"server_error\",\"param\":null,\"code\":null}}";
      default -> throw new IllegalArgumentException("no error body for " + status);
    };
  }

  @Override
  protected String rejection(MultiMap headers, String body) {
    if (!("Bearer " + KEY).equals(headers.get("authorization"))) return "authorization is not the provider's key";
    return null;
  }
}
