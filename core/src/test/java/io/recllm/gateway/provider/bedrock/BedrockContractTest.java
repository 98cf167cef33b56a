package io.recllm.gateway.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.provider.UpstreamProviderContract;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The provider contract for {@code type: bedrock}, against recorded Converse answers and a recorded
 * ConverseStream body replayed as binary event-stream frames. The fake checks each request's SigV4
 * signature against what it received; error answers carry Bedrock's {@code x-amzn-ErrorType} header.
 */
class BedrockContractTest extends UpstreamProviderContract {

  static final String REGION = "us-east-1";
  static final String KEY_ID = "AKIDFAKEEXAMPLE00001";
  static final String MODEL = "us.amazon.nova-micro-v1:0";

  @Override
  protected String type() {
    return BedrockProviderType.NAME;
  }

  @Override
  protected String model() {
    return MODEL;
  }

  /** SigV4 with explicit keys: the secret never travels, the key id does (in the credential scope). */
  @Override
  protected String providersYaml() {
    String base = "http://127.0.0.1:" + upstream.port();
    String keys = ", region: " + REGION + ", access_key_id: " + KEY_ID + ", secret_access_key: \"${CONTRACT_KEY}\"";
    return "  " + PROVIDER + ": { type: bedrock, base_url: \"" + base + "\"" + keys + " }\n"
        + "  " + SLOW_PROVIDER + ": { type: bedrock, base_url: \"" + base + "\"" + keys
        + ", timeouts: { first_byte_ms: " + FIRST_BYTE_MS + " } }\n";
  }

  @Override
  protected Map<String, String> env() {
    return Map.of("CONTRACT_KEY", KEY);
  }

  @Override
  protected String providerKey() {
    return KEY_ID;
  }

  @Override
  protected Answer plainAnswer() {
    return Answer.text(Fixtures.read("bedrock/converse_text_system.json"), "The capital of France is Paris. Paris is not"
        + " only the political and economic hub of the country but also a major center for culture, fashion, art,"
        + " and tourism. It is renowned for its rich history, iconic landmarks such as the Eiffel Tower, Notre-Dame"
        + " Cathedral, and the Louvre Museum, as well as its influence on global culture and cuisine.", "stop", 13, 71);
  }

  @Override
  protected Answer lengthAnswer() {
    return Answer.text(Fixtures.read("bedrock/converse_max_tokens.json"), "The capital of France is", "length", 13, 5);
  }

  @Override
  protected Answer toolCallAnswer() {
    return Answer.toolCall(Fixtures.read("bedrock/converse_tool_use.json"), "get_capital", 426, 66);
  }

  @Override
  protected Answer answerAfterToolResult() {
    return Answer.text(Fixtures.read("bedrock/converse_after_tool_result_error.json"), "<thinking> It appears that there"
        + " was an error in retrieving the capital of France as the tool indicated that the country is not supported."
        + " Since the tool is not able to provide the requested information, I will respond to the User with the"
        + " information I have access to. </thinking> \n\nThe capital of France is Paris. If you need any further"
        + " information, feel free to ask!", "stop", 531, 76);
  }

  /** Not SSE: the recorded binary body; {@link #arrangeStream} replays it. */
  @Override
  protected Answer streamWithUsage() {
    return Answer.text("converse_stream_basic.bin", "Hello! How can I assist you today? Whether you have a question,"
        + " need information, or just want to chat, I'm here to help.", "stop", 2, 32);
  }

  /** The recorded event stream, written in pieces that cut frames in the middle, as a network would. */
  @Override
  protected Expected arrangeStream() {
    Answer a = streamWithUsage();
    byte[] body = Fixtures.bytes("bedrock/" + a.body());
    upstream.respond((req, b) -> {
      if (rejected(req.path(), req.headers(), b.toString(), req.response())) return;
      HttpServerResponse r = req.response().setChunked(true).putHeader("content-type", BedrockClient.EVENT_STREAM);
      for (int from = 0; from < body.length; from += 97) {
        r.write(Buffer.buffer().appendBytes(body, from, Math.min(97, body.length - from)));
      }
      r.end();
    });
    return new Expected(new Target(PROVIDER, model()), a.content(), null, a.finishReason(), a.promptTokens(),
        a.completionTokens());
  }

  @Override
  protected Expected arrangePlain() {
    return answer(plainAnswer());
  }

  @Override
  protected java.util.Optional<Expected> arrangeFinishing(String finishReason) {
    Answer a = switch (finishReason) {
      case "stop" -> plainAnswer();
      case "length" -> lengthAnswer();
      default -> toolCallAnswer();
    };
    return java.util.Optional.of(answer(a));
  }

  @Override
  protected java.util.Optional<Expected> arrangeAnswerAfterToolResult() {
    return java.util.Optional.of(answer(answerAfterToolResult()));
  }

  private Expected answer(Answer a) {
    upstream.respond((req, b) -> {
      if (rejected(req.path(), req.headers(), b.toString(), req.response())) return;
      req.response().putHeader("content-type", "application/json").putHeader("x-amzn-requestid", "rid-1").end(a.body());
    });
    return new Expected(new Target(PROVIDER, model()), a.content(), a.toolName(), a.finishReason(), a.promptTokens(),
        a.completionTokens());
  }

  @Override
  protected String errorBody(int status) {
    return "{\"message\":\"" + errorType(status) + " from the fake\"}";
  }

  private static String errorType(int status) {
    return switch (status) {
      case 400 -> "ValidationException";
      case 401 -> "UnrecognizedClientException";
      case 404 -> "ResourceNotFoundException";
      case 429 -> "ThrottlingException";
      case 500 -> "InternalServerException";
      case 503 -> "ServiceUnavailableException";
      default -> throw new IllegalArgumentException("no Bedrock error for " + status);
    };
  }

  @Override
  protected ArrangedError arrangeError(int status) {
    upstream.respond((req, b) -> {
      HttpServerResponse r = req.response().setStatusCode(status).putHeader("content-type", "application/json")
          .putHeader("x-amzn-ErrorType", errorType(status) + ":http://internal.amazon.com/coral/com.amazon.bedrock/");
      if (status == 429) r.putHeader("retry-after", RETRY_AFTER);
      r.end(errorBody(status));
    });
    return new ArrangedError(new Target(PROVIDER, model()), RETRY_AFTER);
  }

  private boolean rejected(String path, MultiMap headers, String body, HttpServerResponse response) {
    String problem = StrictBedrockValidator.validate(path, headers, body, REGION, KEY_ID, KEY);
    if (problem == null) return false;
    response.setStatusCode(400).putHeader("content-type", "application/json")
        .putHeader("x-amzn-ErrorType", "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/")
        .end("{\"message\":\"fake upstream: " + problem.replace("\"", "'") + "\"}");
    return true;
  }

  @Test
  void theModelIdGoesIntoThePathPercentEncodedAndEachCallIsSigned() throws Exception {
    arrangePlain();
    assertThat(post(chatRequest(new Target(PROVIDER, MODEL), false)).statusCode()).isEqualTo(200);
    arrangeStream();
    assertThat(post(chatRequest(new Target(PROVIDER, MODEL), true)).statusCode()).isEqualTo(200);
    var sent = upstreamRequests();
    assertThat(sent).extracting(FakeUpstream.Received::path)
        .containsExactly("/model/us.amazon.nova-micro-v1%3A0/converse", "/model/us.amazon.nova-micro-v1%3A0/converse-stream");
    assertThat(sent.get(1).headers().get("accept")).isEqualTo("application/vnd.amazon.eventstream");
    assertThat(sent).allSatisfy(r -> assertThat(r.body()).doesNotContain(KEY).doesNotContain("\"model\""));
    assertThat(sent).allSatisfy(r -> r.headers().forEach(h -> assertThat(h.getValue()).doesNotContain(KEY)));
  }
}
