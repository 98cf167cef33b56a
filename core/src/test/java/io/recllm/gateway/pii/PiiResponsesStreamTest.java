package io.recllm.gateway.pii;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.json.Json;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A streamed {@code /v1/responses} answer in {@code restore} mode, through the gateway: passed through from
 * an openai upstream and translated from a chat-only one, with a placeholder split between two events at
 * every position. The client must see the values in the deltas, the done events and the final response,
 * and never a placeholder; the sequence numbers stay consecutive.
 */
class PiiResponsesStreamTest {

  private static final String ANSWER = "Write to <EMAIL_1> or call <PHONE_1>; <EMAIL_1> again <X_1>.";
  private static final String RESTORED =
      "Write to jane.doe@example.com or call +1 650-253-0000; jane.doe@example.com again <X_1>.";
  private static final String INPUT = "{\"model\":\"%s\",\"stream\":true,\"input\":\"Mail jane.doe@example.com or call +1 650-253-0000\"}";
  private static final String ARGS = "{\"to\":\"<EMAIL_1>\",\"phone\":\"<PHONE_1>\"}";
  private static final String ARGS_RESTORED = "{\"to\":\"jane.doe@example.com\",\"phone\":\"+1 650-253-0000\"}";

  static FakeUpstream openai;
  static FakeUpstream groq;
  static GatewayHarness gw;

  @BeforeAll
  static void start() throws Exception {
    openai = FakeUpstream.start();
    groq = FakeUpstream.start();
    gw = GatewayHarness.start("""
        default_provider: openai
        providers:
          openai: { type: openai, base_url: "http://127.0.0.1:%d/v1", api_key: "sk-FAKEtestOnly-openai" }
          groq: { type: groq, base_url: "http://127.0.0.1:%d/openai/v1", api_key: "gsk_FAKEtestOnly" }
        pii:
          detectors: { email: restore, phone: restore }
        """.formatted(openai.port(), groq.port()), Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
    openai.close();
    groq.close();
  }

  private static String event(ObjectNode data) {
    return "event: " + data.get("type").asText() + "\ndata: " + data + "\n\n";
  }

  private static ObjectNode ev(String type, int seq) {
    return Json.object().put("type", type).put("sequence_number", seq);
  }

  /** An OpenAI Responses stream whose text comes in the given deltas, then one function call's arguments in two. */
  private static String responsesTranscript(List<String> deltas, String argsA, String argsB) {
    StringBuilder sb = new StringBuilder();
    int seq = 0;
    ObjectNode created = ev("response.created", seq++);
    created.putObject("response").put("id", "resp_1").put("object", "response").put("status", "in_progress")
        .put("model", "gpt-4o-2024-08-06").putArray("output");
    sb.append(event(created));
    for (String d : deltas) {
      sb.append(event(ev("response.output_text.delta", seq++).put("item_id", "msg_1").put("output_index", 0)
          .put("content_index", 0).put("delta", d)));
    }
    sb.append(event(ev("response.output_text.done", seq++).put("item_id", "msg_1").put("output_index", 0)
        .put("content_index", 0).put("text", ANSWER)));
    ObjectNode partDone = ev("response.content_part.done", seq++).put("item_id", "msg_1").put("output_index", 0)
        .put("content_index", 0);
    partDone.putObject("part").put("type", "output_text").put("text", ANSWER).putArray("annotations");
    sb.append(event(partDone));
    ObjectNode message = Json.object().put("type", "message").put("id", "msg_1").put("status", "completed")
        .put("role", "assistant");
    message.putArray("content").addObject().put("type", "output_text").put("text", ANSWER).putArray("annotations");
    ObjectNode itemDone = ev("response.output_item.done", seq++).put("output_index", 0);
    itemDone.set("item", message);
    sb.append(event(itemDone));
    for (String a : new String[] {argsA, argsB}) {
      sb.append(event(ev("response.function_call_arguments.delta", seq++).put("item_id", "fc_1").put("output_index", 1)
          .put("delta", a)));
    }
    sb.append(event(ev("response.function_call_arguments.done", seq++).put("item_id", "fc_1").put("output_index", 1)
        .put("arguments", ARGS)));
    ObjectNode call = Json.object().put("type", "function_call").put("id", "fc_1").put("call_id", "call_1")
        .put("name", "send").put("arguments", ARGS).put("status", "completed");
    ObjectNode callDone = ev("response.output_item.done", seq++).put("output_index", 1);
    callDone.set("item", call);
    sb.append(event(callDone));
    ObjectNode completed = ev("response.completed", seq);
    ObjectNode response = completed.putObject("response").put("id", "resp_1").put("object", "response")
        .put("status", "completed").put("model", "gpt-4o-2024-08-06");
    ArrayNode output = response.putArray("output");
    output.add(message.deepCopy());
    output.add(call.deepCopy());
    response.putObject("usage").put("input_tokens", 10).put("output_tokens", 20).put("total_tokens", 30);
    sb.append(event(completed));
    return sb.toString();
  }

  private static String chatTranscript(String a, String b) {
    StringBuilder sb = new StringBuilder();
    for (String d : new String[] {a, b}) {
      sb.append("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"llama\",\"choices\":[{"
          + "\"index\":0,\"delta\":{\"content\":").append(Json.MAPPER.valueToTree(d).toString()).append("},\"finish_reason\":null}]}\n\n");
    }
    sb.append("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"llama\",\"choices\":[{"
        + "\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":6,\"total_tokens\":11}}\n\n");
    sb.append("data: [DONE]\n\n");
    return sb.toString();
  }

  private static List<JsonNode> events(HttpResponse<String> resp) throws Exception {
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    for (String line : resp.body().split("\n")) {
      if (line.startsWith("data: ")) out.add(Json.MAPPER.readTree(line.substring(6)));
    }
    return out;
  }

  private static String deltas(List<JsonNode> events, String type) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode e : events) if (e.path("type").asText().equals(type)) sb.append(e.path("delta").asText());
    return sb.toString();
  }

  private static JsonNode first(List<JsonNode> events, String type) {
    return events.stream().filter(e -> e.path("type").asText().equals(type)).findFirst().orElseThrow();
  }

  private static void consecutive(List<JsonNode> events) {
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).path("sequence_number").asInt()).as("event %d", i).isEqualTo(i);
    }
  }

  @Test
  void passedThroughEverySplitIsRestored() throws Exception {
    for (int i = 0; i <= ANSWER.length(); i++) {
      int j = Math.min(i, ARGS.length());
      openai.reset();
      openai.respondSse(responsesTranscript(List.of(ANSWER.substring(0, i), ANSWER.substring(i)),
          ARGS.substring(0, j), ARGS.substring(j)), 0);
      List<JsonNode> events = events(gw.post("/v1/responses", INPUT.formatted("gpt-4o")));
      assertThat(openai.lastRequest().body()).as("values never go upstream")
          .doesNotContain("jane.doe").doesNotContain("650-253").contains("<EMAIL_1>");
      assertThat(deltas(events, "response.output_text.delta")).as("split at %d", i).isEqualTo(RESTORED);
      assertThat(deltas(events, "response.function_call_arguments.delta")).as("split at %d", j).isEqualTo(ARGS_RESTORED);
      assertThat(first(events, "response.output_text.done").path("text").asText()).isEqualTo(RESTORED);
      assertThat(first(events, "response.content_part.done").at("/part/text").asText()).isEqualTo(RESTORED);
      assertThat(first(events, "response.output_item.done").at("/item/content/0/text").asText()).isEqualTo(RESTORED);
      assertThat(first(events, "response.function_call_arguments.done").path("arguments").asText()).isEqualTo(ARGS_RESTORED);
      JsonNode done = events.get(events.size() - 1);
      assertThat(done.path("type").asText()).isEqualTo("response.completed");
      assertThat(done.at("/response/output/0/content/0/text").asText()).isEqualTo(RESTORED);
      assertThat(done.at("/response/output/1/arguments").asText()).isEqualTo(ARGS_RESTORED);
      assertThat(done.has("x_rec_llm")).isTrue();
      consecutive(events);
    }
  }

  @Test
  void aHeldTailIsSentAsOneMoreDeltaBeforeTheDoneEvent() throws Exception {
    // the text ends with what could start a placeholder: held back, then sent just before output_text.done
    String answer = "Mail <EMAIL_1> <EMA";
    openai.reset();
    openai.respondSse(responsesTranscript(List.of("Mail <EMAIL_1> <EM", "A"), "{}", "").replace(ANSWER, answer), 0);
    List<JsonNode> events = events(gw.post("/v1/responses", INPUT.formatted("gpt-4o")));
    assertThat(deltas(events, "response.output_text.delta")).isEqualTo("Mail jane.doe@example.com <EMA");
    List<JsonNode> textEvents = events.stream().filter(e -> e.path("type").asText().startsWith("response.output_text")).toList();
    assertThat(textEvents).as("the second delta's <EMA held back, sent just before done").hasSize(4);
    assertThat(textEvents.get(1).path("delta").asText()).isEmpty();
    assertThat(textEvents.get(2).path("delta").asText()).isEqualTo("<EMA");
    assertThat(textEvents.get(3).path("type").asText()).isEqualTo("response.output_text.done");
    assertThat(textEvents.get(3).path("text").asText()).isEqualTo("Mail jane.doe@example.com <EMA");
    consecutive(events);
  }

  @Test
  void translatedEverySplitIsRestored() throws Exception {
    for (int i = 0; i <= ANSWER.length(); i++) {
      groq.reset();
      groq.respondSse(chatTranscript(ANSWER.substring(0, i), ANSWER.substring(i)), 0);
      List<JsonNode> events = events(gw.post("/v1/responses", INPUT.formatted("groq:llama-3.3-70b-versatile")));
      assertThat(groq.lastRequest().body()).doesNotContain("jane.doe").contains("<EMAIL_1>");
      assertThat(deltas(events, "response.output_text.delta")).as("split at %d", i).isEqualTo(RESTORED);
      assertThat(first(events, "response.output_text.done").path("text").asText()).isEqualTo(RESTORED);
      assertThat(first(events, "response.content_part.done").at("/part/text").asText()).isEqualTo(RESTORED);
      assertThat(first(events, "response.output_item.done").at("/item/content/0/text").asText()).isEqualTo(RESTORED);
      JsonNode done = events.get(events.size() - 1);
      assertThat(done.path("type").asText()).isEqualTo("response.completed");
      assertThat(done.at("/response/output/0/content/0/text").asText()).isEqualTo(RESTORED);
      consecutive(events);
    }
  }
}
