package io.recllm.gateway.provider.gemini;

import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.fakes.StrictGeminiValidator;
import io.recllm.gateway.provider.UpstreamProviderContract;
import io.vertx.core.MultiMap;

/** The provider contract for {@code type: gemini}, against recorded Gemini API answers and a strict request check. */
class GeminiContractTest extends UpstreamProviderContract {

  @Override
  protected String type() {
    return GeminiProviderType.NAME;
  }

  @Override
  protected String model() {
    return "gemini-2.0-flash";
  }

  @Override
  protected Answer plainAnswer() {
    return Answer.text(Fixtures.read("gemini/generate_text_system_instruction.json"), "The capital of France is Paris.\n",
        "stop", 13, 8);
  }

  @Override
  protected Answer lengthAnswer() {
    return Answer.text(Fixtures.read("gemini/generate_max_tokens.json"), "The capital of France is", "length", 15, 5);
  }

  @Override
  protected Answer toolCallAnswer() {
    return Answer.toolCall(Fixtures.read("gemini/generate_tools_call.json"), "get_user_country", 33, 5);
  }

  @Override
  protected Answer streamWithUsage() {
    return Answer.text(Fixtures.read("gemini/stream_text.sse"), "The capital of France is Paris.\n", "stop", 13, 8);
  }

  @Override
  protected String errorBody(int status) {
    return switch (status) {
      case 400 -> Fixtures.read("gemini/error_400_invalid_argument.json");
      // no recording of a 401: Google's documented UNAUTHENTICATED body (what Vertex AI sends for a bad token)
      case 401 -> "{\"error\":{\"code\":401,\"message\":\"Request had invalid authentication credentials.\","
          + "\"status\":\"UNAUTHENTICATED\"}}";
      case 404 -> Fixtures.read("gemini/error_404_model_not_found.json");
      case 429 -> Fixtures.read("gemini/error_429_resource_exhausted.json");
      case 500 -> Fixtures.read("gemini/error_500_internal.json");
      case 503 -> Fixtures.read("gemini/error_503_unavailable.json");
      default -> throw new IllegalArgumentException("no error body for " + status);
    };
  }

  @Override
  protected String rejection(MultiMap headers, String body) {
    return StrictGeminiValidator.validate(headers, body, KEY);
  }
}
