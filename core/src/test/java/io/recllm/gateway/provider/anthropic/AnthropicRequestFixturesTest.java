package io.recllm.gateway.provider.anthropic;

import static io.recllm.gateway.provider.anthropic.AnthropicStreamGoldenTest.parse;
import static io.recllm.gateway.provider.anthropic.AnthropicStreamGoldenTest.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * For each recorded Anthropic request, the OpenAI request a client would send for the same
 * conversation must map to it. Where the recording says something the OpenAI format cannot (or
 * says it another way Anthropic accepts), the adjustment is made to the expectation and explained.
 */
class AnthropicRequestFixturesTest {

  static ObjectNode fixture(String name) {
    return (ObjectNode) parse(new String(resource("fixtures/anthropic/" + name), StandardCharsets.UTF_8));
  }

  /** Serialised and parsed back so int/long and similar node types compare by value. */
  static JsonNode map(ObjectNode openAi, String model, int defaultMaxTokens) {
    return parse(AnthropicMapper.toAnthropicRequest(openAi, model, defaultMaxTokens).toString());
  }

  static JsonNode roundTrip(JsonNode node) {
    return parse(node.toString());
  }

  @Test
  void toolUseRequest() {
    ObjectNode openAi = (ObjectNode) parse("""
        {"model":"anthropic:claude-sonnet-4-5","max_tokens":4096,"stream":false,"tool_choice":"auto",
         "messages":[{"role":"user","content":"What's the weather and elevation in Denver?"}],
         "tools":[
           {"type":"function","function":{"name":"get_weather","description":"","strict":true,
             "parameters":{"additionalProperties":false,"properties":{"city":{"type":"string"}},"required":["city"],"type":"object"}}},
           {"type":"function","function":{"name":"get_elevation","description":"",
             "parameters":{"additionalProperties":false,"properties":{"city":{"type":"string"}},"required":["city"],"type":"object"}}}]}""");
    assertThat(map(openAi, "claude-sonnet-4-5", 1024)).isEqualTo(roundTrip(fixture("message_tool_use.request.json")));
  }

  @Test
  void requestAfterToolResults() {
    ObjectNode openAi = (ObjectNode) parse("""
        {"model":"anthropic:claude-sonnet-4-5","max_tokens":4096,"stream":false,"tool_choice":"auto",
         "messages":[
           {"role":"user","content":"What's the weather and elevation in Denver?"},
           {"role":"assistant","content":"I'll get the weather and elevation information for Denver.","tool_calls":[
             {"id":"toolu_01BBTvQnxdxk7vPHD1ytXyGs","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Denver\\"}"}},
             {"id":"toolu_017Q9pGQ9Hx126pyyLLnVqJV","type":"function","function":{"name":"get_elevation","arguments":"{\\"city\\": \\"Denver\\"}"}}]},
           {"role":"tool","tool_call_id":"toolu_01BBTvQnxdxk7vPHD1ytXyGs","content":"Weather in Denver: Sunny, 22°C"},
           {"role":"tool","tool_call_id":"toolu_017Q9pGQ9Hx126pyyLLnVqJV","content":"Elevation of Denver: 650m above sea level"}],
         "tools":[
           {"type":"function","function":{"name":"get_weather","description":"","strict":true,
             "parameters":{"additionalProperties":false,"properties":{"city":{"type":"string"}},"required":["city"],"type":"object"}}},
           {"type":"function","function":{"name":"get_elevation","description":"",
             "parameters":{"additionalProperties":false,"properties":{"city":{"type":"string"}},"required":["city"],"type":"object"}}}]}""");
    ObjectNode expected = fixture("message_after_tool_result.request.json");
    // OpenAI tool messages cannot say is_error; the recording sends false, which is Anthropic's default.
    for (JsonNode block : expected.at("/messages/2/content")) ((ObjectNode) block).remove("is_error");
    assertThat(map(openAi, "claude-sonnet-4-5", 1024)).isEqualTo(roundTrip(expected));
  }

  @Test
  void stopSequenceFromAString() {
    ObjectNode openAi = (ObjectNode) parse("""
        {"model":"claude-sonnet-4-5","max_completion_tokens":1024,"stream":false,"stop":"Paris",
         "messages":[{"role":"user","content":[{"type":"text","text":"What is the capital of France? Give me an answer that contains the word \\"Paris\\", but is not the first word."}]}]}""");
    assertThat(map(openAi, "claude-sonnet-4-5", 4096)).isEqualTo(roundTrip(fixture("message_stop_sequence.request.json")));
  }

  @Test
  void systemMessageAndDefaultMaxTokens() {
    ObjectNode openAi = (ObjectNode) parse("""
        {"model":"anthropic:claude-3-opus-latest","stream":false,
         "messages":[{"role":"system","content":"You are a helpful assistant.\\n\\n"},
                     {"role":"user","content":"What is the capital of France?"}]}""");
    ObjectNode expected = fixture("message_text_system_string.request.json");
    // The recording sends system as a string; the mapper always sends blocks (Anthropic accepts both),
    // so that cache_control can ride on any of them.
    expected.set("system", parse("[{\"type\":\"text\",\"text\":\"You are a helpful assistant.\\n\\n\"}]"));
    assertThat(map(openAi, "claude-3-opus-latest", 4096)).isEqualTo(roundTrip(expected));
  }

  @Test
  void base64ImageFromADataUrl() {
    ObjectNode expected = fixture("message_image_base64_input.request.json");
    String data = expected.at("/messages/0/content/1/source/data").asText();
    ObjectNode openAi = (ObjectNode) parse("""
        {"model":"claude-haiku-4-5","max_tokens":4096,"stream":false,
         "messages":[{"role":"user","content":[
           {"type":"text","text":"What is this vegetable?"},
           {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,DATA","detail":"auto"}}]}]}"""
        .replace("DATA", data));
    assertThat(map(openAi, "claude-haiku-4-5", 1024)).isEqualTo(roundTrip(expected));
  }

  @Test
  void cacheControlAtTopLevelIsCarried() {
    ObjectNode expected = fixture("message_cache_usage.request.json");
    JsonNode turns = expected.get("messages");
    ObjectNode openAi = Json.object();
    openAi.put("model", "claude-sonnet-4-5");
    openAi.put("max_tokens", 4096);
    openAi.put("stream", false);
    openAi.set("cache_control", parse("{\"ttl\":\"5m\",\"type\":\"ephemeral\"}"));
    var messages = openAi.putArray("messages");
    messages.addObject().put("role", "system").put("content", expected.get("system").asText());
    for (JsonNode turn : turns) {
      messages.addObject().put("role", turn.get("role").asText()).put("content", turn.at("/content/0/text").asText());
    }
    expected.set("system", Json.MAPPER.createArrayNode().add(
        Json.object().put("type", "text").put("text", expected.get("system").asText())));
    assertThat(map(openAi, "claude-sonnet-4-5", 1024)).isEqualTo(roundTrip(expected));
  }

  @Test
  void streamingRequestAfterToolResults() {
    ObjectNode openAi = (ObjectNode) parse("""
        {"model":"anthropic:claude-haiku-4-5-20251001","max_tokens":8192,"temperature":1.0,"stream":true,
         "stream_options":{"include_usage":true},
         "messages":[
           {"role":"user","content":[{"type":"text","text":"Two names for a pet pelican"}]},
           {"role":"assistant","content":" ","tool_calls":[
             {"id":"toolu_01LtHJmixrs9NcWQkK8hu8hj","type":"function","function":{"name":"pelican_name_generator","arguments":"{}"}},
             {"id":"toolu_01N8a4jWyf116qKTMqKKmjyt","type":"function","function":{"name":"pelican_name_generator","arguments":""}}]},
           {"role":"tool","tool_call_id":"toolu_01LtHJmixrs9NcWQkK8hu8hj","content":"Charles"},
           {"role":"tool","tool_call_id":"toolu_01N8a4jWyf116qKTMqKKmjyt","content":"Sammy"}],
         "tools":[{"type":"function","function":{"name":"pelican_name_generator","description":"",
                   "parameters":{"properties":{},"type":"object"}}}]}""");
    assertThat(map(openAi, "claude-haiku-4-5-20251001", 1024))
        .isEqualTo(roundTrip(fixture("stream_after_tool_result.request.json")));
  }

  @Test
  void streamingRequestWithPngImageFirst() {
    ObjectNode expected = fixture("stream_image_base64_input.request.json");
    String data = expected.at("/messages/0/content/0/source/data").asText();
    ObjectNode openAi = (ObjectNode) parse("""
        {"model":"claude-sonnet-4-5","max_tokens":8192,"temperature":1.0,"stream":true,
         "messages":[{"role":"user","content":[
           {"type":"image_url","image_url":{"url":"data:image/png;base64,DATA"}},
           {"type":"text","text":"Describe image in three words"}]}]}""".replace("DATA", data));
    assertThat(map(openAi, "claude-sonnet-4-5", 1024)).isEqualTo(roundTrip(expected));
  }

  @Test
  void assistantPrefillAndStopList() {
    ObjectNode openAi = (ObjectNode) parse("""
        {"model":"claude-haiku-4-5-20251001","max_tokens":8192,"temperature":1.0,"stream":true,"stop":["```"],
         "messages":[{"role":"user","content":"Very short function describing a pelican"},
                     {"role":"assistant","content":"```python"}]}""");
    assertThat(map(openAi, "claude-haiku-4-5-20251001", 1024))
        .isEqualTo(roundTrip(fixture("stream_stop_sequence.request.json")));
  }

  @Test
  void toolWithoutParameters() {
    ObjectNode openAi = (ObjectNode) parse("""
        {"model":"claude-haiku-4-5-20251001","max_tokens":8192,"temperature":1.0,"stream":true,
         "messages":[{"role":"user","content":"Two names for a pet pelican"}],
         "tools":[{"type":"function","function":{"name":"pelican_name_generator","description":"",
                   "parameters":{"properties":{},"type":"object"}}}]}""");
    assertThat(map(openAi, "claude-haiku-4-5-20251001", 1024))
        .isEqualTo(roundTrip(fixture("stream_tool_use_parallel.request.json")));
  }

  @Test
  void plainStreamingRequests() {
    ObjectNode text = (ObjectNode) parse("""
        {"model":"claude-sonnet-4-5","max_tokens":8192,"temperature":1.0,"stream":true,
         "messages":[{"role":"user","content":"Two names for a pet pelican, be brief"}]}""");
    assertThat(map(text, "claude-sonnet-4-5", 1024)).isEqualTo(roundTrip(fixture("stream_text.request.json")));

    ObjectNode minimal = (ObjectNode) parse("""
        {"model":"claude-sonnet-4-5","stream":true,"n":1,
         "messages":[{"role":"user","content":"What is 1+1? Answer with just the number."}]}""");
    assertThat(map(minimal, "claude-sonnet-4-5", 32000)).isEqualTo(roundTrip(fixture("stream_text_minimal.request.json")));
  }

  /** A real OpenAI request (recorded from pydantic-ai) in, the Anthropic request written by hand out. */
  @Test
  void recordedOpenAiRequestAfterToolResult() {
    assertThat(map(fixture("openai_chat_completion_after_tool_result.request.json"), "claude-sonnet-4-5", 4096))
        .isEqualTo(parse("""
            {"model":"claude-sonnet-4-5","max_tokens":4096,"stream":false,
             "messages":[
               {"role":"user","content":[{"type":"text","text":"What is the largest city in the user country?"}]},
               {"role":"assistant","content":[{"type":"tool_use","id":"call_iXFttys57ap0o16JSlC8yhYo","name":"get_user_country","input":{}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_iXFttys57ap0o16JSlC8yhYo","content":"Mexico"}]}],
             "tools":[
               {"name":"get_user_country","description":"","input_schema":{"additionalProperties":false,"properties":{},"type":"object"}},
               {"name":"final_result","description":"The final response which ends this conversation",
                "input_schema":{"properties":{"city":{"type":"string"},"country":{"type":"string"}},"required":["city","country"],"type":"object"}}],
             "tool_choice":{"type":"any"}}"""));
  }
}
