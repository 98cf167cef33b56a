package io.recllm.gateway.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.json.Json;
import io.vertx.core.MultiMap;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;

/**
 * What Bedrock itself would refuse, checked on the request the fake upstream received: the SigV4
 * signature recomputed from the received host, path, content type, date and body bytes (so a header
 * or body changed after signing, or a path encoded differently from what was signed, fails), and a
 * Converse body (messages array, no OpenAI-only fields, no model or stream in the body).
 */
final class StrictBedrockValidator {

  private static final Set<String> CONVERSE_FIELDS = Set.of("messages", "system", "inferenceConfig", "toolConfig",
      "guardrailConfig", "additionalModelRequestFields", "promptVariables", "additionalModelResponseFieldPaths",
      "requestMetadata", "performanceConfig", "serviceTier", "outputConfig");
  private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

  private StrictBedrockValidator() {}

  /** @return the problem, or null when Bedrock would accept the request */
  static String validate(String path, MultiMap headers, String body, String region, String keyId, String secret) {
    String problem = signatureProblem(path, headers, body, region, keyId, secret);
    if (problem != null) return problem;
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(body);
    } catch (Exception e) {
      return "body is not JSON";
    }
    if (!json.path("messages").isArray() || json.path("messages").isEmpty()) return "no messages";
    for (var it = json.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!CONVERSE_FIELDS.contains(field)) return "unknown Converse field '" + field + "'";
    }
    return null;
  }

  /** The signature and content type only, for a body that is not Converse's (InvokeModel's). */
  static String signatureProblem(String path, MultiMap headers, String body, String region, String keyId, String secret) {
    String authorization = headers.get("authorization");
    if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 Credential=" + keyId + "/")) {
      return "no SigV4 authorization for " + keyId + ": " + authorization;
    }
    if (!authorization.contains("/" + region + "/bedrock/aws4_request")) return "wrong credential scope: " + authorization;
    String date = headers.get("x-amz-date");
    if (date == null) return "no x-amz-date";
    Clock at = Clock.fixed(ZonedDateTime.parse(date, AMZ_DATE.withZone(ZoneOffset.UTC)).toInstant(), ZoneOffset.UTC);
    SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.POST)
        .uri(URI.create("http://" + headers.get("host") + path));
    String signedHeaders = authorization.replaceAll(".*SignedHeaders=([^,]*).*", "$1");
    for (String name : signedHeaders.split(";")) {
      if (!name.equals("host") && !name.equals("x-amz-date")) request.putHeader(name, headers.get(name));
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String expected = AwsV4HttpSigner.create().sign(r -> r
            .identity(AwsBasicCredentials.create(keyId, secret))
            .request(request.build())
            .payload(ContentStreamProvider.fromByteArrayUnsafe(bytes))
            .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "bedrock")
            .putProperty(AwsV4HttpSigner.REGION_NAME, region)
            .putProperty(HttpSigner.SIGNING_CLOCK, at))
        .request().firstMatchingHeader("Authorization").orElse("");
    if (!expected.equals(authorization)) return "signature does not match the request received";
    if (!"application/json".equals(headers.get("content-type"))) return "content-type is not application/json";
    return null;
  }
}
