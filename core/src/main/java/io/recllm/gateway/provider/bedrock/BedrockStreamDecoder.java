package io.recllm.gateway.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.ProviderCounters;
import io.recllm.gateway.provider.UpstreamSseStream;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.eventstream.Message;
import software.amazon.awssdk.eventstream.MessageDecoder;

/**
 * A ConverseStream body (AWS event-stream framing, {@code application/vnd.amazon.eventstream}) → OpenAI
 * chunks, as bytes arrive. The framing is the AWS SDK's own {@link MessageDecoder}: it holds only the
 * message being assembled (a 2 KiB buffer, grown to the largest message), takes frames split at any byte,
 * checks each prelude's and message's CRC-32 and refuses oversized headers and payloads. A frame that
 * fails a check ends the stream with {@code bad_upstream_stream}, naming the check.
 */
public final class BedrockStreamDecoder implements UpstreamSseStream.BodyDecoder {

  private final BedrockStreamTranslator translator;
  private final List<Message> messages = new ArrayList<>(4);
  private final MessageDecoder frames = new MessageDecoder(messages::add);
  private boolean failed;

  public BedrockStreamDecoder(BedrockStreamTranslator translator) {
    this.translator = translator;
  }

  @Override
  public void feed(Buffer bytes, Consumer<ChatChunk> out) {
    feed(bytes.getBytes(), out);
  }

  public void feed(byte[] bytes, Consumer<ChatChunk> out) {
    if (failed) return;
    GatewayException frameError = null;
    try {
      frames.feed(bytes);
    } catch (IllegalArgumentException | IllegalStateException e) {
      failed = true;
      frameError = new GatewayException.ProviderFailure("bad_upstream_stream",
          "Bedrock sent an event-stream frame that failed its check: " + e.getMessage(), 200, false, e);
    }
    // the messages framed before a bad one still reach the client, then the stream fails
    try {
      for (Message m : messages) emit(translator.onMessage(m), out);
    } finally {
      messages.clear();
    }
    if (frameError != null) throw frameError;
  }

  @Override
  public void end(Consumer<ChatChunk> out) {
    if (failed) return;
    emit(translator.onEnd(), out);
  }

  private void emit(List<ObjectNode> chunks, Consumer<ChatChunk> out) {
    for (ObjectNode c : chunks) {
      JsonNode choices = c.get("choices");
      boolean usageOnly = c.has("usage") && choices != null && choices.isEmpty();
      if (!usageOnly && choices != null && choices.path(0).hasNonNull("finish_reason")
          && !BedrockMapper.isKnownStopReason(translator.stopReason())) {
        ProviderCounters.unknownStopReason();
      }
      out.accept(usageOnly ? ChatChunk.of(c, translator.usage()) : ChatChunk.of(c));
    }
  }
}
