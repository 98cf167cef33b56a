package io.recllm.gateway.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.json.Json;
import org.junit.jupiter.api.Test;

/** Recorded Converse answers → OpenAI chat completions. */
class BedrockResponseMappingTest {

  private static ObjectNode answer(String fixture) throws Exception {
    return (ObjectNode) Json.MAPPER.readTree(Fixtures.read("bedrock/" + fixture));
  }

  private static JsonNode completion(ObjectNode answer) {
    return BedrockMapper.fromConverseResponse(answer, "chatcmpl-1", "model-x", 1700000000L);
  }

  @Test
  void toolUseBecomesToolCallsWithTheirIds() throws Exception {
    JsonNode c = completion(answer("converse_tool_use.json"));
    assertThat(c.toString()).isEqualTo("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1700000000,"
        + "\"model\":\"model-x\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"<thinking> To"
        + " determine the capital of France, I can use the provided tool that returns the capital of a given country. Since"
        + " the country in question is France, I will use the tool with the country parameter set to \\\"France\\\"."
        + " </thinking>\\n\",\"tool_calls\":[{\"id\":\"tooluse_Ze_bgl9CSqu8aJv7XD-_Dw\",\"type\":\"function\",\"function\":"
        + "{\"name\":\"get_capital\",\"arguments\":\"{\\\"country\\\":\\\"France\\\"}\"}}]},\"logprobs\":null,"
        + "\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":426,\"completion_tokens\":66,\"total_tokens\":492,"
        + "\"prompt_tokens_details\":{\"cached_tokens\":0}}}");
  }

  @Test
  void cacheWritesAndReadsCountInThePromptAndAreKeptApart() throws Exception {
    TokenUsage write = BedrockMapper.usageOf(answer("converse_cache_write.json").get("usage"));
    assertThat(write).isEqualTo(new TokenUsage(1324, 5, 1329, 0, 1322, 0, false));
    ObjectNode read = answer("converse_cache_read.json");
    assertThat(BedrockMapper.usageOf(read.get("usage"))).isEqualTo(new TokenUsage(1324, 5, 1329, 1322, 0, 0, false));
    assertThat(completion(read).get("usage").toString()).isEqualTo("{\"prompt_tokens\":1324,\"completion_tokens\":5,"
        + "\"total_tokens\":1329,\"prompt_tokens_details\":{\"cached_tokens\":1322}}");
  }

  @Test
  void stopReasons() throws Exception {
    assertThat(completion(answer("converse_max_tokens.json")).at("/choices/0/finish_reason").asText()).isEqualTo("length");
    assertThat(completion(answer("converse_text_system.json")).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    for (String[] pair : new String[][] {{"stop_sequence", "stop"}, {"guardrail_intervened", "content_filter"},
        {"content_filtered", "content_filter"}, {"model_context_window_exceeded", "length"}, {"tool_use", "tool_calls"}}) {
      assertThat(BedrockMapper.finishReason(pair[0])).as(pair[0]).isEqualTo(pair[1]);
      assertThat(BedrockMapper.isKnownStopReason(pair[0])).isTrue();
    }
    assertThat(BedrockMapper.finishReason("something_new")).isEqualTo("stop");
    assertThat(BedrockMapper.isKnownStopReason("something_new")).isFalse();
  }

  /** Shape per the service model's ReasoningContentBlock (no non-streaming Claude recording). */
  @Test
  void claudeThinkingIsExposedAsReasoningDetails() throws Exception {
    ObjectNode a = (ObjectNode) Json.MAPPER.readTree("{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":["
        + "{\"reasoningContent\":{\"reasoningText\":{\"text\":\"Think.\",\"signature\":\"EuSig==\"}}},"
        + "{\"reasoningContent\":{\"redactedContent\":\"UkVE\"}},{\"text\":\"Hi\"}]}},\"stopReason\":\"end_turn\","
        + "\"usage\":{\"inputTokens\":3,\"outputTokens\":4,\"totalTokens\":7}}");
    JsonNode msg = completion(a).at("/choices/0/message");
    assertThat(msg.path("content").asText()).isEqualTo("Hi");
    assertThat(msg.path("reasoning_content").asText()).isEqualTo("Think.");
    assertThat(msg.path("reasoning_details").toString()).isEqualTo("[{\"type\":\"reasoning.text\",\"text\":\"Think.\","
        + "\"signature\":\"EuSig==\",\"format\":\"anthropic-claude-v1\",\"index\":0},{\"type\":\"reasoning.encrypted\","
        + "\"data\":\"UkVE\",\"format\":\"anthropic-claude-v1\",\"index\":1}]");
    // and back: the assistant message as the client received it is the next turn's thinking
    ObjectNode next = (ObjectNode) Json.MAPPER.readTree("{\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");
    ((com.fasterxml.jackson.databind.node.ArrayNode) next.get("messages")).add(msg);
    assertThat(BedrockMapper.toConverseRequest(next, "anthropic.claude-x").at("/messages/1/content").toString())
        .isEqualTo("[{\"reasoningContent\":{\"reasoningText\":{\"text\":\"Think.\",\"signature\":\"EuSig==\"}}},"
            + "{\"reasoningContent\":{\"redactedContent\":\"UkVE\"}},{\"text\":\"Hi\"}]");
  }
}
