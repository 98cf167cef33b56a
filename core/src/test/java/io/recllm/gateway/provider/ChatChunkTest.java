package io.recllm.gateway.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatChunkTest {

  /** The streaming scan of the wire text must see exactly what a full tree shows. */
  @Test
  void scanningTheWireTextAgreesWithTheTreeOnEveryRecordedChunk() throws Exception {
    int checked = 0;
    for (String file : List.of("stream_text_include_usage.sse", "stream_tool_call.sse", "stream_parallel_tool_calls.sse")) {
      for (String data : Fixtures.sseData(Fixtures.read("openai/" + file))) {
        if (data.equals("[DONE]")) continue;
        ChatChunk scanned = ChatChunk.parse(data);
        ChatChunk tree = ChatChunk.of((ObjectNode) Json.MAPPER.readTree(data));
        assertThat(scanned.model()).isEqualTo(tree.model()).isNotNull();
        assertThat(scanned.serviceTier()).isEqualTo(tree.serviceTier());
        assertThat(scanned.finishReason()).isEqualTo(tree.finishReason());
        assertThat(scanned.hasChoices()).isEqualTo(tree.hasChoices());
        assertThat(scanned.hasUsage()).isEqualTo(tree.hasUsage());
        assertThat(scanned.usage()).isEqualTo(tree.usage());
        assertThat(scanned.content()).isEqualTo(tree.content());
        assertThat(scanned.otherText()).isEqualTo(tree.otherText());
        assertThat(scanned.producesOutput()).isEqualTo(tree.producesOutput());
        assertThat(scanned.text()).isEqualTo(data);
        assertThat(scanned.json()).isEqualTo(Json.MAPPER.readTree(data));
        checked++;
      }
    }
    assertThat(checked).isEqualTo(27); // every chunk of the three transcripts
  }

  @Test
  void factsOfTypicalChunks() {
    ChatChunk text = ChatChunk.parse("{\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}");
    assertThat(text.content()).isEqualTo("Hi");
    assertThat(text.producesOutput()).isTrue();
    assertThat(text.finishReason()).isNull();
    assertThat(text.hasUsage()).isFalse();

    ChatChunk tools = ChatChunk.parse("{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\"\"}}]},"
        + "\"finish_reason\":\"tool_calls\"}]}");
    assertThat(tools.otherText()).isEqualTo("f{\"a\"");
    assertThat(tools.finishReason()).isEqualTo("tool_calls");

    ChatChunk usage = ChatChunk.parse("{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7,"
        + "\"prompt_tokens_details\":{\"cached_tokens\":1}}}");
    assertThat(usage.hasChoices()).isFalse();
    assertThat(usage.usage()).isEqualTo(new TokenUsage(3, 4, 7, 1, 0, 0, false));

    ChatChunk nullUsage = ChatChunk.parse("{\"choices\":[{\"delta\":{\"content\":\"\"}}],\"usage\":null}");
    assertThat(nullUsage.hasUsage()).isFalse();
    assertThat(nullUsage.producesOutput()).as("an empty first delta is not output yet").isFalse();

    assertThat(ChatChunk.parse("{\"error\":{\"message\":\"boom\"}}").isError()).isTrue();
  }

  @Test
  void notAnObjectIsRefused() {
    assertThatThrownBy(() -> ChatChunk.parse("[1]")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ChatChunk.parse("{\"a\":")).isInstanceOf(IllegalArgumentException.class);
  }
}
