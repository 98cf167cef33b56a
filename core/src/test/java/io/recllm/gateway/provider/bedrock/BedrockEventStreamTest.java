package io.recllm.gateway.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatChunk;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event-stream framing and the translator's state machine, beyond the golden transcripts. */
class BedrockEventStreamTest {

  private final List<ChatChunk> out = new ArrayList<>();

  private BedrockStreamDecoder decoder() {
    return new BedrockStreamDecoder(new BedrockStreamTranslator("chatcmpl-t", "m", 1L));
  }

  @Test
  void aPayloadWithAFlippedBitFailsTheMessageCrcAfterTheGoodFramesWereTranslated() {
    byte[] good = EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}");
    byte[] bad = EventStreamFrames.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hi\"}}");
    bad[bad.length - 8] ^= 0x01; // inside the payload
    BedrockStreamDecoder d = decoder();
    assertThatThrownBy(() -> d.feed(EventStreamFrames.concat(good, bad), out::add))
        .isInstanceOfSatisfying(GatewayException.ProviderFailure.class, e -> {
          assertThat(e.code()).isEqualTo("bad_upstream_stream");
          assertThat(e.getMessage()).contains("Message checksum failure");
        });
    assertThat(out).hasSize(1); // the role chunk of the good frame
    d.feed(good, out::add);
    d.end(out::add);
    assertThat(out).as("a failed stream stays failed").hasSize(1);
  }

  @Test
  void aCorruptPreludeFailsThePreludeCrcBeforeAnyLengthIsTrusted() {
    byte[] frame = EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}");
    frame[2] = 0x7f; // total length now huge; only the prelude CRC says so
    assertThatThrownBy(() -> decoder().feed(frame, out::add))
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.getMessage()).contains("Prelude checksum failure"));
  }

  @Test
  void theRecordedFixtureDecodesAndTheCorruptedOneDoesNot() {
    byte[] body = Fixtures.bytes("bedrock/converse_stream_basic.bin");
    BedrockStreamDecoder d = decoder();
    d.feed(body, out::add);
    d.end(out::add);
    assertThat(out).hasSize(11);
    byte[] corrupt = body.clone();
    corrupt[1000] ^= 0x20;
    assertThatThrownBy(() -> decoder().feed(corrupt, c -> { })).isInstanceOf(GatewayException.ProviderFailure.class)
        .hasMessageContaining("checksum");
  }

  /** botocore's positive and negative framing cases, through the decoder the gateway uses. */
  @Test
  void botocoreTestVectors() throws Exception {
    JsonNode vectors = Json.MAPPER.readTree(Fixtures.read("bedrock/eventstream_test_vectors.json"));
    int positives = 0;
    for (JsonNode c : vectors.path("positive")) {
      List<software.amazon.awssdk.eventstream.Message> messages = new ArrayList<>();
      new software.amazon.awssdk.eventstream.MessageDecoder(messages::add).feed(HexFormat.of().parseHex(c.path("hex").asText()));
      assertThat(messages).as(c.path("name").asText()).hasSize(1);
      assertThat(HexFormat.of().formatHex(messages.get(0).getPayload())).isEqualTo(c.path("expected").path("payload_hex").asText());
      positives++;
    }
    assertThat(positives).isGreaterThan(5);
    int negatives = 0;
    List<String> accepted = new ArrayList<>();
    for (JsonNode c : vectors.path("negative")) {
      if (!c.path("hex").asText("").matches("[0-9a-fA-F]+")) continue; // described, not inlined (24 MiB)
      byte[] bytes = HexFormat.of().parseHex(c.path("hex").asText());
      try {
        decoder().feed(bytes, out::add);
        accepted.add(c.path("name").asText());
      } catch (GatewayException.ProviderFailure e) {
        assertThat(e.code()).isEqualTo("bad_upstream_stream");
      }
      negatives++;
    }
    // The SDK's decoder keeps the last of two headers with one name instead of refusing the message;
    // harmless here (ConverseStream never repeats a header), and every corruption is caught by a CRC.
    assertThat(accepted).containsExactly("DUPLICATE_HEADER");
    assertThat(negatives).isGreaterThan(1);
  }

  @Test
  void aBodyThatEndsBeforeMessageStopIsTruncatedAndOneThatStopsWithoutMetadataIsComplete() {
    byte[] start = EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}");
    byte[] text = EventStreamFrames.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hi\"}}");
    BedrockStreamDecoder cut = decoder();
    cut.feed(EventStreamFrames.concat(start, text, new byte[] {0, 0, 0}), out::add); // half a prelude follows
    assertThatThrownBy(() -> cut.end(out::add)).isInstanceOfSatisfying(GatewayException.class, e -> {
      assertThat(e.code()).isEqualTo("upstream_truncated");
      assertThat(e.status()).isEqualTo(502);
    });

    out.clear();
    BedrockStreamTranslator t = new BedrockStreamTranslator("chatcmpl-t", "m", 1L);
    BedrockStreamDecoder stopped = new BedrockStreamDecoder(t);
    stopped.feed(EventStreamFrames.concat(start, text, EventStreamFrames.event("messageStop", "{\"stopReason\":\"max_tokens\"}")),
        out::add);
    stopped.end(out::add);
    assertThat(out.get(out.size() - 1).finishReason()).isEqualTo("length");
    assertThat(t.usage()).as("no metadata: the gateway estimates").isNull();
  }

  @Test
  void inStreamExceptionsMapAsTheirHttpCounterparts() {
    byte[] start = EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}");
    assertThatThrownBy(() -> decoder().feed(EventStreamFrames.concat(start,
        EventStreamFrames.exception("throttlingException", "{\"message\":\"Too many tokens, please wait before trying again.\"}")), out::add))
        .isInstanceOfSatisfying(GatewayException.RateLimited.class, e -> {
          assertThat(e.status()).isEqualTo(429);
          assertThat(e.code()).isEqualTo("ThrottlingException");
          assertThat(e.getMessage()).isEqualTo("Too many tokens, please wait before trying again.");
        });
    assertThatThrownBy(() -> decoder().feed(EventStreamFrames.concat(start,
        EventStreamFrames.exception("validationException", "{\"message\":\"bad input\"}")), out::add))
        .isInstanceOfSatisfying(GatewayException.UpstreamRejected.class, e -> assertThat(e.status()).isEqualTo(400));
    assertThatThrownBy(() -> decoder().feed(EventStreamFrames.concat(start,
        EventStreamFrames.exception("serviceUnavailableException", "{\"message\":\"busy\"}")), out::add))
        .isInstanceOfSatisfying(GatewayException.ProviderFailure.class, e -> assertThat(e.retryable()).isTrue());
  }

  @Test
  void redactedThinkingAndToolCallsWithoutArgumentsKeepTheirShape() {
    BedrockStreamDecoder d = decoder();
    d.feed(EventStreamFrames.concat(
        EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}"),
        EventStreamFrames.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":{\"redactedContent\":\"RVVsZWN0\"}}}"),
        EventStreamFrames.event("contentBlockStop", "{\"contentBlockIndex\":0}"),
        EventStreamFrames.event("contentBlockStart", "{\"contentBlockIndex\":1,\"start\":{\"toolUse\":{\"name\":\"now\",\"toolUseId\":\"tooluse_1\"}}}"),
        EventStreamFrames.event("contentBlockStop", "{\"contentBlockIndex\":1}"),
        EventStreamFrames.event("messageStop", "{\"stopReason\":\"tool_use\"}"),
        EventStreamFrames.event("metadata", "{\"usage\":{\"inputTokens\":5,\"outputTokens\":7,\"cacheReadInputTokens\":100,\"cacheWriteInputTokens\":20,\"totalTokens\":132}}")),
        out::add);
    d.end(out::add);
    assertThat(out.get(1).json().at("/choices/0/delta/reasoning_details/0").toString())
        .isEqualTo("{\"type\":\"reasoning.encrypted\",\"data\":\"RVVsZWN0\",\"format\":\"anthropic-claude-v1\",\"index\":0}");
    assertThat(out.get(3).json().at("/choices/0/delta/tool_calls/0/function/arguments").asText()).isEqualTo("{}");
    assertThat(out.get(4).finishReason()).isEqualTo("tool_calls");
    var usage = out.get(5).usage();
    assertThat(usage.promptTokens()).isEqualTo(125);
    assertThat(usage.cachedTokens()).isEqualTo(100);
    assertThat(usage.cacheWriteTokens()).isEqualTo(20);
    assertThat(out.get(5).json().at("/usage/prompt_tokens_details/cached_tokens").asLong()).isEqualTo(100);
  }
}
