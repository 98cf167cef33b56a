package io.recllm.gateway.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.json.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * SigV4 against published and reference vectors. The SigV4 arithmetic here (HMAC chain over the
 * canonical request) is written from the spec and first shown to reproduce the AWS test suite's
 * signatures and botocore's Bedrock signature exactly; then the gateway's signer must produce the
 * signature of that same canonical request. The AWS SDK's signer also signs
 * {@code x-amz-content-sha256} (botocore does not), so that one line is added to the vector's canonical
 * request; everything else (the double-encoded model id {@code %253A}, signing name {@code bedrock},
 * scope, date) must match the vector as published.
 */
class BedrockSignerTest {

  static final String KEY_ID = "AKIDEXAMPLE";
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  static final Clock VECTOR_TIME = Clock.fixed(Instant.parse("2015-08-30T12:36:00Z"), ZoneOffset.UTC);

  @Test
  void theTestsSigV4ArithmeticReproducesThePublishedVectors() throws Exception {
    for (String name : new String[] {"post-vanilla", "post-sts-header-before"}) {
      String creq = Fixtures.read("bedrock/sigv4/" + name + "/" + name + ".creq");
      String authz = Fixtures.read("bedrock/sigv4/" + name + "/" + name + ".authz");
      assertThat(authz).as(name).endsWith("Signature=" + signature("us-east-1", "service", creq));
    }
    JsonNode bedrock = vector();
    assertThat(bedrock.path("authorization").asText())
        .endsWith("Signature=" + signature("us-east-1", "bedrock", bedrock.path("canonical_request").asText()));
  }

  @Test
  void signsAConverseRequestAsTheBedrockVectorSays() throws Exception {
    JsonNode v = vector();
    byte[] body = Fixtures.bytes("bedrock/" + v.at("/request/body_file").asText());
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)))
        .isEqualTo(v.at("/request/body_sha256").asText());
    BedrockSigner signer = new BedrockSigner("https://bedrock-runtime.us-east-1.amazonaws.com", "us-east-1", null, VECTOR_TIME);
    MultiMap signed = signer.sign("/model/us.amazon.nova-pro-v1%3A0/converse", headers(), body,
        AwsBasicCredentials.create(KEY_ID, SECRET));

    String sha = v.at("/request/body_sha256").asText();
    String creq = v.path("canonical_request").asText()
        .replace("x-amz-date:", "x-amz-content-sha256:" + sha + "\nx-amz-date:")
        .replace("content-type;host;x-amz-date", "content-type;host;x-amz-content-sha256;x-amz-date");
    assertThat(creq).contains("/model/us.amazon.nova-pro-v1%253A0/converse");
    assertThat(signed.get("x-amz-date")).isEqualTo("20150830T123600Z");
    assertThat(signed.get("x-amz-content-sha256")).isEqualTo(sha);
    assertThat(signed.get("authorization")).isEqualTo("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/bedrock/aws4_request,"
        + " SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=" + signature("us-east-1", "bedrock", creq));
    assertThat(signed.get("user-agent")).as("other headers travel as they were").isEqualTo("test-agent");
    assertThat(signed.contains("host")).as("Vert.x writes Host itself").isFalse();
  }

  @Test
  void aSessionTokenIsSentAndSigned() throws Exception {
    String token = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI";
    BedrockSigner signer = new BedrockSigner("https://bedrock-runtime.eu-west-1.amazonaws.com", "eu-west-1", null, VECTOR_TIME);
    byte[] body = "{\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
    MultiMap signed = signer.sign("/model/anthropic.claude-x/converse-stream", headers(), body,
        AwsSessionCredentials.create(KEY_ID, SECRET, token));
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    String creq = "POST\n/model/anthropic.claude-x/converse-stream\n\ncontent-type:application/json\n"
        + "host:bedrock-runtime.eu-west-1.amazonaws.com\nx-amz-content-sha256:" + sha + "\nx-amz-date:20150830T123600Z\n"
        + "x-amz-security-token:" + token + "\n\ncontent-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token\n" + sha;
    assertThat(signed.get("x-amz-security-token")).isEqualTo(token);
    assertThat(signed.get("authorization")).endsWith("Signature=" + signature("eu-west-1", "bedrock", creq))
        .contains("/20150830/eu-west-1/bedrock/aws4_request");
  }

  private static MultiMap headers() {
    return HttpHeaders.headers().set("content-type", "application/json").set("user-agent", "test-agent");
  }

  private static JsonNode vector() throws Exception {
    return Json.MAPPER.readTree(Fixtures.read("bedrock/sigv4/bedrock-converse.computed.json"));
  }

  /** SigV4 from the spec: string to sign over the canonical request's hash, key derived date → region → service. */
  static String signature(String region, String service, String canonicalRequest) throws Exception {
    String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    String stringToSign = "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/" + region + "/" + service + "/aws4_request\n" + hash;
    byte[] key = hmac(("AWS4" + SECRET).getBytes(StandardCharsets.UTF_8), "20150830");
    key = hmac(key, region);
    key = hmac(key, service);
    key = hmac(key, "aws4_request");
    return HexFormat.of().formatHex(hmac(key, stringToSign));
  }

  private static byte[] hmac(byte[] key, String data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
  }
}
