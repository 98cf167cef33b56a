package io.recllm.gateway.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Recorded Gemini answers → OpenAI {@code chat.completion}: each against its golden file
 * {@code golden/gemini/<name>.expected.json} ({@code -DregenerateGolden=true} rewrites them from the
 * current code; review the diff), then the facts that matter one by one.
 */
class GeminiResponseMappingTest {

  static final long CREATED = 1_700_000_000L;

  static Stream<String> answers() {
    return Stream.of(
        "generate_text_system_instruction",
        "generate_max_tokens",
        "generate_stop_sequences",
        "generate_response_schema",
        "generate_response_json_schema",
        "generate_tools_call",
        "generate_tools_result",
        "generate_tools_thought_signature_call",
        "generate_tools_thought_signature_error_result",
        "generate_image_inline",
        "generate_cached_content_usage",
        "generate_finish_safety",
        "generate_finish_safety_with_text",
        "generate_finish_other_message");
  }

  static ObjectNode fixture(String name) {
    return (ObjectNode) GeminiRequestMappingTest.json(Fixtures.read("gemini/" + name + ".json"));
  }

  static ObjectNode mapped(String name) {
    return GeminiRequestMappingTest.json(GeminiMapper.fromGeminiResponse(fixture(name), "gemini-requested", CREATED).toString());
  }

  @ParameterizedTest
  @MethodSource("answers")
  void producesTheGoldenAnswer(String name) throws Exception {
    ObjectNode actual = mapped(name);
    Path golden = Path.of("src/test/resources/golden/gemini/" + name + ".expected.json");
    if (Boolean.getBoolean("regenerateGolden")) {
      Files.writeString(golden, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(actual) + "\n",
          StandardCharsets.UTF_8);
    }
    assertThat(actual).isEqualTo(GeminiRequestMappingTest.json(new String(io.recllm.gateway.provider.StreamGolden.resource("golden/gemini/" + name + ".expected.json"),
        StandardCharsets.UTF_8)));
  }

  @Test
  void textAndUsage() {
    ObjectNode out = mapped("generate_text_system_instruction");
    assertThat(out.get("id").asText()).isEqualTo("41peaK-wOMSenvgPh-vRiAY");
    assertThat(out.get("model").asText()).isEqualTo("gemini-2.0-flash");
    assertThat(out.at("/choices/0/message/content").asText()).isEqualTo("The capital of France is Paris.\n");
    assertThat(out.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(out.get("usage")).isEqualTo(GeminiRequestMappingTest.json("""
        {"prompt_tokens":13,"completion_tokens":8,"total_tokens":21,"prompt_tokens_details":{"cached_tokens":0},
         "completion_tokens_details":{"reasoning_tokens":0}}"""));
  }

  /** OpenAI counts reasoning inside completion tokens; Gemini apart. Cached tokens are inside the prompt on both sides. */
  @Test
  void cachedAndThinkingTokens() {
    TokenUsage u = GeminiMapper.usageOf(fixture("generate_cached_content_usage").get("usageMetadata"));
    assertThat(u).isEqualTo(new TokenUsage(3520, 2 + 42, 3564, 3512, 0, 42, false));
    assertThat(mapped("generate_cached_content_usage").get("usage")).isEqualTo(GeminiRequestMappingTest.json("""
        {"prompt_tokens":3520,"completion_tokens":44,"total_tokens":3564,"prompt_tokens_details":{"cached_tokens":3512},
         "completion_tokens_details":{"reasoning_tokens":42}}"""));
  }

  @Test
  void finishReasons() {
    assertThat(mapped("generate_max_tokens").at("/choices/0/finish_reason").asText()).isEqualTo("length");
    assertThat(mapped("generate_finish_safety").at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
    assertThat(mapped("generate_finish_safety").at("/choices/0/message/content").isNull()).isTrue();
    assertThat(mapped("generate_finish_other_message").at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    // Gemini says STOP for a function call
    assertThat(mapped("generate_tools_call").at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    for (String[] r : new String[][] {{"RECITATION", "content_filter"}, {"BLOCKLIST", "content_filter"},
        {"PROHIBITED_CONTENT", "content_filter"}, {"SPII", "content_filter"}, {"MALFORMED_FUNCTION_CALL", "stop"},
        {"SOMETHING_NEW", "stop"}}) {
      assertThat(GeminiMapper.finishReason(r[0])).as(r[0]).isEqualTo(r[1]);
    }
    assertThat(GeminiMapper.isKnownFinishReason("SOMETHING_NEW")).isFalse();
  }

  @Test
  void toolCallIdsAreDerivedTheSameWayEveryTime() {
    ObjectNode first = mapped("generate_tools_call");
    JsonNode call = first.at("/choices/0/message/tool_calls/0");
    assertThat(call.get("id").asText()).matches("call_[0-9a-f]{24}");
    assertThat(call.at("/function/name").asText()).isEqualTo("get_user_country");
    assertThat(call.at("/function/arguments").asText()).isEqualTo("{}");
    assertThat(mapped("generate_tools_call")).isEqualTo(first);
    // another answer, another id
    assertThat(mapped("generate_tools_thought_signature_call").at("/choices/0/message/tool_calls/0/id").asText())
        .isNotEqualTo(call.get("id").asText());
    // an id Gemini sent is kept
    ObjectNode withId = fixture("generate_tools_call");
    ((ObjectNode) withId.at("/candidates/0/content/parts/0/functionCall")).put("id", "gemini-own-id");
    assertThat(GeminiMapper.fromGeminiResponse(withId, "m", CREATED).at("/choices/0/message/tool_calls/0/id").asText())
        .isEqualTo("gemini-own-id");
  }

  /** The same answer streamed gets the same tool call id: a client may mix both in one conversation. */
  @Test
  void streamedAndUnaryAnswersAgreeOnIds() {
    String transcript = Fixtures.read("gemini/stream_tool_call_thought_signature.sse");
    byte[] sse = transcript.getBytes(StandardCharsets.UTF_8);
    ObjectNode first = GeminiRequestMappingTest.json(Fixtures.sseData(transcript).get(0));
    String streamed = GeminiStreamGoldenTest.translate(sse).chunks().get(1).at("/choices/0/delta/tool_calls/0/id").asText();
    String unary = GeminiMapper.fromGeminiResponse(first, "m", CREATED).at("/choices/0/message/tool_calls/0/id").asText();
    assertThat(streamed).isEqualTo(unary).startsWith("call_");
  }

  /** Out as reasoning_details, back in on the next turn: the part Gemini sent comes back as it was. */
  @Test
  void thoughtSignaturesSurviveTheRoundTrip() {
    ObjectNode answer = fixture("generate_tools_thought_signature_call");
    JsonNode message = mapped("generate_tools_thought_signature_call").at("/choices/0/message");
    JsonNode detail = message.at("/reasoning_details/0");
    assertThat(detail.get("type").asText()).isEqualTo("reasoning.encrypted");
    assertThat(detail.get("format").asText()).isEqualTo("google-gemini-v1");
    assertThat(detail.get("id").asText()).isEqualTo(message.at("/tool_calls/0/id").asText());
    assertThat(detail.get("index").asInt()).isZero();

    ObjectNode next = Json.object();
    ArrayNode messages = next.putArray("messages");
    messages.addObject().put("role", "user").put("content", "What is the capital of France?");
    messages.add(message.deepCopy());
    messages.addObject().put("role", "tool").put("tool_call_id", message.at("/tool_calls/0/id").asText()).put("content", "Paris");
    ObjectNode request = GeminiMapper.toGeminiRequest(next, "gemini-2.5-pro");
    ObjectNode sentPart = (ObjectNode) request.at("/contents/1/parts/0").deepCopy();
    ((ObjectNode) sentPart.get("functionCall")).remove("id"); // the gateway's id, which Gemini echoes in its response
    assertThat(sentPart).isEqualTo(answer.at("/candidates/0/content/parts/0"));
  }

  @Test
  void aBlockedPromptIsA400NamingTheReason() {
    ObjectNode blocked = (ObjectNode) GeminiRequestMappingTest.json(Fixtures.read("gemini/generate_prompt_blocked_safety.vertex.json"));
    assertThatThrownBy(() -> GeminiMapper.fromGeminiResponse(blocked, "m", CREATED))
        .isInstanceOfSatisfying(GatewayException.UpstreamRejected.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.code()).isEqualTo("content_filter");
          assertThat(e.getMessage()).contains("blockReason " + blocked.at("/promptFeedback/blockReason").asText());
        });
  }

  @Test
  void aBodyWithoutCandidatesIsABadUpstreamResponse() {
    assertThatThrownBy(() -> GeminiMapper.fromGeminiResponse(Json.object(), "m", CREATED))
        .isInstanceOfSatisfying(GatewayException.ProviderFailure.class,
            e -> assertThat(e.code()).isEqualTo("bad_upstream_response"));
  }

  @Test
  void severalCandidatesAreSeveralChoices() {
    ObjectNode answer = fixture("generate_text_system_instruction");
    ArrayNode candidates = (ArrayNode) answer.get("candidates");
    ObjectNode second = candidates.get(0).deepCopy();
    ((ObjectNode) second.at("/content/parts/0")).put("text", "Paris.");
    second.put("index", 1).put("finishReason", "MAX_TOKENS");
    ((ObjectNode) candidates.get(0)).put("index", 0);
    candidates.add(second);
    ObjectNode out = GeminiMapper.fromGeminiResponse(answer, "m", CREATED);
    assertThat(out.at("/choices/1/index").asInt()).isEqualTo(1);
    assertThat(out.at("/choices/1/message/content").asText()).isEqualTo("Paris.");
    assertThat(out.at("/choices/1/finish_reason").asText()).isEqualTo("length");
    assertThat(out.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
  }
}
