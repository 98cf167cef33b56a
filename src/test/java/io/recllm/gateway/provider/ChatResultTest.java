package io.recllm.gateway.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.json.Json;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An upstream's answer scanned from its bytes gives the same facts as its parsed tree. */
class ChatResultTest {

  @ParameterizedTest
  @ValueSource(strings = {"chat_completion_text.json", "chat_completion_text_reasoning_usage.json",
      "chat_completion_tool_calls.json"})
  void scanningTheRecordedAnswersFindsWhatTheTreeSays(String fixture) throws Exception {
    String text = Fixtures.read("openai/" + fixture);
    ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(text);
    ChatResult fromTree = new ChatResult(tree, TokenUsage.fromOpenAi(tree.get("usage")), "req_1");
    ChatResult scanned = ChatResult.ofRaw(Buffer.buffer(text), "req_1");

    assertThat(scanned.responseModel()).isEqualTo(fromTree.responseModel()).isNotNull();
    assertThat(scanned.finishReason()).isEqualTo(fromTree.finishReason()).isNotNull();
    assertThat(scanned.serviceTier()).isEqualTo(fromTree.serviceTier());
    assertThat(scanned.usage()).isEqualTo(fromTree.usage());
    assertThat(scanned.usage().totalTokens()).isPositive();
    assertThat(scanned.raw().toString()).isEqualTo(text);
    assertThat(scanned.body()).isEqualTo(tree);
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "\"text\"", "{\"model\": ", "not json", ""})
  void anythingButAJsonObjectIsRefused(String text) {
    assertThatThrownBy(() -> ChatResult.ofRaw(Buffer.buffer(text), null)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"model\":1,\"choices\":{},\"usage\":[1,2],\"service_tier\":{\"a\":[]}}",
      "{\"choices\":[7,{\"finish_reason\":\"stop\"}]}",
      "{\"choices\":[{\"finish_reason\":null,\"message\":{\"finish_reason\":\"nested\"}}]}"})
  void oddShapesGiveNoFactsRatherThanWrongOnes(String text) {
    ChatResult r = ChatResult.ofRaw(Buffer.buffer(text), null);
    assertThat(r.responseModel()).isNull();
    assertThat(r.finishReason()).isNull();
    assertThat(r.serviceTier()).isNull();
    assertThat(r.usage()).isEqualTo(TokenUsage.NONE);
  }
}
