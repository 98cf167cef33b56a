package io.recllm.gateway.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pure Responses ⇄ chat translation: requests, answers and streams, without HTTP. */
class ResponsesTranslationTest {

  static ObjectNode json(String s) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Test
  void messagesPartsAndRolesBecomeChatMessages() {
    ObjectNode chat = ResponsesTranslation.toChat(json("""
        {"model":"m","instructions":"Be brief.","input":[
          {"role":"developer","content":"Use metric units."},
          {"type":"message","role":"user","content":[
            {"type":"input_text","text":"What is in "},
            {"type":"input_image","image_url":"data:image/png;base64,AAAA","detail":"low"}]},
          {"role":"assistant","content":[{"type":"output_text","text":"A cat."}]},
          {"type":"reasoning","id":"rs_1","summary":[],"encrypted_content":"gAAAA"},
          {"role":"user","content":"And its name?"}],
         "text":{"format":{"type":"json_object"}},"reasoning":{"effort":"low","summary":"auto"},
         "temperature":0.2,"top_p":0.9,"max_output_tokens":50,"store":false,"metadata":{"k":"v"},"truncation":"disabled"}
        """));
    JsonNode m = chat.get("messages");
    assertThat(m).hasSize(5);
    assertThat(m.get(0).toString()).isEqualTo("{\"role\":\"system\",\"content\":\"Be brief.\"}");
    assertThat(m.get(1).toString()).isEqualTo("{\"role\":\"system\",\"content\":\"Use metric units.\"}");
    assertThat(m.get(2).path("content").get(1).toString())
        .isEqualTo("{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\",\"detail\":\"low\"}}");
    assertThat(m.get(3).toString()).isEqualTo("{\"role\":\"assistant\",\"content\":\"A cat.\"}");
    assertThat(m.get(4).path("content").asText()).isEqualTo("And its name?");
    assertThat(chat.path("response_format").toString()).isEqualTo("{\"type\":\"json_object\"}");
    assertThat(chat.path("reasoning_effort").asText()).isEqualTo("low");
    assertThat(chat.path("max_tokens").asInt()).isEqualTo(50);
    assertThat(chat.path("temperature").asDouble()).isEqualTo(0.2);
    assertThat(chat.has("metadata")).as("echoed in the answer, not sent").isFalse();
    assertThat(chat.has("stream")).isFalse();
  }

  @Test
  void callsOfOneTurnShareTheAssistantMessageAndOutputsBecomeToolMessages() {
    ObjectNode chat = ResponsesTranslation.toChat(json("""
        {"model":"m","stream":true,"tool_choice":{"type":"function","name":"a"},"input":[
          {"role":"user","content":"x"},
          {"role":"assistant","content":"Looking."},
          {"type":"function_call","call_id":"c1","name":"a","arguments":"{}"},
          {"type":"function_call","call_id":"c2","name":"b","arguments":"{\\"q\\":1}"},
          {"type":"function_call_output","call_id":"c1","output":"one"},
          {"type":"function_call_output","call_id":"c2","output":[{"type":"input_text","text":"two"}]}],
         "tools":[{"type":"function","name":"a","parameters":{"type":"object"}},{"type":"function","name":"b","description":"B","strict":false}]}
        """));
    JsonNode m = chat.get("messages");
    assertThat(m).hasSize(4);
    assertThat(m.get(1).path("content").asText()).isEqualTo("Looking.");
    assertThat(m.get(1).path("tool_calls")).hasSize(2);
    assertThat(m.get(1).path("tool_calls").get(1).toString())
        .isEqualTo("{\"id\":\"c2\",\"type\":\"function\",\"function\":{\"name\":\"b\",\"arguments\":\"{\\\"q\\\":1}\"}}");
    assertThat(m.get(3).toString()).isEqualTo("{\"role\":\"tool\",\"tool_call_id\":\"c2\",\"content\":\"two\"}");
    assertThat(chat.path("tools").get(1).toString())
        .isEqualTo("{\"type\":\"function\",\"function\":{\"name\":\"b\",\"description\":\"B\",\"strict\":false}}");
    assertThat(chat.path("tool_choice").toString()).isEqualTo("{\"type\":\"function\",\"function\":{\"name\":\"a\"}}");
    assertThat(chat.path("stream_options").path("include_usage").asBoolean()).isTrue();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "\"previous_response_id\":\"resp_1\"                            | previous_response_id",
      "\"conversation\":{\"id\":\"conv_1\"}                           | conversation",
      "\"store\":true                                                 | store",
      "\"background\":true                                            | background",
      "\"include\":[\"file_search_call.results\"]                     | include",
      "\"truncation\":\"auto\"                                        | truncation",
      "\"top_logprobs\":3                                             | top_logprobs",
      "\"max_tool_calls\":2                                           | max_tool_calls",
      "\"prompt\":{\"id\":\"pmpt_1\"}                                 | prompt",
      "\"tools\":[{\"type\":\"web_search\"}]                          | tools[0]",
      "\"tools\":[{\"type\":\"function\",\"name\":\"f\"},{\"type\":\"mcp\",\"server_label\":\"x\"}] | tools[1]",
      "\"tool_choice\":{\"type\":\"file_search\"}                     | tool_choice",
      "\"text\":{\"verbosity\":\"low\"}                               | text.verbosity",
      "\"text\":{\"format\":{\"type\":\"grammar\"}}                    | text.format.type",
      "\"reasoning\":{\"summary\":\"concise\"}                        | reasoning.summary",
      "\"seed\":1                                                     | seed"})
  void whatChatCannotExpressIsRefusedNamingIt(String field, String param) {
    assertThatThrownBy(() -> ResponsesTranslation.toChat(json("{\"model\":\"m\",\"input\":\"x\"," + field + "}")))
        .isInstanceOfSatisfying(GatewayException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.code()).isEqualTo("unsupported_parameter");
          assertThat(e.param()).isEqualTo(param);
          assertThat(e.getMessage()).startsWith("Unsupported parameter: '" + param + "'.");
        });
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"type\":\"item_reference\",\"id\":\"msg_1\"}                          | input[0].type",
      "{\"role\":\"user\",\"content\":[{\"type\":\"input_file\",\"file_id\":\"f\"}]} | input[0].content[0].type",
      "{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"file_id\":\"f\"}]} | input[0].content[0].file_id",
      "{\"type\":\"web_search_call\",\"id\":\"ws_1\"}                          | input[0].type"})
  void inputItemsOnlyOpenAiKnowsAreRefused(String item, String param) {
    assertThatThrownBy(() -> ResponsesTranslation.toChat(json("{\"model\":\"m\",\"input\":[" + item + "]}")))
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.param()).isEqualTo(param));
  }

  @Test
  void aMissingInputIsOpenAisMissingParameter() {
    assertThatThrownBy(() -> ResponsesTranslation.toChat(json("{\"model\":\"m\"}")))
        .isInstanceOfSatisfying(GatewayException.class, e -> {
          assertThat(e.code()).isEqualTo("missing_required_parameter");
          assertThat(e.param()).isEqualTo("input");
        });
  }

  @Test
  void aCutShortAnswerIsIncompleteWithItsReason() {
    ObjectNode chat = json("""
        {"id":"chatcmpl-abc","created":1,"model":"m-1","choices":[{"index":0,"finish_reason":"length",
         "message":{"role":"assistant","content":"Par"}}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}
        """);
    ObjectNode r = ResponsesTranslation.fromChat(new ChatResult(chat, TokenUsage.fromOpenAi(chat.get("usage")), null),
        json("{\"model\":\"m\",\"input\":\"x\",\"max_output_tokens\":1,\"metadata\":{\"k\":\"v\"}}"), "m").body();
    assertThat(r.path("id").asText()).isEqualTo("resp_abc");
    assertThat(r.path("status").asText()).isEqualTo("incomplete");
    assertThat(r.path("incomplete_details").toString()).isEqualTo("{\"reason\":\"max_output_tokens\"}");
    assertThat(r.path("max_output_tokens").asInt()).isEqualTo(1);
    assertThat(r.path("metadata").toString()).isEqualTo("{\"k\":\"v\"}");
    assertThat(r.path("store").asBoolean()).isFalse();
    assertThat(r.path("output").get(0).path("content").get(0).path("text").asText()).isEqualTo("Par");
    assertThat(r.path("usage").toString()).isEqualTo("{\"input_tokens\":5,\"input_tokens_details\":{\"cached_tokens\":0},"
        + "\"output_tokens\":1,\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":6}");
    assertThat(ResponsesTranslation.finishOf(r)).isEqualTo("max_output_tokens");
  }

  @Test
  void usageReadsCachedAndReasoningTokens() {
    TokenUsage u = ResponsesTranslation.usageOf(json("""
        {"input_tokens":2087,"input_tokens_details":{"cached_tokens":2048},"output_tokens":469,
         "output_tokens_details":{"reasoning_tokens":448},"total_tokens":2556}"""));
    assertThat(u).isEqualTo(new TokenUsage(2087, 469, 2556, 2048, 0, 448, false));
    assertThat(ResponsesTranslation.usageOf(null)).isEqualTo(TokenUsage.NONE);
  }

  /** Text then a tool call in one stream: two items, numbered in order, each closed before the next opens. */
  @Test
  void aStreamWithTextThenAToolCallNumbersItsItemsAndEvents() {
    ResponsesEventStream.Translator t = new ResponsesEventStream.Translator(json("{\"model\":\"m\",\"input\":\"x\"}"), "m");
    List<ChatChunk> events = new ArrayList<>();
    events.addAll(t.onChunk(ChatChunk.parse("{\"id\":\"chatcmpl-1\",\"created\":7,\"model\":\"m-1\",\"choices\":[{\"index\":0,"
        + "\"delta\":{\"role\":\"assistant\",\"content\":\"Let me check.\"}}]}")));
    events.addAll(t.onChunk(ChatChunk.parse("{\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
        + "\"id\":\"call_9\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\"\"}}]}}]}")));
    events.addAll(t.onChunk(ChatChunk.parse("{\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
        + "\"function\":{\"arguments\":\":1}\"}}]},\"finish_reason\":\"tool_calls\"}]}")));
    events.addAll(t.onChunk(ChatChunk.parse("{\"id\":\"chatcmpl-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,"
        + "\"completion_tokens\":4,\"total_tokens\":7}}")));
    events.addAll(t.onEnd());
    List<String> types = events.stream().map(e -> e.json().path("type").asText()).toList();
    assertThat(types).containsExactly("response.created", "response.in_progress",
        "response.output_item.added", "response.content_part.added", "response.output_text.delta",
        "response.output_text.done", "response.content_part.done", "response.output_item.done",
        "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.delta",
        "response.function_call_arguments.done", "response.output_item.done", "response.completed");
    for (int i = 0; i < events.size(); i++) assertThat(events.get(i).json().path("sequence_number").asInt()).isEqualTo(i);
    assertThat(events.get(8).json().path("output_index").asInt()).isEqualTo(1);
    assertThat(events.get(11).json().path("arguments").asText()).isEqualTo("{\"a\":1}");
    JsonNode done = events.get(events.size() - 1).json().path("response");
    assertThat(done.path("id").asText()).isEqualTo("resp_1");
    assertThat(done.path("model").asText()).isEqualTo("m-1");
    assertThat(done.path("created_at").asLong()).isEqualTo(7);
    assertThat(done.path("output")).hasSize(2);
    assertThat(done.path("output").get(1).path("call_id").asText()).isEqualTo("call_9");
    assertThat(done.path("usage").path("total_tokens").asInt()).isEqualTo(7);
  }

  @Test
  void aStreamCutShortEndsIncomplete() {
    ResponsesEventStream.Translator t = new ResponsesEventStream.Translator(json("{\"model\":\"m\",\"input\":\"x\"}"), "m");
    List<ChatChunk> events = new ArrayList<>(t.onChunk(ChatChunk.parse(
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Par\"},\"finish_reason\":\"length\"}]}")));
    events.addAll(t.onEnd());
    JsonNode last = events.get(events.size() - 1).json();
    assertThat(last.path("type").asText()).isEqualTo("response.incomplete");
    assertThat(last.path("response").path("incomplete_details").path("reason").asText()).isEqualTo("max_output_tokens");
  }
}
