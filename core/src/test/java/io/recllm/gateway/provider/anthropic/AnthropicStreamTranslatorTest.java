package io.recllm.gateway.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.provider.SseEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The state machine's edges that the recorded transcripts do not reach. */
class AnthropicStreamTranslatorTest {

  static final String START = """
      {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-x",
       "content":[],"stop_reason":null,"usage":{"input_tokens":10,"cache_read_input_tokens":5,
       "cache_creation_input_tokens":2,"output_tokens":1}}}""";
  static final String TEXT_START = """
      {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""";

  final AnthropicStreamTranslator translator = new AnthropicStreamTranslator(42);

  List<ObjectNode> feed(String... events) {
    List<ObjectNode> out = new ArrayList<>();
    for (String e : events) {
      String type = AnthropicStreamGoldenTest.parse(e).path("type").asText();
      out.addAll(translator.onEvent(new SseEvent(type, e, null)));
    }
    return out;
  }

  static String textDelta(String text) {
    return "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}";
  }

  static String messageDelta(String stopReason, String usage) {
    return "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stopReason + "\",\"stop_sequence\":null},\"usage\":" + usage + "}";
  }

  @Test
  void usageIsKnownMidStreamForAClientThatDisconnects() {
    assertThat(translator.usage()).isEqualTo(TokenUsage.NONE);
    feed(START, TEXT_START, textDelta("Hi"));
    // message_start's counts: prompt = 10 + 5 cache read + 2 cache write; output so far 1.
    assertThat(translator.usage()).isEqualTo(new TokenUsage(17, 1, 18, 5, 2, 0, false));
    assertThat(translator.finishReason()).isNull();
    assertThat(translator.messageId()).isEqualTo("msg_1");
    assertThat(translator.model()).isEqualTo("claude-x");
  }

  @Test
  void messageDeltaUsageReplacesOnlyTheCountsItCarries() {
    feed(START, TEXT_START, textDelta("Hi"), messageDelta("end_turn", "{\"output_tokens\":30}"));
    assertThat(translator.usage()).isEqualTo(new TokenUsage(17, 30, 47, 5, 2, 0, false));
    assertThat(translator.finishReason()).isEqualTo("stop");
  }

  @Test
  void maxTokensEndsWithLength() {
    List<ObjectNode> out = feed(START, TEXT_START, textDelta("cut"),
        messageDelta("max_tokens", "{\"output_tokens\":3}"), "{\"type\":\"message_stop\"}");
    ObjectNode fin = out.get(out.size() - 2);
    assertThat(fin.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    assertThat(fin.at("/choices/0/delta").isEmpty()).isTrue();
    assertThat(out.get(out.size() - 1).at("/usage/completion_tokens").asLong()).isEqualTo(3);
    assertThat(translator.isFinished()).isTrue();
  }

  @Test
  void unknownStopReasonFinishesAsStopAndStaysVisibleForCounting() {
    List<ObjectNode> out = feed(START, messageDelta("brand_new_reason", "{\"output_tokens\":2}"),
        "{\"type\":\"message_stop\"}");
    assertThat(out.get(out.size() - 2).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(translator.stopReason()).isEqualTo("brand_new_reason");
    assertThat(AnthropicMapper.isKnownStopReason(translator.stopReason())).isFalse();
  }

  @Test
  void streamCutBeforeTheEndIsAnErrorNotASilentTruncation() {
    feed(START, TEXT_START, textDelta("par"));
    assertThatThrownBy(translator::onEnd)
        .isInstanceOfSatisfying(GatewayException.ProviderFailure.class, e -> {
          assertThat(e.code()).as("the same code as a cut-short OpenAI stream").isEqualTo("upstream_truncated");
          assertThat(e.status()).isEqualTo(502);
          assertThat(e.type()).isEqualTo("api_error");
          assertThat(e.retryable()).as("output already went out").isFalse();
        });
    assertThat(translator.usage().promptTokens()).isEqualTo(17);
    assertThat(translator.onEnd()).isEmpty();
  }

  @Test
  void emptyStreamIsRetryable() {
    assertThatThrownBy(translator::onEnd)
        .isInstanceOfSatisfying(GatewayException.ProviderFailure.class, e -> {
          assertThat(e.code()).isEqualTo("upstream_truncated");
          assertThat(e.status()).isEqualTo(502);
          assertThat(e.retryable()).isTrue();
        });
  }

  @Test
  void streamEndingAfterMessageDeltaButBeforeMessageStopStillFinishes() {
    feed(START, TEXT_START, textDelta("ok"), messageDelta("end_turn", "{\"output_tokens\":4}"));
    List<ObjectNode> out = translator.onEnd();
    assertThat(out).hasSize(2);
    assertThat(out.get(0).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(out.get(1).get("choices").isEmpty()).isTrue();
    assertThat(out.get(1).at("/usage/total_tokens").asLong()).isEqualTo(21);
  }

  @Test
  void contentBeforeMessageStartIsAProtocolError() {
    assertThatThrownBy(() -> feed(TEXT_START))
        .isInstanceOfSatisfying(GatewayException.ProviderFailure.class,
            e -> assertThat(e.code()).isEqualTo("bad_upstream_event"));
    assertThat(feed(START)).as("nothing after a failure").isEmpty();
  }

  @Test
  void nonJsonDataIsAProtocolError() {
    assertThatThrownBy(() -> translator.onEvent(new SseEvent("message_start", "<html>oops", null)))
        .isInstanceOfSatisfying(GatewayException.ProviderFailure.class, e -> {
          assertThat(e.code()).isEqualTo("bad_upstream_event");
          assertThat(e.getMessage()).contains("<html>oops");
        });
  }

  @Test
  void eventTypeIsReadFromTheDataWhenTheEventLineIsMissing() {
    List<ObjectNode> out = translator.onEvent(new SseEvent(null, START, null));
    assertThat(out).hasSize(1);
    assertThat(out.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
  }

  @Test
  void unknownEventsDeltasAndBlocksAreIgnored() {
    List<ObjectNode> out = feed(START,
        "{\"type\":\"brand_new_event\",\"x\":1}",
        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"brand_new_block\",\"data\":\"x\"}}",
        "{\"type\":\"content_block_stop\",\"index\":0}",
        TEXT_START.replace("\"index\":0", "\"index\":1"),
        "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"citations_delta\",\"citation\":{}}}",
        "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"brand_new_delta\"}}");
    assertThat(out).hasSize(1); // the role chunk only
  }

  @Test
  void eventsAfterMessageStopAreIgnored() {
    feed(START, messageDelta("end_turn", "{\"output_tokens\":1}"), "{\"type\":\"message_stop\"}");
    assertThat(feed(TEXT_START, textDelta("late"))).isEmpty();
    assertThat(translator.onEnd()).isEmpty();
  }

  @Test
  void toolWithInputOnlyInItsStartBlockSendsThatInput() {
    List<ObjectNode> out = feed(START,
        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"f\",\"input\":{\"a\":1}}}",
        "{\"type\":\"content_block_stop\",\"index\":0}");
    JsonNode call = out.get(out.size() - 1).at("/choices/0/delta/tool_calls/0");
    assertThat(call.path("index").asInt()).isZero();
    assertThat(call.at("/function/arguments").asText()).isEqualTo("{\"a\":1}");
    assertThat(call.has("id")).isFalse();
  }

  @Test
  void errorEventThrowsTheMappedExceptionOnce() {
    feed(START);
    String rateLimited = "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}";
    assertThatThrownBy(() -> translator.onEvent(new SseEvent("error", rateLimited, null)))
        .isInstanceOfSatisfying(GatewayException.RateLimited.class,
            e -> assertThat(e.getMessage()).isEqualTo("slow down"));
    assertThat(feed(TEXT_START)).isEmpty();
    assertThat(translator.onEnd()).as("the error was the ending").isEmpty();
    assertThat(translator.usage().promptTokens()).isEqualTo(17);
  }

  @Test
  void aSecondMessageStartIsIgnored() {
    feed(START, TEXT_START, textDelta("a"));
    assertThat(feed(START.replace("msg_1", "msg_2"))).isEmpty();
    assertThat(translator.messageId()).isEqualTo("msg_1");
  }
}
