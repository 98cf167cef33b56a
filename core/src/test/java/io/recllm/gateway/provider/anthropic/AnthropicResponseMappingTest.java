package io.recllm.gateway.provider.anthropic;

import static io.recllm.gateway.provider.anthropic.AnthropicStreamGoldenTest.parse;
import static io.recllm.gateway.provider.anthropic.AnthropicStreamGoldenTest.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.provider.ChatResult;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Non-streaming Anthropic messages → OpenAI chat.completion, on every recorded message. */
class AnthropicResponseMappingTest {

  static final long CREATED = 1_700_000_000L;

  static ObjectNode message(String name) {
    return (ObjectNode) parse(new String(resource("fixtures/anthropic/" + name + ".json"), StandardCharsets.UTF_8));
  }

  /** Compared as the client reads it: serialised and parsed back. */
  static void assertMaps(ObjectNode anthropic, String expectedOpenAi) {
    JsonNode actual = parse(AnthropicMapper.fromAnthropicResponse(anthropic, CREATED).toString());
    assertThat(actual).isEqualTo(parse(expectedOpenAi));
  }

  @Test
  void textAnswer2024Shape() {
    assertMaps(message("message_text_raw_2024"), """
        {"id":"msg_01CoMFKR4gME3RR2mXJKpB5K","object":"chat.completion","created":1700000000,
         "model":"claude-3-haiku-20240307",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Hello! It's nice to meet you. I'm an AI assistant created by Anthropic. I'm here to help with all sorts of tasks, from research and analysis to creative projects and problem-solving. Please let me know if you have any questions or if there's anything I can assist you with."},
                     "logprobs":null,"finish_reason":"stop"}],
         "usage":{"prompt_tokens":10,"completion_tokens":66,"total_tokens":76,"prompt_tokens_details":{"cached_tokens":0}}}""");
  }

  @Test
  void textAnswer() {
    assertMaps(message("message_text_system_string"), """
        {"id":"msg_01Fg1JVgvCYUHWsxrj9GkpEv","object":"chat.completion","created":1700000000,
         "model":"claude-3-opus-20240229",
         "choices":[{"index":0,"message":{"role":"assistant","content":"The capital of France is Paris."},
                     "logprobs":null,"finish_reason":"stop"}],
         "usage":{"prompt_tokens":20,"completion_tokens":10,"total_tokens":30,"prompt_tokens_details":{"cached_tokens":0}}}""");
  }

  @Test
  void stopSequenceFinishesWithStop() {
    assertMaps(message("message_stop_sequence"), """
        {"id":"msg_01376yZQxHcw9pER2Ab2SvQb","object":"chat.completion","created":1700000000,
         "model":"claude-sonnet-4-5-20250929",
         "choices":[{"index":0,"message":{"role":"assistant","content":"The beautiful city of "},
                     "logprobs":null,"finish_reason":"stop"}],
         "usage":{"prompt_tokens":32,"completion_tokens":5,"total_tokens":37,"prompt_tokens_details":{"cached_tokens":0}}}""");
  }

  @Test
  void textAndTwoToolCalls() {
    // arguments are the compact JSON of each tool_use input
    assertMaps(message("message_tool_use"), """
        {"id":"msg_01UaeArcGjaycoQeRPRt5CWw","object":"chat.completion","created":1700000000,
         "model":"claude-sonnet-4-5-20250929",
         "choices":[{"index":0,"message":{"role":"assistant",
            "content":"I'll get the weather and elevation information for Denver.",
            "tool_calls":[
              {"id":"toolu_01BBTvQnxdxk7vPHD1ytXyGs","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Denver\\"}"}},
              {"id":"toolu_017Q9pGQ9Hx126pyyLLnVqJV","type":"function","function":{"name":"get_elevation","arguments":"{\\"city\\":\\"Denver\\"}"}}]},
            "logprobs":null,"finish_reason":"tool_calls"}],
         "usage":{"prompt_tokens":612,"completion_tokens":101,"total_tokens":713,"prompt_tokens_details":{"cached_tokens":0}}}""");
  }

  @Test
  void answerAfterToolResults() {
    assertMaps(message("message_after_tool_result"), """
        {"id":"msg_01Dd9NbJY2U5USxC51mo2UUX","object":"chat.completion","created":1700000000,
         "model":"claude-sonnet-4-5-20250929",
         "choices":[{"index":0,"message":{"role":"assistant","content":"The weather in Denver is **Sunny** with a temperature of **22°C** (about 72°F).\\n\\nDenver's elevation is **650 meters above sea level** (approximately 2,133 feet)."},
                     "logprobs":null,"finish_reason":"stop"}],
         "usage":{"prompt_tokens":798,"completion_tokens":50,"total_tokens":848,"prompt_tokens_details":{"cached_tokens":0}}}""");
  }

  @Test
  void imageAnswer() {
    assertMaps(message("message_image_base64_input"), """
        {"id":"msg_01KHctj7AyWoJWmwcFoXsDH6","object":"chat.completion","created":1700000000,
         "model":"claude-haiku-4-5-20251001",
         "choices":[{"index":0,"message":{"role":"assistant","content":"This is a **potato**, specifically a yellow or gold potato variety. You can identify it by its characteristic features:\\n\\n- **Oval/round shape** with smooth skin\\n- **Golden-yellow color** with small dark spots or eyes\\n- **Starchy appearance** typical of potatoes\\n\\nThis appears to be a russet or similar yellow potato variety commonly used for cooking, baking, or making mashed potatoes."},
                     "logprobs":null,"finish_reason":"stop"}],
         "usage":{"prompt_tokens":276,"completion_tokens":92,"total_tokens":368,"prompt_tokens_details":{"cached_tokens":0}}}""");
  }

  @Test
  void cacheReadsAndWritesCountAsPromptTokens() {
    // input 3 + cache read 1111 + cache write 418 = 1532, of which 1111 were cached reads.
    assertMaps(message("message_cache_usage"), """
        {"id":"msg_01KPaKTJSqAKoZri7Ujrny58","object":"chat.completion","created":1700000000,
         "model":"claude-sonnet-4-5-20250929",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Python is a beginner-friendly, versatile programming language widely used for web development, data science, machine learning, automation, and scientific computing."},
                     "logprobs":null,"finish_reason":"stop"}],
         "usage":{"prompt_tokens":1532,"completion_tokens":33,"total_tokens":1565,"prompt_tokens_details":{"cached_tokens":1111}}}""");
    assertThat(AnthropicMapper.usageOf(message("message_cache_usage").get("usage")))
        .isEqualTo(new TokenUsage(1532, 33, 1565, 1111, 418, 0, false));
  }

  @Test
  void thinkingBecomesReasoningContentAndReasoningDetailsWithSignaturesAndServerToolsAreDropped() {
    assertMaps((ObjectNode) parse("""
        {"id":"msg_x","type":"message","role":"assistant","model":"claude-opus-4-1",
         "content":[
           {"type":"thinking","thinking":"Step one.","signature":"sig"},
           {"type":"redacted_thinking","data":"opaque"},
           {"type":"thinking","thinking":" Step two.","signature":"sig2"},
           {"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{"query":"q"}},
           {"type":"web_search_tool_result","tool_use_id":"srvtoolu_1","content":[]},
           {"type":"text","text":"Answer"},
           {"type":"text","text":" continued."}],
         "stop_reason":"end_turn","stop_sequence":null,
         "usage":{"input_tokens":5,"output_tokens":7}}"""), """
        {"id":"msg_x","object":"chat.completion","created":1700000000,"model":"claude-opus-4-1",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Answer continued.",
                     "reasoning_content":"Step one. Step two.",
                     "reasoning_details":[
                       {"type":"reasoning.text","text":"Step one.","signature":"sig","format":"anthropic-claude-v1","index":0},
                       {"type":"reasoning.encrypted","data":"opaque","format":"anthropic-claude-v1","index":1},
                       {"type":"reasoning.text","text":" Step two.","signature":"sig2","format":"anthropic-claude-v1","index":2}]},
                     "logprobs":null,"finish_reason":"stop"}],
         "usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12,"prompt_tokens_details":{"cached_tokens":0}}}""");
  }

  @Test
  void onlyToolCallsGivesNullContentAndEmptyInputGivesEmptyObject() {
    assertMaps((ObjectNode) parse("""
        {"id":"msg_y","type":"message","role":"assistant","model":"m",
         "content":[{"type":"tool_use","id":"toolu_a","name":"now","input":{}},
                    {"type":"tool_use","id":"toolu_b","name":"pi","input":{"digits":2.50}}],
         "stop_reason":"tool_use","usage":{"input_tokens":1,"output_tokens":2}}"""), """
        {"id":"msg_y","object":"chat.completion","created":1700000000,"model":"m",
         "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
            {"id":"toolu_a","type":"function","function":{"name":"now","arguments":"{}"}},
            {"id":"toolu_b","type":"function","function":{"name":"pi","arguments":"{\\"digits\\":2.50}"}}]},
           "logprobs":null,"finish_reason":"tool_calls"}],
         "usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3,"prompt_tokens_details":{"cached_tokens":0}}}""");
  }

  @Test
  void maxTokensAndRefusal() {
    ObjectNode msg = message("message_text_system_string");
    msg.put("stop_reason", "max_tokens");
    assertThat(AnthropicMapper.fromAnthropicResponse(msg, CREATED).at("/choices/0/finish_reason").asText()).isEqualTo("length");
    msg.put("stop_reason", "refusal");
    assertThat(AnthropicMapper.fromAnthropicResponse(msg, CREATED).at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
  }

  @Test
  void inputIsNotModified() {
    ObjectNode msg = message("message_tool_use");
    ObjectNode before = msg.deepCopy();
    AnthropicMapper.fromAnthropicResponse(msg, CREATED);
    assertThat(msg).isEqualTo(before);
  }

  @Test
  void chatResultCarriesUsageAndRequestId() {
    ChatResult result = AnthropicMapper.toChatResult(message("message_cache_usage"), CREATED, "req_1");
    assertThat(result.usage()).isEqualTo(new TokenUsage(1532, 33, 1565, 1111, 418, 0, false));
    assertThat(result.upstreamRequestId()).isEqualTo("req_1");
    assertThat(result.finishReason()).isEqualTo("stop");
    assertThat(result.responseModel()).isEqualTo("claude-sonnet-4-5-20250929");
  }

  @Test
  void aBodyThatIsNotAMessageIsAProviderFailure() {
    assertThatThrownBy(() -> AnthropicMapper.fromAnthropicResponse((ObjectNode) parse("{\"type\":\"error\"}"), CREATED))
        .isInstanceOfSatisfying(GatewayException.ProviderFailure.class,
            e -> assertThat(e.code()).isEqualTo("bad_upstream_response"));
  }

  @Test
  void usageOfMissingOrOldShapes() {
    assertThat(AnthropicMapper.usageOf(null)).isEqualTo(TokenUsage.NONE);
    assertThat(AnthropicMapper.usageOf(parse("{\"input_tokens\":10,\"output_tokens\":66}")))
        .isEqualTo(new TokenUsage(10, 66, 76, 0, 0, 0, false));
  }

  @ParameterizedTest
  @CsvSource({
      "end_turn, stop, true",
      "stop_sequence, stop, true",
      "max_tokens, length, true",
      "model_context_window_exceeded, length, true",
      "tool_use, tool_calls, true",
      "refusal, content_filter, true",
      "pause_turn, stop, true",
      "something_new, stop, false"})
  void finishReasons(String stopReason, String finishReason, boolean known) {
    assertThat(AnthropicMapper.finishReason(stopReason)).isEqualTo(finishReason);
    assertThat(AnthropicMapper.isKnownStopReason(stopReason)).isEqualTo(known);
  }

  @Test
  void missingStopReasonIsStopButNotKnown() {
    assertThat(AnthropicMapper.finishReason(null)).isEqualTo("stop");
    assertThat(AnthropicMapper.isKnownStopReason(null)).isFalse();
  }
}
