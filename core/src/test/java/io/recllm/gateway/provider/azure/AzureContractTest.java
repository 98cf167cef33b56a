package io.recllm.gateway.provider.azure;

import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.provider.UpstreamProviderContract;
import io.vertx.core.MultiMap;

/**
 * The provider contract for {@code type: azure} on the deployments URL, against recorded Azure answers.
 * No tool call through Azure was recorded: the tool case replays OpenAI's recorded tool call, which is
 * the shape Azure answers in (its extra filter fields aside).
 */
class AzureContractTest extends UpstreamProviderContract {

  static final String DEPLOYMENT = "my-gpt4o-deployment";
  static final String API_VERSION = "2024-10-21";

  @Override
  protected String type() {
    return AzureProviderType.NAME;
  }

  @Override
  protected String model() {
    return "gpt-4o";
  }

  @Override
  protected String extraKeys() {
    return ", api_version: \"" + API_VERSION + "\", deployments: { gpt-4o: " + DEPLOYMENT + " }";
  }

  @Override
  protected Answer plainAnswer() {
    return Answer.text(Fixtures.read("azure/chat_completion_deployments.json"), "The capital of France is **Paris**.", "stop",
        14, 9);
  }

  @Override
  protected Answer lengthAnswer() {
    String body = Fixtures.read("azure/chat_completion_deployments.json").replace("\"finish_reason\":\"stop\"",
        "\"finish_reason\":\"length\"");
    return Answer.text(body, "The capital of France is **Paris**.", "length", 14, 9);
  }

  @Override
  protected Answer toolCallAnswer() {
    return Answer.toolCall(Fixtures.read("openai/chat_completion_tool_calls.json"), "get_user_country", 68, 12);
  }

  @Override
  protected Answer streamWithUsage() {
    return Answer.text(Fixtures.read("azure/stream_chat_completion_include_usage.sse"), "Hello! How can I assist you today?",
        "stop", 96, 10);
  }

  @Override
  protected String errorBody(int status) {
    return switch (status) {
      case 400 -> Fixtures.read("azure/error_400_content_filter.json");
      case 429 -> Fixtures.read("azure/error_429_token_rate_limit.json");
      // no recorded Azure 401/404/5xx bodies: OpenAI's error shape, which Azure shares
      case 401 -> "{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid subscription key or wrong API endpoint.\"}}";
      case 404 -> "{\"error\":{\"code\":\"DeploymentNotFound\",\"message\":\"The API deployment for this resource does not exist.\"}}";
      case 500, 503 -> "{\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\","
          + "\"param\":null,\"code\":null}}";
      default -> throw new IllegalArgumentException("no error body for " + status);
    };
  }

  @Override
  protected String rejection(MultiMap headers, String body) {
    if (!KEY.equals(headers.get("api-key"))) return "api-key is not the provider's key";
    if (headers.contains("authorization")) return "authorization sent besides api-key";
    return null;
  }
}
