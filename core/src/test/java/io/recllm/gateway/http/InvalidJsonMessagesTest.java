package io.recllm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.json.Json;
import io.vertx.core.buffer.Buffer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A body that is not JSON is explained in the gateway's own words, with where it went wrong, and
 * never with the parser library's class or setting names.
 */
class InvalidJsonMessagesTest {

  static final String PREFIX = "We could not parse the JSON body of your request: ";

  static Stream<Arguments> badBodies() {
    return Stream.of(
        Arguments.of("{\"model\":\"gpt-4o\",}", "unexpected character '}' at line 1, column 19"),
        Arguments.of("{\n  \"model\": \"gpt-4o\",\n  \"messages\": [],\n      }",
            "unexpected character '}' at line 4, column 7"),
        Arguments.of("{'model':1}", "unexpected character ''' at line 1, column 2"),
        Arguments.of("{\"model\":\"gpt-4o\",\"messages\":[1}", "unexpected character '}' at line 1, column 32"),
        Arguments.of("{\"model\": ", "unexpected end of input at line 1, column 11"),
        Arguments.of("{\"model\":\"gpt-4", "unexpected end of input at line 1, column 16"),
        Arguments.of("nope", "unexpected text 'nope' at line 1, column 1"),
        Arguments.of("{\"stream\": tru}", "unexpected text 'tru' at line 1, column 12"),
        Arguments.of("{\"model\":\"a\nb\"}", "unescaped control character (code 10) inside a string at line 1, column 12"),
        Arguments.of("{\"model\":\"\\q\"}", "invalid escape sequence in a string at line 1, column 12"),
        Arguments.of("{\"n\": 01}", "invalid number at line 1, column 7"),
        Arguments.of("{\"n\": NaN}", "'NaN' is not a JSON value at line 1, column 7"),
        Arguments.of("\u0001{}", "unexpected control character (code 1) at line 1, column 1"),
        Arguments.of("[".repeat(1001), "nesting is deeper than 1000 levels at line 1, column 1001"),
        Arguments.of("{\"a\":" + "[".repeat(1000), "nesting is deeper than 1000 levels at line 1, column 1005"),
        Arguments.of("{\"n\": " + "1".repeat(1001) + "}", "a number is longer than 1000 characters at line 1, column 7"),
        Arguments.of("{\"" + "k".repeat(50_001) + "\": 1}", "a field name is longer than 50000 characters at line 1, column 2"),
        Arguments.of("{\"a\": 1,\n \"\\\"" + "k".repeat(50_000) + "\\\\\": 1}",
            "a field name is longer than 50000 characters at line 2, column 2"),
        Arguments.of("{\"model\":\"gpt-4o\"}}", "unexpected character '}' after the JSON value at line 1, column 19"),
        Arguments.of("{\"model\":\"gpt-4o\"} {}", "unexpected character '{' after the JSON value at line 1, column 20"),
        Arguments.of("{\"model\":\"gpt-4o\"} x", "unexpected text 'x' after the JSON value at line 1, column 20"),
        Arguments.of("{\"model\":\"gpt-4o\"}\n\"x\"", "unexpected string after the JSON value at line 2, column 1"),
        Arguments.of("{\"n\": 1e\t}", "unexpected control character (code 9) at line 1, column 9"),
        Arguments.of("{\"n\": 1 \u2020}", "unexpected character '\u2020' at line 1, column 9"),
        Arguments.of("{\"n\": 1,\u007f}", "unexpected control character (code 127) at line 1, column 9"),
        Arguments.of("{}\n\u0001", "unexpected control character (code 1) after the JSON value at line 2, column 1"));
  }

  @ParameterizedTest
  @MethodSource("badBodies")
  void saysWhatIsWrongAndWhere(String body, String expected) {
    assertThat(parseError(Buffer.buffer(body)).getMessage()).isEqualTo(PREFIX + expected);
  }

  @Test
  void invalidUtf8IsNamedAsSuch() {
    byte[] body = "{\"model\":\"?\"}".getBytes(StandardCharsets.UTF_8);
    body[10] = (byte) 0xff;
    assertThat(parseError(Buffer.buffer(body)).getMessage())
        .startsWith(PREFIX + "the body is not valid UTF-8 at line 1, column ");
  }

  @ParameterizedTest
  @MethodSource("badBodies")
  void neverNamesTheParserLibrary(String body, String ignored) {
    assertNoLibraryNames(parseError(Buffer.buffer(body)).getMessage());
  }

  @Test
  void anyDamageToAValidBodyGivesOnlyTheGatewaysOwnMessage() {
    byte[] valid = ("{\n  \"model\": \"openai:gpt-4o\",\n  \"messages\": [{\"role\": \"user\", \"content\": \"h\\u00e9 \\\"x\\\"\"}],\n"
        + "  \"temperature\": -1.5e-3, \"n\": 2, \"stream\": true, \"stop\": null\n}").getBytes(StandardCharsets.UTF_8);
    byte[] alphabet = "{}[]\":,\\ \n\t0123456789-+.eEtrufalsn\u0000\u0001\u007f".getBytes(StandardCharsets.ISO_8859_1);
    Random random = new Random(42);
    for (int i = 0; i < 2000; i++) {
      byte[] body = valid.clone();
      int edits = 1 + random.nextInt(3);
      for (int k = 0; k < edits; k++) {
        int at = random.nextInt(body.length);
        body[at] = random.nextInt(10) == 0 ? (byte) (0x80 + random.nextInt(0x80)) : alphabet[random.nextInt(alphabet.length)];
      }
      if (random.nextBoolean()) body = Arrays.copyOf(body, random.nextInt(body.length) + 1);
      String shown = new String(body, StandardCharsets.UTF_8);
      try {
        ChatCompletionsHandler.parse(Buffer.buffer(body));
      } catch (GatewayException.InvalidRequest e) {
        assertThat(e.getMessage()).as(shown).matches("(?s)(We could not parse the JSON body of your request: .+ at line \\d+, column \\d+"
            + "|The request body must be a JSON object, got .+)");
        assertNoLibraryNames(e.getMessage());
      }
    }
  }

  @Test
  void aBodyThatIsValidJsonStillParses() {
    assertThat(ChatCompletionsHandler.parse(Buffer.buffer("\uFEFF {\"model\":\"gpt-4o\"}\n\r\n\t ")).get("model").asText())
        .isEqualTo("gpt-4o");
  }

  @Test
  void theClientSeesTheSameMessageAs400InvalidJson() throws Exception {
    try (GatewayHarness gw = GatewayHarness.start("usage: { store: memory }\n", Map.of())) {
      HttpResponse<String> deep = gw.post("/v1/chat/completions", "[".repeat(1001));
      assertThat(deep.statusCode()).isEqualTo(400);
      JsonNode error = Json.MAPPER.readTree(deep.body()).get("error");
      assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
      assertThat(error.get("code").asText()).isEqualTo("invalid_json");
      assertThat(error.get("message").asText()).isEqualTo(PREFIX + "nesting is deeper than 1000 levels at line 1, column 1001");
      assertNoLibraryNames(deep.body());

      HttpResponse<String> broken = gw.post("/v1/chat/completions", "{\"model\":\"mock:echo\",\n\"messages\":[}");
      assertThat(broken.statusCode()).isEqualTo(400);
      assertThat(Json.MAPPER.readTree(broken.body()).at("/error/message").asText())
          .isEqualTo(PREFIX + "unexpected character '}' at line 2, column 13");
      assertNoLibraryNames(broken.body());
    }
  }

  private static GatewayException.InvalidRequest parseError(Buffer body) {
    GatewayException.InvalidRequest e = catchThrowableOfType(GatewayException.InvalidRequest.class,
        () -> ChatCompletionsHandler.parse(body));
    assertThat(e).as("a parse error for %s", body).isNotNull();
    assertThat(e.code()).isEqualTo("invalid_json");
    assertThat(e.status()).isEqualTo(400);
    return e;
  }

  private static void assertNoLibraryNames(String message) {
    assertThat(message).doesNotContainIgnoringCase("StreamRead")
        .doesNotContainIgnoringCase("jackson")
        .doesNotContainIgnoringCase("com.fasterxml")
        .doesNotContain("JsonReadFeature", "Source:", "REDACTED", "`", "(code 125)", "was expecting");
  }
}
