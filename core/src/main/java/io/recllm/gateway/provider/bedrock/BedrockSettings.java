package io.recllm.gateway.provider.bedrock;

/**
 * What a {@code type: bedrock} provider's own keys say: the AWS region (endpoint and signature scope)
 * and, optionally, explicit credentials instead of the default AWS credentials chain.
 */
public record BedrockSettings(String region, String accessKeyId, String secretAccessKey, String sessionToken) {

  public BedrockSettings {
    if (region == null || region.isBlank()) throw new IllegalArgumentException("a Bedrock provider needs a region");
  }

  public static BedrockSettings region(String region) {
    return new BedrockSettings(region, null, null, null);
  }

  /** True when the config names the keys; false means the default AWS credentials chain. */
  public boolean explicitCredentials() {
    return accessKeyId != null;
  }

  /** Keep the secret out of logs and error messages. */
  @Override
  public String toString() {
    return "BedrockSettings[region=" + region + ", credentials=" + (explicitCredentials() ? "configured" : "default chain") + "]";
  }
}
