package io.recllm.gateway.provider.azure;

import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.provider.openai.OpenAiClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Azure's two URL shapes: {@code /openai/deployments/{deployment}/chat/completions?api-version=...}, and
 * {@code /openai/v1/chat/completions} (the same for {@code /embeddings}, {@code /completions} and {@code /responses}; no version, the deployment named in the body's {@code model}) when
 * {@code api_version} is absent or {@code v1}. The body names the deployment in both: the deployments
 * API ignores it, the v1 API needs it. The Responses API with a version is {@code /openai/responses?api-version=...}.
 */
final class AzureRoute implements OpenAiClient.Route {

  /** Azure's rule for deployment names; anything else could leave the deployment's path segment. */
  private static final Pattern DEPLOYMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final AzureSettings settings;
  private final String query;

  AzureRoute(AzureSettings settings) {
    this.settings = settings;
    this.query = settings.apiVersion() == null ? null
        : "?api-version=" + URLEncoder.encode(settings.apiVersion(), StandardCharsets.UTF_8);
  }

  @Override
  public String path(String operation, String model) {
    if (query == null) return "/openai/v1" + operation;
    // the Responses API has no deployment in its path: the body's model names it
    if (operation.startsWith("/responses")) return "/openai" + operation + query;
    return "/openai/deployments/" + upstreamModel(model) + operation + query;
  }

  @Override
  public String upstreamModel(String model) {
    String deployment = settings.deployment(model);
    if (!DEPLOYMENT.matcher(deployment).matches()) {
      throw new GatewayException.InvalidRequest("invalid_model", "model", "\"" + deployment
          + "\" is not an Azure OpenAI deployment name (letters, digits, '.', '-', '_'); map the model to its"
          + " deployment under deployments:");
    }
    return deployment;
  }
}
