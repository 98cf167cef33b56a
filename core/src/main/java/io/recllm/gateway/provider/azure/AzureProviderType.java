package io.recllm.gateway.provider.azure;

import io.recllm.gateway.config.ConfigNode;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.provider.ProviderClient;
import io.recllm.gateway.provider.ProviderContext;
import io.recllm.gateway.provider.ProviderType;
import io.recllm.gateway.provider.UpstreamApi;
import io.recllm.gateway.provider.UpstreamHttp;
import io.recllm.gateway.provider.openai.OpenAiClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code type: azure}: Azure OpenAI. It speaks OpenAI's chat format, so the client is the OpenAI adapter
 * with Azure's URL ({@link AzureRoute}), its auth header and its first stream event ({@link AzureStream}).
 * {@code base_url} is the resource endpoint ({@code https://my-resource.openai.azure.com}).
 *
 * <p>Auth: {@code api_key} goes in the {@code api-key} header; or {@code azure_ad_token} (an Entra ID
 * access token, e.g. {@code "${AZURE_OPENAI_AD_TOKEN}"}) goes as {@code Authorization: Bearer}. The token
 * is read once at start (an empty one stops the start): such tokens last about an hour, so a
 * long-running gateway should use a key.
 */
public final class AzureProviderType implements ProviderType<AzureSettings> {

  public static final String NAME = "azure";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<String> settingsKeys() {
    return Set.of("api_version", "deployments", "azure_ad_token");
  }

  @Override
  public AzureSettings readSettings(ConfigNode provider) {
    String version = provider.string("api_version", null);
    if ("v1".equals(version)) version = null;
    Map<String, String> deployments = new LinkedHashMap<>();
    ConfigNode mapping = provider.child("deployments");
    for (String model : mapping.keys()) deployments.put(model, mapping.string(model, null));
    String token = provider.string("azure_ad_token", null);
    if (token != null && provider.has("api_key")) {
      throw provider.fail("azure_ad_token", "give either api_key or azure_ad_token, not both");
    }
    return new AzureSettings(version, deployments, token);
  }

  @Override
  public ProviderClient create(ProviderConfig config, AzureSettings settings, ProviderContext context) {
    AzureSettings s = settings != null ? settings : AzureSettings.DEFAULT;
    UpstreamHttp http = context.upstream(config);
    UpstreamApi.Builder api = UpstreamApi.builder(http,
        (status, body, retryAfter) -> AzureErrors.fromResponse(config.name(), status, body, retryAfter));
    if (s.entraToken() == null) {
      api.auth(UpstreamApi.AuthHeader.header("api-key"));
    } else {
      api.auth(null).header("authorization", "Bearer " + s.entraToken());
    }
    return new OpenAiClient(api.build(), new AzureRoute(s), AzureStream::new, true);
  }
}
