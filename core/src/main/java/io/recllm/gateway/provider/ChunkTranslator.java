package io.recllm.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.TokenUsage;
import java.util.List;
import java.util.function.Consumer;

/**
 * A pure per-stream translator (upstream events in, OpenAI chunk trees out, no I/O), as adapters
 * write them to test them on recorded streams; {@link #plumbing()} makes it the
 * {@link StreamTranslator} the stream plumbing runs. The usage chunk ({@code choices: []}) goes out
 * with {@link #usage()}, which may hold what OpenAI's usage object cannot (cache writes), and an
 * ending this translator does not know is counted then.
 */
public interface ChunkTranslator {

  List<ObjectNode> onEvent(SseEvent event);

  List<ObjectNode> onEnd();

  TokenUsage usage();

  /** False when the upstream ended for a reason the mapping does not know (it became "stop"). */
  boolean knownStopReason();

  default StreamTranslator plumbing() {
    ChunkTranslator translator = this;
    return new StreamTranslator() {
      @Override
      public void onEvent(SseEvent event, Consumer<ChatChunk> out) {
        emit(translator.onEvent(event), out);
      }

      @Override
      public void onEnd(Consumer<ChatChunk> out) {
        emit(translator.onEnd(), out);
      }

      private void emit(List<ObjectNode> chunks, Consumer<ChatChunk> out) {
        for (ObjectNode c : chunks) {
          JsonNode choices = c.get("choices");
          boolean usageOnly = c.has("usage") && choices != null && choices.isEmpty();
          if (usageOnly && !translator.knownStopReason()) ProviderCounters.unknownStopReason();
          out.accept(usageOnly ? ChatChunk.of(c, translator.usage()) : ChatChunk.of(c));
        }
      }
    };
  }
}
