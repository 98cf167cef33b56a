package io.recllm.gateway.provider.bedrock;

import io.recllm.gateway.provider.UpstreamApi;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.net.URI;
import java.time.Clock;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * SigV4 for Bedrock Runtime with the AWS SDK's own signer: signing name {@code bedrock} (the host is
 * {@code bedrock-runtime.<region>...}), the payload hash, and the path encoded once more in the canonical
 * request, as for every AWS service but S3. Only {@code content-type} and {@code host} are signed besides
 * what the signer adds ({@code x-amz-date}, {@code x-amz-security-token}); the other headers (user agent,
 * trace context, configured headers) travel unsigned, so nothing added after signing can break it.
 */
final class BedrockSigner implements UpstreamApi.RequestSigner {

  static final String SIGNING_NAME = "bedrock";

  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
  private final String baseUrl;
  private final String region;
  private final BedrockCredentials credentials;
  private final Clock clock;

  /** @param clock the signing time; null for the system clock */
  BedrockSigner(String baseUrl, String region, BedrockCredentials credentials, Clock clock) {
    this.baseUrl = baseUrl;
    this.region = region;
    this.credentials = credentials;
    this.clock = clock;
  }

  @Override
  public Future<MultiMap> sign(String path, MultiMap headers, Buffer body) {
    return credentials.get().map(identity -> sign(path, headers, body.getBytes(), identity));
  }

  /** {@code headers} plus the signature headers for a POST of {@code body} to {@code base_url + path}. */
  MultiMap sign(String path, MultiMap headers, byte[] body, AwsCredentialsIdentity identity) {
    SdkHttpRequest request = SdkHttpRequest.builder()
        .method(SdkHttpMethod.POST)
        .uri(URI.create(baseUrl + path))
        .putHeader("Content-Type", headers.get(HttpHeaders.CONTENT_TYPE))
        .build();
    SignedRequest signed = signer.sign(r -> {
      r.identity(identity)
          .request(request)
          .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
          .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SIGNING_NAME)
          .putProperty(AwsV4HttpSigner.REGION_NAME, region);
      if (clock != null) r.putProperty(HttpSigner.SIGNING_CLOCK, clock);
    });
    MultiMap out = HttpHeaders.headers().addAll(headers);
    signed.request().forEachHeader((name, values) -> {
      // Vert.x writes Host itself, from the same host and port the signer used
      if (!name.equalsIgnoreCase("host") && !values.isEmpty()) out.set(name, values.get(0));
    });
    return out;
  }
}
