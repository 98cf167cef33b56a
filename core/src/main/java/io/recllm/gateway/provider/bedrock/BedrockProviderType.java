package io.recllm.gateway.provider.bedrock;

import io.recllm.gateway.config.ConfigNode;
import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.provider.ProviderClient;
import io.recllm.gateway.provider.ProviderContext;
import io.recllm.gateway.provider.ProviderType;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code type: bedrock}: Amazon Bedrock Runtime's Converse API, signed with SigV4. Its own keys:
 * {@code region} (required), and {@code access_key_id} / {@code secret_access_key} /
 * {@code session_token} instead of the default AWS credentials chain. {@code base_url} defaults to
 * {@code https://bedrock-runtime.<region>.amazonaws.com}; an {@code api_key} (a Bedrock API key) is sent
 * as a bearer token instead of a signature.
 */
public final class BedrockProviderType implements ProviderType<BedrockSettings> {

  public static final String NAME = "bedrock";

  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<String> settingsKeys() {
    return Set.of("region", "access_key_id", "secret_access_key", "session_token");
  }

  @Override
  public String defaultBaseUrl(ConfigNode provider) {
    return "https://bedrock-runtime." + region(provider) + ".amazonaws.com";
  }

  @Override
  public BedrockSettings readSettings(ConfigNode provider) {
    String region = region(provider);
    String keyId = provider.string("access_key_id", null);
    String secret = provider.string("secret_access_key", null);
    String token = provider.string("session_token", null);
    if ((keyId == null) != (secret == null)) {
      throw provider.fail(keyId == null ? "access_key_id" : "secret_access_key",
          "missing: access_key_id and secret_access_key go together (or leave both out for the default AWS credentials chain)");
    }
    if (token != null && keyId == null) {
      throw provider.fail("session_token", "needs access_key_id and secret_access_key");
    }
    return new BedrockSettings(region, keyId, secret, token);
  }

  private static String region(ConfigNode provider) {
    if (!provider.has("region")) {
      throw provider.fail("region", "missing (the AWS region of the Bedrock endpoint, e.g. us-east-1)");
    }
    String region = provider.string("region", null);
    if (!REGION.matcher(region).matches()) {
      throw provider.fail("region", "\"" + region + "\" is not an AWS region name such as us-east-1");
    }
    return region;
  }

  @Override
  public ProviderClient create(ProviderConfig config, BedrockSettings settings, ProviderContext context) {
    if (settings == null) throw new IllegalArgumentException("provider \"" + config.name() + "\": a Bedrock provider needs settings with its region");
    return new BedrockClient(context.upstream(config), settings,
        config.hasKey() ? null : BedrockCredentials.of(context.vertx(), config.name(), settings));
  }
}
