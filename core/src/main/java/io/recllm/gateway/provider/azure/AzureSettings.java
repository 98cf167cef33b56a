package io.recllm.gateway.provider.azure;

import java.util.Map;

/**
 * What {@code type: azure} reads besides the common keys.
 *
 * @param apiVersion the {@code api-version} of the deployments URL; null for the {@code /openai/v1/} API
 * @param deployments model name to deployment name; a model without an entry is its own deployment
 * @param entraToken an Entra ID (Azure AD) bearer token sent instead of the {@code api-key} header; null
 *     when none is configured
 */
public record AzureSettings(String apiVersion, Map<String, String> deployments, String entraToken) {

  public static final AzureSettings DEFAULT = new AzureSettings(null, Map.of(), null);

  public AzureSettings {
    deployments = Map.copyOf(deployments);
  }

  /** The deployment a model's calls go to. */
  public String deployment(String model) {
    return deployments.getOrDefault(model, model);
  }
}
