package io.recllm.gateway.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.fakes.StrictAnthropicValidator;
import io.recllm.gateway.json.Json;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Multi-turn tool use with extended thinking through the gateway: the client gets the thinking blocks
 * (signatures and redacted ones) as {@code reasoning_details} and sends the assistant message back as it
 * came; the fake Anthropic upstream applies Anthropic's rule that the tool-calling turn must start with
 * its signed thinking. The first turn's non-streaming answer is hand-written in Anthropic's documented
 * shape (no recording with thinking exists); the streaming one is {@code stream_thinking_tool_use.sse}.
 */
class AnthropicReasoningRoundTripTest {

  static final String KEY = "sk-ant-test-fake-key";
  static final String SIGNATURE = "EqoBCkgIARABGAIiQHNpZ25hdHVyZS1ub3QtcmVhbA==";
  static final String REDACTED = "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2Y==";
  static final String FIRST_ANSWER = """
      {"id":"msg_01HwRoundTrip000000001","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
       "content":[
         {"type":"thinking","thinking":"I need the weather first.","signature":"%s"},
         {"type":"redacted_thinking","data":"%s"},
         {"type":"tool_use","id":"toolu_01HwRoundTripWeather01","name":"get_weather","input":{"city":"Paris"}}],
       "stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":520,"output_tokens":88}}
      """.formatted(SIGNATURE, REDACTED);
  static final String TOOLS = """
      [{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}},
       {"type":"function","function":{"name":"get_local_time","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]""";

  static FakeUpstream upstream;
  static GatewayHarness gw;
  final List<JsonNode> received = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeUpstream.start();
    gw = GatewayHarness.start("providers:\n  anthropic: { type: anthropic, base_url: \"http://127.0.0.1:" + upstream.port()
        + "\", api_key: \"${ANTHROPIC_API_KEY}\" }\n", Map.of("ANTHROPIC_API_KEY", KEY));
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
    upstream.close();
  }

  @BeforeEach
  void clear() {
    upstream.reset();
  }

  /** Strict validation, then the first answer for a one-turn conversation and a plain text answer after it. */
  void answer(String firstBody, String firstContentType) {
    upstream.respond((req, b) -> {
      String error = StrictAnthropicValidator.validate(req.headers(), b.toString(), KEY);
      if (error != null) {
        req.response().setStatusCode(400).putHeader("content-type", "application/json").end(StrictAnthropicValidator.errorBody(error));
        return;
      }
      JsonNode body = readTree(b.toString());
      received.add(body);
      if (body.path("messages").size() == 1) {
        req.response().putHeader("content-type", firstContentType).end(firstBody);
      } else if (body.path("stream").asBoolean()) {
        req.response().putHeader("content-type", "text/event-stream").end(Fixtures.read("anthropic/stream_after_tool_result.sse"));
      } else {
        req.response().putHeader("content-type", "application/json").end(Fixtures.read("anthropic/message_after_tool_result.json"));
      }
    });
  }

  static ObjectNode ask(ArrayNode messages, boolean stream) {
    ObjectNode req = Json.object().put("model", "anthropic:claude-sonnet-4-5").put("reasoning_effort", "low");
    req.set("messages", messages);
    req.set("tools", readTree(TOOLS));
    if (stream) req.put("stream", true);
    return req;
  }

  static JsonNode readTree(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static ArrayNode firstTurn() {
    ArrayNode messages = Json.MAPPER.createArrayNode();
    messages.addObject().put("role", "user").put("content", "What is the weather in Paris?");
    return messages;
  }

  static ArrayNode secondTurn(JsonNode assistant) {
    ArrayNode messages = firstTurn();
    messages.add(assistant);
    for (JsonNode call : assistant.path("tool_calls")) {
      messages.addObject().put("role", "tool").put("tool_call_id", call.path("id").asText()).put("content", "Sunny, 22 C");
    }
    return messages;
  }

  @Test
  void signedAndRedactedThinkingComeBackBeforeTheToolCallOnTheNextTurn() throws Exception {
    answer(FIRST_ANSWER, "application/json");

    HttpResponse<String> first = gw.post("/v1/chat/completions", ask(firstTurn(), false).toString());
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    JsonNode assistant = Json.MAPPER.readTree(first.body()).at("/choices/0/message");
    assertThat(assistant.path("reasoning_details")).isEqualTo(readTree("""
        [{"type":"reasoning.text","text":"I need the weather first.","signature":"%s","format":"anthropic-claude-v1","index":0},
         {"type":"reasoning.encrypted","data":"%s","format":"anthropic-claude-v1","index":1}]""".formatted(SIGNATURE, REDACTED)));

    HttpResponse<String> second = gw.post("/v1/chat/completions", ask(secondTurn(assistant), false).toString());

    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    assertThat(received.get(1).at("/messages/1/content")).isEqualTo(readTree("""
        [{"type":"thinking","thinking":"I need the weather first.","signature":"%s"},
         {"type":"redacted_thinking","data":"%s"},
         {"type":"tool_use","id":"toolu_01HwRoundTripWeather01","name":"get_weather","input":{"city":"Paris"}}]"""
        .formatted(SIGNATURE, REDACTED)));
  }

  @Test
  void withoutTheReasoningDetailsTheUpstreamRefusesTheSecondTurn() throws Exception {
    answer(FIRST_ANSWER, "application/json");
    ObjectNode assistant = (ObjectNode) Json.MAPPER.readTree(gw.post("/v1/chat/completions", ask(firstTurn(), false).toString()).body())
        .at("/choices/0/message");
    assistant.remove("reasoning_details");

    HttpResponse<String> second = gw.post("/v1/chat/completions", ask(secondTurn(assistant), false).toString());

    assertThat(second.statusCode()).isEqualTo(400);
    assertThat(second.body()).contains("must start with a thinking block");
  }

  @Test
  void aStreamedTurnSentBackPieceByPieceBecomesOneSignedThinkingBlock() throws Exception {
    answer(Fixtures.read("anthropic/stream_thinking_tool_use.sse"), "text/event-stream");

    HttpResponse<String> first = gw.post("/v1/chat/completions", ask(firstTurn(), true).toString());
    assertThat(first.statusCode()).isEqualTo(200);
    // what a simple client keeps of the stream: the text, tool calls merged by index, every reasoning piece as sent
    StringBuilder content = new StringBuilder();
    ArrayNode details = Json.MAPPER.createArrayNode();
    Map<Integer, ObjectNode> calls = new TreeMap<>();
    for (String data : Fixtures.sseData(first.body())) {
      if (data.equals("[DONE]")) continue;
      JsonNode delta = Json.MAPPER.readTree(data).at("/choices/0/delta");
      content.append(delta.path("content").asText(""));
      delta.path("reasoning_details").forEach(details::add);
      for (JsonNode call : delta.path("tool_calls")) {
        ObjectNode merged = calls.computeIfAbsent(call.path("index").asInt(), i -> {
          ObjectNode c = Json.object().put("id", call.path("id").asText()).put("type", "function");
          c.putObject("function").put("name", call.at("/function/name").asText()).put("arguments", "");
          return c;
        });
        ObjectNode fn = (ObjectNode) merged.get("function");
        fn.put("arguments", fn.path("arguments").asText() + call.at("/function/arguments").asText(""));
      }
    }
    ObjectNode assistant = Json.object().put("role", "assistant").put("content", content.toString());
    assistant.putArray("tool_calls").addAll(calls.values());
    assistant.set("reasoning_details", details);

    HttpResponse<String> second = gw.post("/v1/chat/completions", ask(secondTurn(assistant), true).toString());

    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    assertThat(second.body()).doesNotContain("\"error\"").endsWith("data: [DONE]\n\n");
    JsonNode turn = received.get(1).at("/messages/1/content");
    assertThat(turn.get(0)).isEqualTo(readTree("""
        {"type":"thinking","thinking":"The user wants weather and local time in Zürich. Both tools can run in parallel.",
         "signature":"ErUBCkYIBxgCIkB0c2lnbmF0dXJlLW5vdC1yZWFs"}"""));
    assertThat(turn.get(1).path("type").asText()).isEqualTo("text");
    assertThat(turn.get(2).path("type").asText()).isEqualTo("tool_use");
    assertThat(turn.get(3).path("type").asText()).isEqualTo("tool_use");
  }
}
