package io.recllm.gateway.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.recllm.gateway.fuzz.Contracts;
import java.util.ArrayList;
import java.util.List;

/**
 * An OpenAI-compatible stream, any bytes: every event is either refused with
 * {@link IllegalArgumentException} (which the pass-through turns into a provider failure) or scanned
 * into the same facts that reading it as a tree gives. Seeds are the recorded OpenAI streams.
 */
class ChatChunkFuzzTest {

  @FuzzTest
  void scanOpenAiStream(byte[] stream) {
    List<SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    parser.feed(stream);
    parser.end();
    for (SseEvent event : events) {
      if (event.data().equals("[DONE]")) continue;
      ChatChunk chunk;
      try {
        chunk = ChatChunk.parse(event.data());
      } catch (IllegalArgumentException e) {
        assertThat(e.getMessage()).isNotBlank();
        continue;
      }
      assertThat(chunk.text()).isEqualTo(event.data());
      // built lazily from the text the scan accepted, so it must not fail
      assertThat(chunk.json()).isNotNull();
      if (Contracts.hasNoDuplicateKeys(event.data())) Contracts.scanAgreesWithTree(chunk, chunk.json());
    }
  }
}
