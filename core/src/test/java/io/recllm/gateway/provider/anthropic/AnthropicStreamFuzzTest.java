package io.recllm.gateway.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.fuzz.Contracts;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.SseEvent;
import io.recllm.gateway.provider.SseParser;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An Anthropic event stream, any bytes, through the SSE parser and the stream translator: either a
 * {@link GatewayException} with a message, or OpenAI chunks that read back the same way the gateway's
 * wire scan reads them, ending with a finish chunk and a usage chunk. Seeds: the recorded transcripts.
 */
class AnthropicStreamFuzzTest {

  static final long CREATED = 1_700_000_000L;

  @FuzzTest
  void translateStream(byte[] stream) {
    List<SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    parser.feed(stream);
    parser.end();

    AnthropicStreamTranslator translator = new AnthropicStreamTranslator(CREATED);
    List<ObjectNode> chunks = new ArrayList<>();
    boolean failed = false;
    try {
      for (SseEvent event : events) chunks.addAll(translator.onEvent(event));
      chunks.addAll(translator.onEnd());
    } catch (GatewayException e) {
      Contracts.readableFailure(e);
      failed = true;
    }
    if (failed || translator.isFinished()) {
      // once failed or finished, nothing more comes out
      for (SseEvent event : events) assertThat(translator.onEvent(event)).isEmpty();
      assertThat(translator.onEnd()).isEmpty();
    }
    assertThat(translator.usage()).isNotNull();

    Set<Integer> toolIndexes = new HashSet<>();
    int finishChunks = 0;
    for (int i = 0; i < chunks.size(); i++) {
      ObjectNode chunk = chunks.get(i);
      assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
      assertThat(chunk.path("created").asLong()).isEqualTo(CREATED);
      assertThat(chunk.path("id").isTextual()).as("id of %s", chunk).isTrue();
      assertThat(chunk.path("choices").isArray()).isTrue();
      Contracts.survivesWriteAndRead(chunk);
      ChatChunk scanned = ChatChunk.parse(chunk.toString());
      Contracts.scanAgreesWithTree(scanned, chunk);
      JsonNode choices = chunk.get("choices");
      if (choices.isEmpty()) {
        assertThat(i).as("the usage chunk comes last").isEqualTo(chunks.size() - 1);
        assertThat(chunk.has("usage")).isTrue();
        continue;
      }
      JsonNode choice = choices.get(0);
      if (!choice.path("finish_reason").isNull()) finishChunks++;
      for (JsonNode call : choice.path("delta").path("tool_calls")) {
        int index = call.path("index").asInt(-1);
        assertThat(index).isNotNegative();
        if (toolIndexes.add(index)) {
          assertThat(index).as("tool calls are numbered in order").isEqualTo(toolIndexes.size() - 1);
          assertThat(call.path("id").isTextual()).isTrue();
          assertThat(call.at("/function/name").isTextual()).isTrue();
        }
      }
    }
    assertThat(finishChunks).isLessThanOrEqualTo(1);
    if (translator.isFinished()) {
      assertThat(finishChunks).isEqualTo(1);
      assertThat(chunks.get(chunks.size() - 1).get("choices")).isEmpty();
      assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
    }
  }
}
