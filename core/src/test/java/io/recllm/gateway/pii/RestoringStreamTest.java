package io.recllm.gateway.pii;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.ChatStream;
import io.vertx.core.Handler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Placeholders in a streamed answer are restored wherever the upstream splits its chunks. */
class RestoringStreamTest {

  private static final String PROMPT = "Mail jane.doe@example.com or bob@example.org, call +1 650-253-0000.";
  private static final String ANSWER = "Write to <EMAIL_1> (cc <EMAIL_2>) or call <PHONE_1>; <EMAIL_1> again <X_1>.";
  private static final String RESTORED =
      "Write to jane.doe@example.com (cc bob@example.org) or call +1 650-253-0000; jane.doe@example.com again <X_1>.";

  private Redaction redaction;

  @BeforeEach
  void redactThePrompt() {
    Redactor redactor = new Redactor(new PiiSettings(Map.of("email", PiiMode.RESTORE, "phone", PiiMode.RESTORE), List.of()));
    redaction = new Redaction();
    String sent = redaction.apply(PROMPT, redactor.scan(PROMPT));
    assertThat(sent).isEqualTo("Mail <EMAIL_1> or <EMAIL_2>, call <PHONE_1>.");
  }

  /** A stream that hands over the chunks it was given once its end handler is set. */
  static final class Scripted implements ChatStream {
    private final List<ChatChunk> chunks;
    private Handler<ChatChunk> handler;

    Scripted(List<ChatChunk> chunks) {
      this.chunks = chunks;
    }

    @Override public ChatStream handler(Handler<ChatChunk> h) { handler = h; return this; }

    @Override public ChatStream endHandler(Handler<Void> h) {
      chunks.forEach(handler::handle);
      h.handle(null);
      return this;
    }

    @Override public ChatStream exceptionHandler(Handler<GatewayException> h) { return this; }
    @Override public ChatStream pause() { return this; }
    @Override public ChatStream resume() { return this; }
    @Override public void cancel() {}
  }

  private static ChatChunk content(String text) {
    return ChatChunk.parse("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,"
        + "\"delta\":{\"content\":" + Json.MAPPER.valueToTree(text) + "},\"finish_reason\":null}]}");
  }

  private static ChatChunk finish() {
    return ChatChunk.parse("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,"
        + "\"delta\":{},\"finish_reason\":\"stop\"}]}");
  }

  private static ChatChunk toolArgs(String args) {
    return ChatChunk.parse("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,"
        + "\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":" + Json.MAPPER.valueToTree(args)
        + "}}]},\"finish_reason\":null}]}");
  }

  private List<ChatChunk> run(List<ChatChunk> upstream) {
    List<ChatChunk> out = new ArrayList<>();
    new RestoringStream(new Scripted(upstream), redaction).handler(out::add).endHandler(v -> {});
    return out;
  }

  private static String text(List<ChatChunk> chunks, String field) {
    StringBuilder sb = new StringBuilder();
    for (ChatChunk c : chunks) {
      for (JsonNode choice : c.json().path("choices")) {
        JsonNode delta = choice.path("delta");
        if (field.equals("content")) sb.append(delta.path("content").asText(""));
        for (JsonNode tc : delta.path("tool_calls")) {
          if (field.equals("arguments")) sb.append(tc.path("function").path("arguments").asText(""));
        }
      }
    }
    return sb.toString();
  }

  @Test
  void everySplitIntoTwoChunks() {
    for (int i = 0; i <= ANSWER.length(); i++) {
      List<ChatChunk> out = run(List.of(content(ANSWER.substring(0, i)), content(ANSWER.substring(i)), finish()));
      assertThat(text(out, "content")).as("split at %d", i).isEqualTo(RESTORED);
      assertThat(out).as("one chunk out for each in").hasSize(3);
    }
  }

  @Test
  void everySplitIntoThreeChunks() {
    for (int i = 0; i <= ANSWER.length(); i++) {
      for (int j = i; j <= ANSWER.length(); j++) {
        List<ChatChunk> out = run(List.of(content(ANSWER.substring(0, i)), content(ANSWER.substring(i, j)),
            content(ANSWER.substring(j)), finish()));
        assertThat(text(out, "content")).as("split at %d and %d", i, j).isEqualTo(RESTORED);
      }
    }
  }

  @Test
  void oneCharacterPerChunkWithoutAFinishingChunk() {
    List<ChatChunk> upstream = new ArrayList<>();
    for (char c : ANSWER.toCharArray()) upstream.add(content(String.valueOf(c)));
    upstream.add(content("<EMA")); // held back, and sent with the end of the stream
    assertThat(text(run(upstream), "content")).isEqualTo(RESTORED + "<EMA");
  }

  @Test
  void textStaysInTheChunkThatCarriedItWhenNoPlaceholderCanStartThere() {
    List<ChatChunk> out = run(List.of(content("a < b and "), content("c > d"), finish()));
    assertThat(out.get(0).json().at("/choices/0/delta/content").asText()).isEqualTo("a < b and ");
    assertThat(out.get(1).json().at("/choices/0/delta/content").asText()).isEqualTo("c > d");
  }

  @Test
  void toolCallArgumentsSplitAnywhere() {
    String args = "{\"to\":\"<EMAIL_2>\",\"cc\":\"<EMAIL_1>\"}";
    String restored = "{\"to\":\"bob@example.org\",\"cc\":\"jane.doe@example.com\"}";
    for (int i = 0; i <= args.length(); i++) {
      List<ChatChunk> out = run(List.of(toolArgs(args.substring(0, i)), toolArgs(args.substring(i)), finish()));
      assertThat(text(out, "arguments")).as("split at %d", i).isEqualTo(restored);
    }
  }
}
