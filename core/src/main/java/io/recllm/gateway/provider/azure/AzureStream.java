package io.recllm.gateway.provider.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.SseEvent;
import io.recllm.gateway.provider.StreamTranslator;
import java.util.function.Consumer;

/**
 * Azure's stream is OpenAI's with one extra event first: {@code choices: []}, an empty id, model and
 * object, and the prompt's {@code prompt_filter_results}. Passed on as it is, it would look like a usage
 * chunk or a message without an id to OpenAI clients, so it is held back and its filter results ride on
 * the next chunk that has choices. Every other chunk (with its {@code content_filter_results}) passes
 * through as the OpenAI pass-through reads it.
 */
final class AzureStream implements StreamTranslator {

  private final StreamTranslator openAi;
  private JsonNode promptFilterResults;

  AzureStream(StreamTranslator openAi) {
    this.openAi = openAi;
  }

  @Override
  public void onEvent(SseEvent event, Consumer<ChatChunk> out) {
    openAi.onEvent(event, chunk -> {
      if (!chunk.hasChoices() && !chunk.hasUsage() && chunk.model() != null && chunk.model().isEmpty()) {
        JsonNode results = chunk.json().get("prompt_filter_results");
        if (results != null) promptFilterResults = results;
        return;
      }
      if (promptFilterResults != null && chunk.hasChoices()) {
        ObjectNode json = chunk.json().deepCopy();
        json.set("prompt_filter_results", promptFilterResults);
        promptFilterResults = null;
        chunk = ChatChunk.of(json);
      }
      out.accept(chunk);
    });
  }

  @Override
  public void onEnd(Consumer<ChatChunk> out) {
    openAi.onEnd(out);
  }
}
