package io.recllm.gateway.provider.anthropic;

import static io.recllm.gateway.provider.anthropic.AnthropicStreamGoldenTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.error.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** One test per mapping rule: OpenAI request text in, whole Anthropic request tree out. */
class AnthropicRequestMappingTest {

  static final String USER_HI = "{\"role\":\"user\",\"content\":\"Hi\"}";
  static final String HI = "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hi\"}]}";

  static JsonNode map(String openAi) {
    return parse(AnthropicMapper.toAnthropicRequest((ObjectNode) parse(openAi), "claude-test", 1000).toString());
  }

  static void assertMaps(String openAi, String anthropic) {
    assertThat(map(openAi)).isEqualTo(parse(anthropic));
  }

  static GatewayException.InvalidRequest rejected(String openAi) {
    GatewayException.InvalidRequest e = catchThrowableOfType(GatewayException.InvalidRequest.class, () -> map(openAi));
    assertThat(e).as("expected a rejection").isNotNull();
    assertThat(e.status()).isEqualTo(400);
    return e;
  }

  // ---- system messages --------------------------------------------------------------------------

  @Test
  void systemAndDeveloperBecomeSystemBlocksInOrderWhereverTheyAre() {
    assertMaps("""
        {"model":"x","messages":[
          {"role":"system","content":"Be brief."},
          {"role":"developer","content":[{"type":"text","text":"Part A","cache_control":{"type":"ephemeral"}},
                                         {"type":"text","text":"Part B"}]},
          {"role":"user","content":"Hi"},
          {"role":"system","content":"Late rule.","cache_control":{"type":"ephemeral","ttl":"1h"}}]}""", """
        {"model":"claude-test","max_tokens":1000,
         "system":[{"type":"text","text":"Be brief."},
                   {"type":"text","text":"Part A","cache_control":{"type":"ephemeral"}},
                   {"type":"text","text":"Part B"},
                   {"type":"text","text":"Late rule.","cache_control":{"type":"ephemeral","ttl":"1h"}}],
         "messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}]}""");
  }

  @Test
  void nonTextSystemPartIsRejected() {
    GatewayException e = rejected("""
        {"messages":[{"role":"system","content":[{"type":"image_url","image_url":{"url":"https://x/y.png"}}]},""" + USER_HI + "]}");
    assertThat(e.param()).isEqualTo("messages[0].content[0].type");
  }

  // ---- content parts ----------------------------------------------------------------------------

  @Test
  void textAndImagePartsOfEveryKind() {
    assertMaps("""
        {"messages":[{"role":"user","content":[
          {"type":"text","text":"Look:","cache_control":{"type":"ephemeral"}},
          {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"high"}},
          {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}},
          {"type":"image_url","image_url":"http://example.com/legacy-string-form.gif"},
          {"type":"image_url","image_url":{"url":"data:application/pdf;base64,JVBERi0x"}},
          {"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0y"}},
          {"type":"file","file":{"file_data":"JVBERi0z"}},
          {"type":"text","text":"Marked","prompt_cache_breakpoint":{"mode":"explicit"}},
          {"type":"text","text":""}]}]}""", """
        {"model":"claude-test","max_tokens":1000,"messages":[{"role":"user","content":[
          {"type":"text","text":"Look:","cache_control":{"type":"ephemeral"}},
          {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
          {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}},
          {"type":"image","source":{"type":"url","url":"http://example.com/legacy-string-form.gif"}},
          {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0x"}},
          {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0y"}},
          {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0z"}},
          {"type":"text","text":"Marked","cache_control":{"type":"ephemeral"}}]}]}""");
  }

  @Test
  void anthropicBlocksInOpenAiContentAreCarried() {
    assertMaps("""
        {"messages":[{"role":"user","content":[
          {"type":"document","source":{"type":"text","media_type":"text/plain","data":"notes"},"title":"Notes"}]},
          {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"sig"},{"type":"text","text":"Yes"}]}]}""", """
        {"model":"claude-test","max_tokens":1000,"messages":[
          {"role":"user","content":[{"type":"document","source":{"type":"text","media_type":"text/plain","data":"notes"},"title":"Notes"}]},
          {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"sig"},{"type":"text","text":"Yes"}]}]}""");
  }

  @Test
  void messageLevelCacheControlGoesOnTheLastBlock() {
    assertMaps("""
        {"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}],
                      "cache_control":{"type":"ephemeral"}}]}""", """
        {"model":"claude-test","max_tokens":1000,"messages":[{"role":"user","content":[
          {"type":"text","text":"a"},{"type":"text","text":"b","cache_control":{"type":"ephemeral"}}]}]}""");
  }

  @Test
  void consecutiveMessagesOfOneRoleAreMergedAndIgnoredMessageFieldsDropped() {
    assertMaps("""
        {"messages":[
          {"role":"user","content":"One","name":"alice"},
          {"role":"user","content":[{"type":"text","text":"Two"}]},
          {"role":"assistant","content":"Three","refusal":null,"reasoning_content":"old thoughts"},
          {"role":"assistant","content":[{"type":"text","text":"Four"},{"type":"refusal","refusal":"Five"}]},
          {"role":"assistant","content":""},
          {"role":"user","content":"Six"}]}""", """
        {"model":"claude-test","max_tokens":1000,"messages":[
          {"role":"user","content":[{"type":"text","text":"One"},{"type":"text","text":"Two"}]},
          {"role":"assistant","content":[{"type":"text","text":"Three"},{"type":"text","text":"Four"},{"type":"text","text":"Five"}]},
          {"role":"user","content":[{"type":"text","text":"Six"}]}]}""");
  }

  @Test
  void audioInputAndFileIdsAreRejected() {
    GatewayException audio = rejected("""
        {"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAA","format":"wav"}}]}]}""");
    assertThat(audio.code()).isEqualTo("unsupported_value");
    assertThat(audio.param()).isEqualTo("messages[0].content[0].type");

    GatewayException fileId = rejected("""
        {"messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"file-abc"}}]}]}""");
    assertThat(fileId.param()).isEqualTo("messages[0].content[0].file.file_id");
  }

  @Test
  void imageUrlThatIsNeitherHttpNorBase64IsRejected() {
    assertThat(rejected("""
        {"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"ftp://x/y.png"}}]}]}""").param())
        .isEqualTo("messages[0].content[0].image_url.url");
    assertThat(rejected("""
        {"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png,rawbytes"}}]}]}""").param())
        .isEqualTo("messages[0].content[0].image_url.url");
  }

  @Test
  void refusalPartsBelongToTheAssistant() {
    GatewayException e = rejected("""
        {"messages":[{"role":"user","content":[{"type":"refusal","refusal":"no"}]}]}""");
    assertThat(e.param()).isEqualTo("messages[0].content[0].type");
  }

  @Test
  void imagesAreUserContentOnly() {
    GatewayException e = rejected("""
        {"messages":[""" + USER_HI + """
        ,{"role":"assistant","content":[{"type":"image_url","image_url":{"url":"https://x/y.png"}}]}]}""");
    assertThat(e.param()).isEqualTo("messages[1].content[0].type");
  }

  // ---- tool calls and results -------------------------------------------------------------------

  @Test
  void assistantToolCallsBecomeToolUseAfterTheText() {
    assertMaps("""
        {"messages":[""" + USER_HI + """
        ,{"role":"assistant","content":"Let me look.","tool_calls":[
            {"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\\"q\\": \\"cats\\", \\"n\\": 2.50}"}},
            {"id":"call_2","type":"function","function":{"name":"now","arguments":""}},
            {"id":"call_3","function":{"name":"now","arguments":"  "}}]}]}""", """
        {"model":"claude-test","max_tokens":1000,"messages":[""" + HI + """
        ,{"role":"assistant","content":[
            {"type":"text","text":"Let me look."},
            {"type":"tool_use","id":"call_1","name":"lookup","input":{"q":"cats","n":2.50}},
            {"type":"tool_use","id":"call_2","name":"now","input":{}},
            {"type":"tool_use","id":"call_3","name":"now","input":{}}]}]}""");
  }

  @Test
  void reasoningDetailsBecomeSignedThinkingBlocksBeforeTheTextAndToolUse() {
    // what a client accumulated from a stream (pieces of one index) and a redacted block; another
    // provider's reasoning and a summary cannot be verified by Anthropic and are left out
    assertMaps("""
        {"messages":[""" + USER_HI + """
        ,{"role":"assistant","content":"Let me look.","tool_calls":[
            {"id":"toolu_1","type":"function","function":{"name":"lookup","arguments":"{}"}}],
          "reasoning_content":"ignored: the details carry it",
          "reasoning_details":[
            {"type":"reasoning.encrypted","data":"opaque==","format":"anthropic-claude-v1","index":1},
            {"type":"reasoning.text","text":"I need","format":"anthropic-claude-v1","index":0},
            {"type":"reasoning.text","text":" a lookup.","format":"anthropic-claude-v1","index":0},
            {"type":"reasoning.text","signature":"sig==","format":"anthropic-claude-v1","index":0},
            {"type":"reasoning.text","text":"Gemini's","signature":"g","format":"google-gemini-v1","index":2},
            {"type":"reasoning.summary","summary":"short","format":"anthropic-claude-v1","index":3}]},
         {"role":"tool","tool_call_id":"toolu_1","content":"found"}]}""", """
        {"model":"claude-test","max_tokens":1000,"messages":[""" + HI + """
        ,{"role":"assistant","content":[
            {"type":"thinking","thinking":"I need a lookup.","signature":"sig=="},
            {"type":"redacted_thinking","data":"opaque=="},
            {"type":"text","text":"Let me look."},
            {"type":"tool_use","id":"toolu_1","name":"lookup","input":{}}]},
         {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"found"}]}]}""");
  }

  @Test
  void reasoningDetailsMustBeAListOfObjects() {
    assertThat(rejected("""
        {"messages":[""" + USER_HI + """
        ,{"role":"assistant","content":"x","reasoning_details":"thought"}]}""").param())
        .isEqualTo("messages[1].reasoning_details");
    assertThat(rejected("""
        {"messages":[""" + USER_HI + """
        ,{"role":"assistant","content":"x","reasoning_details":[1]}]}""").param())
        .isEqualTo("messages[1].reasoning_details[0]");
  }

  @Test
  void badArgumentsNameTheMessageAndCall() {
    GatewayException e = rejected("""
        {"messages":[{"role":"system","content":"s"},""" + USER_HI + """
        ,{"role":"assistant","content":"x"},{"role":"assistant","tool_calls":[
            {"id":"call_1","type":"function","function":{"name":"f","arguments":"{\\"q\\": "}}]}]}""");
    assertThat(e.code()).isEqualTo("invalid_value");
    assertThat(e.param()).isEqualTo("messages[3].tool_calls[0].function.arguments");
    assertThat(e.getMessage()).startsWith("messages[3].tool_calls[0].function.arguments is not valid JSON");
  }

  @Test
  void argumentsMustBeAnObject() {
    GatewayException e = rejected("""
        {"messages":[""" + USER_HI + """
        ,{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"[1,2]"}}]}]}""");
    assertThat(e.param()).isEqualTo("messages[1].tool_calls[0].function.arguments");
  }

  @Test
  void missingToolCallIdIsRejected() {
    assertThat(rejected("""
        {"messages":[""" + USER_HI + """
        ,{"role":"assistant","tool_calls":[{"type":"function","function":{"name":"f","arguments":"{}"}}]}]}""").param())
        .isEqualTo("messages[1].tool_calls[0].id");
    assertThat(rejected("{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}").param())
        .isEqualTo("messages[0].tool_call_id");
  }

  @Test
  void toolResultsShareOneUserTurnWithTheNextUserMessage() {
    assertMaps("""
        {"messages":[""" + USER_HI + """
        ,{"role":"assistant","tool_calls":[
            {"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}},
            {"id":"call_2","type":"function","function":{"name":"g","arguments":"{}"}}]},
          {"role":"tool","tool_call_id":"call_1","content":"plain result"},
          {"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"part 1"},{"type":"text","text":"part 2"}],
           "cache_control":{"type":"ephemeral"}},
          {"role":"user","content":"And now?"},
          {"role":"tool","tool_call_id":"call_3","content":""}]}""", """
        {"model":"claude-test","max_tokens":1000,"messages":[""" + HI + """
        ,{"role":"assistant","content":[
            {"type":"tool_use","id":"call_1","name":"f","input":{}},
            {"type":"tool_use","id":"call_2","name":"g","input":{}}]},
          {"role":"user","content":[
            {"type":"tool_result","tool_use_id":"call_1","content":"plain result"},
            {"type":"tool_result","tool_use_id":"call_2",
             "content":[{"type":"text","text":"part 1"},{"type":"text","text":"part 2"}],
             "cache_control":{"type":"ephemeral"}},
            {"type":"text","text":"And now?"},
            {"type":"tool_result","tool_use_id":"call_3"}]}]}""");
  }

  @Test
  void legacyFunctionRoleAndFunctionCallAreRejected() {
    GatewayException role = rejected("{\"messages\":[{\"role\":\"function\",\"name\":\"f\",\"content\":\"x\"}]}");
    assertThat(role.param()).isEqualTo("messages[0].role");
    assertThat(role.code()).isEqualTo("unsupported_value");
    GatewayException call = rejected("""
        {"messages":[{"role":"assistant","function_call":{"name":"f","arguments":"{}"}}]}""");
    assertThat(call.param()).isEqualTo("messages[0].function_call");
  }

  @Test
  void unknownRoleAndMissingMessages() {
    assertThat(rejected("{\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}").param()).isEqualTo("messages[0].role");
    assertThat(rejected("{\"model\":\"x\"}").param()).isEqualTo("messages");
    assertThat(rejected("{\"messages\":[]}").param()).isEqualTo("messages");
  }

  // ---- tools and tool_choice --------------------------------------------------------------------

  @Test
  void functionToolsWithDefaultsStrictAndCacheControl() {
    assertMaps("""
        {"messages":[""" + USER_HI + """
        ],"tools":[
          {"type":"function","function":{"name":"no_params"}},
          {"type":"function","function":{"name":"search","description":"Search the web","strict":true,
            "parameters":{"type":"object","properties":{"q":{"type":"string"}},"required":["q"]}},
           "cache_control":{"type":"ephemeral"}},
          {"type":"function","function":{"name":"lax","strict":false,"parameters":null}},
          {"name":"native","input_schema":{"type":"object"}},
          {"type":"web_search_20250305","name":"web_search","max_uses":2}]}""", """
        {"model":"claude-test","max_tokens":1000,"messages":[""" + HI + """
        ],"tools":[
          {"name":"no_params","input_schema":{"type":"object","properties":{}}},
          {"name":"search","description":"Search the web","strict":true,
           "input_schema":{"type":"object","properties":{"q":{"type":"string"}},"required":["q"]},
           "cache_control":{"type":"ephemeral"}},
          {"name":"lax","input_schema":{"type":"object","properties":{}}},
          {"name":"native","input_schema":{"type":"object"}},
          {"type":"web_search_20250305","name":"web_search","max_uses":2}]}""");
  }

  @Test
  void customToolsAreRejected() {
    GatewayException e = rejected("{\"messages\":[" + USER_HI + "],\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"grammar\"}}]}");
    assertThat(e.param()).isEqualTo("tools[0].type");
  }

  static final String ONE_TOOL = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]";
  static final String ONE_TOOL_OUT = "\"tools\":[{\"name\":\"f\",\"input_schema\":{\"type\":\"object\",\"properties\":{}}}]";

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "\"auto\"                                          | {\"type\":\"auto\"}",
      "\"none\"                                          | {\"type\":\"none\"}",
      "\"required\"                                      | {\"type\":\"any\"}",
      "{\"type\":\"function\",\"function\":{\"name\":\"f\"}} | {\"type\":\"tool\",\"name\":\"f\"}",
      "{\"type\":\"any\",\"disable_parallel_tool_use\":true} | {\"type\":\"any\",\"disable_parallel_tool_use\":true}"})
  void toolChoice(String openAi, String anthropic) {
    assertMaps("{\"messages\":[" + USER_HI + "]," + ONE_TOOL + ",\"tool_choice\":" + openAi + "}",
        "{\"model\":\"claude-test\",\"max_tokens\":1000,\"messages\":[" + HI + "]," + ONE_TOOL_OUT
            + ",\"tool_choice\":" + anthropic + "}");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "                                                   | {\"type\":\"auto\",\"disable_parallel_tool_use\":true}",
      ",\"tool_choice\":\"auto\"                           | {\"type\":\"auto\",\"disable_parallel_tool_use\":true}",
      ",\"tool_choice\":\"required\"                       | {\"type\":\"any\",\"disable_parallel_tool_use\":true}",
      ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"}} | {\"type\":\"tool\",\"name\":\"f\",\"disable_parallel_tool_use\":true}",
      ",\"tool_choice\":\"none\"                           | {\"type\":\"none\"}"})
  void parallelToolCallsFalse(String choice, String anthropic) {
    String given = choice == null ? "" : choice;
    assertMaps("{\"messages\":[" + USER_HI + "]," + ONE_TOOL + given + ",\"parallel_tool_calls\":false}",
        "{\"model\":\"claude-test\",\"max_tokens\":1000,\"messages\":[" + HI + "]," + ONE_TOOL_OUT
            + ",\"tool_choice\":" + anthropic + "}");
  }

  @Test
  void parallelToolCallsTrueChangesNothing() {
    assertMaps("{\"messages\":[" + USER_HI + "]," + ONE_TOOL + ",\"parallel_tool_calls\":true}",
        "{\"model\":\"claude-test\",\"max_tokens\":1000,\"messages\":[" + HI + "]," + ONE_TOOL_OUT + "}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"auto\"", "\"none\""})
  void autoOrNoneWithoutToolsIsDropped(String choice) {
    assertMaps("{\"messages\":[" + USER_HI + "],\"tools\":[],\"tool_choice\":" + choice + ",\"parallel_tool_calls\":false}",
        "{\"model\":\"claude-test\",\"max_tokens\":1000,\"messages\":[" + HI + "]}");
  }

  @Test
  void unknownToolChoicesAreRejected() {
    assertThat(rejected("{\"messages\":[" + USER_HI + "]," + ONE_TOOL + ",\"tool_choice\":\"sometimes\"}").param())
        .isEqualTo("tool_choice");
    assertThat(rejected("{\"messages\":[" + USER_HI + "]," + ONE_TOOL
        + ",\"tool_choice\":{\"type\":\"allowed_tools\",\"allowed_tools\":{\"mode\":\"auto\",\"tools\":[]}}}").param())
        .isEqualTo("tool_choice.type");
  }

  // ---- top-level parameters ---------------------------------------------------------------------

  @Test
  void samplingStopUserStreamAndMaxTokens() {
    assertMaps("""
        {"model":"anthropic:claude","messages":[""" + USER_HI + """
        ],"max_tokens":50,"max_completion_tokens":60,"temperature":0.2,"top_p":0.9,"top_k":40,
         "stop":["END","STOP"],"user":"user-123","stream":true,"stream_options":{"include_usage":true},
         "n":1,"logprobs":false,"top_logprobs":0,"presence_penalty":0,"frequency_penalty":0.0,"logit_bias":{},
         "store":false,"response_format":{"type":"text"},"modalities":["text"],"verbosity":"medium",
         "prompt_cache_key":"k","prompt_cache_retention":"in_memory","seed":null,"functions":null}""", """
        {"model":"claude-test","max_tokens":60,"messages":[""" + HI + """
        ],"temperature":0.2,"top_p":0.9,"top_k":40,"stop_sequences":["END","STOP"],
         "metadata":{"user_id":"user-123"},"stream":true}""");
  }

  @Test
  void defaultMaxTokensAndSafetyIdentifier() {
    assertMaps("{\"messages\":[" + USER_HI + "],\"safety_identifier\":\"hash-1\",\"stop\":[]}",
        "{\"model\":\"claude-test\",\"max_tokens\":1000,\"messages\":[" + HI + "],\"metadata\":{\"user_id\":\"hash-1\"}}");
    assertMaps("{\"messages\":[" + USER_HI + "],\"safety_identifier\":\"hash-1\",\"user\":\"u\"}",
        "{\"model\":\"claude-test\",\"max_tokens\":1000,\"messages\":[" + HI + "],\"metadata\":{\"user_id\":\"u\"}}");
  }

  @Test
  void anthropicExtrasAreCarried() {
    assertMaps("""
        {"messages":[""" + USER_HI + """
        ],"user":"ignored-because-metadata-says","metadata":{"user_id":"explicit"},
         "thinking":{"type":"enabled","budget_tokens":2000},"service_tier":"standard_only",
         "cache_control":{"type":"ephemeral"},"output_config":{"effort":"high"},"container":"cont_1",
         "context_management":{"edits":[]},"inference_geo":"us","mcp_servers":[],"output_format":{"type":"json_schema","schema":{}}}""", """
        {"model":"claude-test","max_tokens":3000,"messages":[""" + HI + """
        ],"metadata":{"user_id":"explicit"},"thinking":{"type":"enabled","budget_tokens":2000},
         "service_tier":"standard_only","cache_control":{"type":"ephemeral"},"output_config":{"effort":"high"},
         "container":"cont_1","context_management":{"edits":[]},"inference_geo":"us","mcp_servers":[],
         "output_format":{"type":"json_schema","schema":{}}}""");
  }

  @ParameterizedTest
  @CsvSource({"auto, auto", "default, standard_only"})
  void serviceTier(String openAi, String anthropic) {
    assertMaps("{\"messages\":[" + USER_HI + "],\"service_tier\":\"" + openAi + "\"}",
        "{\"model\":\"claude-test\",\"max_tokens\":1000,\"messages\":[" + HI + "],\"service_tier\":\"" + anthropic + "\"}");
  }

  @Test
  void serviceTierWithoutAnthropicCounterpartIsRejected() {
    GatewayException e = rejected("{\"messages\":[" + USER_HI + "],\"service_tier\":\"flex\"}");
    assertThat(e.code()).isEqualTo("unsupported_value");
    assertThat(e.param()).isEqualTo("service_tier");
  }

  @ParameterizedTest
  @CsvSource({"minimal, 1024", "low, 1024", "medium, 2048", "high, 4096", "xhigh, 8192", "max, 16384"})
  void reasoningEffortBecomesAThinkingBudgetOnTopOfTheDefault(String effort, int budget) {
    assertMaps("{\"messages\":[" + USER_HI + "],\"reasoning_effort\":\"" + effort + "\"}",
        "{\"model\":\"claude-test\",\"max_tokens\":" + (1000 + budget) + ",\"messages\":[" + HI + "],"
            + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":" + budget + "}}");
  }

  @Test
  void reasoningEffortKeepsTheClientsMaxTokensWhenThereIsRoom() {
    assertMaps("{\"messages\":[" + USER_HI + "],\"reasoning_effort\":\"low\",\"max_completion_tokens\":5000}",
        "{\"model\":\"claude-test\",\"max_tokens\":5000,\"messages\":[" + HI + "],"
            + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}}");
    assertMaps("{\"messages\":[" + USER_HI + "],\"reasoning_effort\":\"none\"}",
        "{\"model\":\"claude-test\",\"max_tokens\":1000,\"messages\":[" + HI + "]}");
  }

  @Test
  void reasoningEffortProblems() {
    GatewayException small = rejected("{\"messages\":[" + USER_HI + "],\"reasoning_effort\":\"high\",\"max_tokens\":300}");
    assertThat(small.param()).isEqualTo("max_tokens");
    assertThat(small.getMessage()).contains("4096");
    assertThat(rejected("{\"messages\":[" + USER_HI + "],\"reasoning_effort\":\"extreme\"}").param())
        .isEqualTo("reasoning_effort");
    assertThat(rejected("{\"messages\":[" + USER_HI + "],\"reasoning_effort\":\"low\","
        + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2000}}").param()).isEqualTo("reasoning_effort");
  }

  @ParameterizedTest
  @ValueSource(strings = {"18446744073709551617", "9223372036854775808", "1e20", "-1", "1.5"})
  void maxTokensThatAreNoWholeLongAreRejectedNotWrapped(String value) {
    // 2^64+1 used to go upstream as max_tokens 1, 1e20 as 7766279631452241920: a long's low bits
    for (String field : new String[] {"max_tokens", "max_completion_tokens"}) {
      GatewayException e = rejected("{\"messages\":[" + USER_HI + "],\"" + field + "\":" + value + "}");
      assertThat(e.param()).isEqualTo(field);
      assertThat(e.code()).isEqualTo("invalid_type");
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "n                 | 2",
      "logprobs          | true",
      "top_logprobs      | 5",
      "presence_penalty  | 0.5",
      "frequency_penalty | -1",
      "logit_bias        | {\"50256\": -100}",
      "seed              | 42",
      "store             | true",
      "response_format   | {\"type\":\"json_object\"}",
      "response_format   | {\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{}}}",
      "modalities        | [\"text\",\"audio\"]",
      "audio             | {\"voice\":\"alloy\",\"format\":\"wav\"}",
      "prediction        | {\"type\":\"content\",\"content\":\"x\"}",
      "web_search_options| {}",
      "verbosity         | \"low\"",
      "moderation        | {\"model\":\"omni-moderation-latest\"}",
      "functions         | [{\"name\":\"f\"}]",
      "function_call     | \"auto\"",
      "system            | \"top-level system\"",
      "stop_sequences    | [\"x\"]",
      "foo               | 1",
      "anthropic_version | \"2023-06-01\""})
  void fieldsAnthropicCannotHonourAreRejectedByName(String field, String value) {
    GatewayException e = rejected("{\"messages\":[" + USER_HI + "],\"" + field + "\":" + value + "}");
    assertThat(e.code()).isEqualTo("unsupported_parameter");
    assertThat(e.param()).isEqualTo(field);
    assertThat(e.type()).isEqualTo("invalid_request_error");
    assertThat(e.getMessage()).contains("'" + field + "'");
  }

  @Test
  void nullMeansAbsent() {
    assertMaps("""
        {"messages":[""" + USER_HI + """
        ],"n":null,"logprobs":null,"seed":null,"tools":null,"tool_choice":null,"stop":null,"user":null,
         "max_tokens":null,"temperature":null,"response_format":null,"reasoning_effort":null,"metadata":null,
         "stream_options":null,"service_tier":null,"audio":null}""",
        "{\"model\":\"claude-test\",\"max_tokens\":1000,\"messages\":[" + HI + "]}");
  }

  @Test
  void malformedMaxTokensAndStop() {
    assertThat(rejected("{\"messages\":[" + USER_HI + "],\"max_tokens\":\"lots\"}").param()).isEqualTo("max_tokens");
    assertThat(rejected("{\"messages\":[" + USER_HI + "],\"max_tokens\":1.5}").param()).isEqualTo("max_tokens");
    assertThat(rejected("{\"messages\":[" + USER_HI + "],\"stop\":[1]}").param()).isEqualTo("stop");
    assertMaps("{\"messages\":[" + USER_HI + "],\"max_tokens\":100.0}",
        "{\"model\":\"claude-test\",\"max_tokens\":100,\"messages\":[" + HI + "]}");
  }

  @Test
  void theInputIsNeverModified() {
    ObjectNode in = (ObjectNode) parse("""
        {"model":"x","user":"u","parallel_tool_calls":false,"metadata":{"k":"v"},"reasoning_effort":"low",
         "messages":[
          {"role":"system","content":"s","cache_control":{"type":"ephemeral"}},
          {"role":"user","content":[{"type":"text","text":"a","prompt_cache_breakpoint":{"mode":"explicit"}}]},
          {"role":"user","content":"b","cache_control":{"type":"ephemeral"}},
          {"role":"assistant","content":"c","tool_calls":[{"id":"1","type":"function","function":{"name":"f","arguments":"{\\"a\\":{\\"b\\":1}}"}}]},
          {"role":"tool","tool_call_id":"1","content":[{"type":"text","text":"r"}]}],
         "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"object"}}}}}]}""");
    ObjectNode before = in.deepCopy();
    ObjectNode out = AnthropicMapper.toAnthropicRequest(in, "claude-test", 1000);
    assertThat(in).isEqualTo(before);
    // and the output shares no mutable node with the input
    ((ObjectNode) out.at("/tools/0/input_schema")).put("changed", true);
    ((ObjectNode) out.at("/metadata")).put("changed", true);
    assertThat(in).isEqualTo(before);
  }
}
