package io.recllm.gateway.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.json.Json;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * OpenAI chat requests → Gemini bodies: whole requests against the bodies real clients sent
 * ({@code fixtures/gemini/*.request.json}, from google-genai), then each field on its own.
 */
class GeminiRequestMappingTest {

  static ObjectNode json(String text) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(text);
    } catch (Exception e) {
      throw new AssertionError(text, e);
    }
  }

  static ObjectNode map(String openAi) {
    return map(openAi, "gemini-2.5-flash");
  }

  /** Mapped, then serialised and read back: numbers compare by value, as the upstream reads them. */
  static ObjectNode map(String openAi, String model) {
    return json(GeminiMapper.toGeminiRequest(json(openAi), model).toString());
  }

  /**
   * A recorded google-genai body without what that SDK adds on its own: {@code role} in
   * systemInstruction, {@code responseModalities: [TEXT]}, an empty generationConfig; and with its
   * snake_case spellings in camelCase (the API takes both).
   */
  static ObjectNode recorded(String fixture) {
    String text = Fixtures.read("gemini/" + fixture).replace("\"thinking_budget\"", "\"thinkingBudget\"")
        .replace("\"parameters_json_schema\"", "\"parametersJsonSchema\"");
    ObjectNode body = json(text);
    if (body.path("systemInstruction").isObject()) ((ObjectNode) body.get("systemInstruction")).remove("role");
    if (body.path("generationConfig").isObject()) {
      ObjectNode g = (ObjectNode) body.get("generationConfig");
      g.remove("responseModalities");
      if (g.isEmpty()) body.remove("generationConfig");
    }
    return body;
  }

  static ObjectNode user(String text) {
    return Json.object().put("role", "user").put("content", text);
  }

  // ---- whole requests against recorded ones ---------------------------------------------------

  @Test
  void systemMessageAndQuestion() {
    assertThat(map("""
        {"model":"gemini:gemini-2.0-flash","messages":[
          {"role":"system","content":"You are a helpful assistant."},
          {"role":"user","content":"What is the capital of France?"}]}"""))
        .isEqualTo(recorded("generate_text_system_instruction.request.json"));
  }

  @Test
  void maxTokensWithThinkingOff() {
    assertThat(map("""
        {"model":"gemini-2.5-flash","max_tokens":5,"reasoning_effort":"none","messages":[
          {"role":"developer","content":"You are a helpful chatbot."},
          {"role":"user","content":"What is the capital of France?"}]}"""))
        .isEqualTo(recorded("generate_max_tokens.request.json"));
  }

  @Test
  void stopSequences() {
    assertThat(map("""
        {"model":"gemini-2.5-flash","stop":["Paris"],"messages":[{"role":"user",
          "content":"What is the capital of France? Give me an answer that contains the word \\"Paris\\", but is not the first word."}]}"""))
        .isEqualTo(recorded("generate_stop_sequences.request.json"));
  }

  @Test
  void jsonSchemaResponseFormat() {
    assertThat(map("""
        {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"What is the largest city in Mexico?"}],
         "response_format":{"type":"json_schema","json_schema":{"name":"CityLocation","strict":true,"schema":
           {"description":"A city and its country.","properties":{"city":{"type":"string"},"country":{"type":"string"}},
            "required":["city","country"],"title":"CityLocation","type":"object"}}}}"""))
        .isEqualTo(recorded("generate_response_json_schema.request.json"));
  }

  @Test
  void imageAsDataUrl() {
    JsonNode rec = recorded("generate_image_inline.request.json");
    JsonNode image = rec.at("/contents/0/parts/1/inlineData");
    ObjectNode req = Json.object().put("model", "gemini-2.5-flash");
    ArrayNode parts = req.putArray("messages").addObject().put("role", "user").putArray("content");
    parts.addObject().put("type", "text").put("text", "What is this vegetable?");
    parts.addObject().put("type", "image_url").putObject("image_url")
        .put("url", "data:" + image.get("mimeType").asText() + ";base64," + image.get("data").asText());
    ObjectNode out = GeminiMapper.toGeminiRequest(req, "gemini-2.5-flash");
    assertThat(out.get("contents")).isEqualTo(rec.get("contents"));
  }

  @Test
  void cachedContentIsCarried() {
    JsonNode rec = recorded("generate_cached_content_usage.request.json");
    ObjectNode req = Json.object().put("model", "gemini-2.5-flash").put("cachedContent", rec.get("cachedContent").asText());
    req.putArray("messages").add(user(rec.at("/contents/0/parts/0/text").asText()));
    assertThat(GeminiMapper.toGeminiRequest(req, "gemini-2.5-flash")).isEqualTo(rec);
  }

  @Test
  void toolCallAndResultGoBackUnderTheCallsIdWithTheFunctionsName() {
    JsonNode rec = recorded("generate_tools_result.request.json");
    ObjectNode out = map("""
        {"model":"gemini-2.0-flash","tool_choice":{"type":"function","function":{"name":"get_user_country"}},
         "tools":[{"type":"function","function":{"name":"get_user_country","description":"","parameters":{"type":"object","properties":{}}}}],
         "messages":[{"role":"user","content":"What is the largest city in the user country?"},
          {"role":"assistant","content":null,"tool_calls":[{"id":"pyd_ai_3fa5644dae1d4aad997ae39c70006fbd","type":"function",
            "function":{"name":"get_user_country","arguments":"{}"}}]},
          {"role":"tool","tool_call_id":"pyd_ai_3fa5644dae1d4aad997ae39c70006fbd","content":"{\\"return_value\\": \\"Mexico\\"}"}]}""");
    assertThat(out.get("contents")).isEqualTo(rec.get("contents"));
    assertThat(out.get("toolConfig")).isEqualTo(json("""
        {"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["get_user_country"]}}"""));
    assertThat(out.get("tools")).isEqualTo(json("""
        {"t":[{"functionDeclarations":[{"name":"get_user_country","description":"",
          "parametersJsonSchema":{"type":"object","properties":{}}}]}]}""").get("t"));
  }

  /** The signature Gemini gave the call comes back on the same functionCall part, from reasoning_details. */
  @Test
  void thoughtSignatureGoesBackOnItsFunctionCall() {
    ObjectNode rec = recorded("generate_tools_thought_signature_error_result.request.json");
    String signature = rec.at("/contents/1/parts/0/thoughtSignature").asText();
    ObjectNode req = json("""
        {"model":"gemini-2.5-pro","temperature":0.0,"messages":[
          {"role":"system","content":"You are a helpful chatbot."},
          {"role":"user","content":"What is the capital of France?"},
          {"role":"assistant","content":null,"tool_calls":[{"id":"pyd_ai_1f2bdea4ea804905a3f05dfe5b96a7fb","type":"function",
            "function":{"name":"get_capital","arguments":"{\\"country\\": \\"France\\"}"}}],
           "reasoning_details":[{"type":"reasoning.encrypted","data":"SIG","id":"pyd_ai_1f2bdea4ea804905a3f05dfe5b96a7fb",
             "format":"google-gemini-v1","index":0}]},
          {"role":"tool","tool_call_id":"pyd_ai_1f2bdea4ea804905a3f05dfe5b96a7fb",
           "content":"{\\"error\\": \\"The country is not supported. Use \\\\\\"La France\\\\\\" instead.\\\\n\\\\nFix the errors and try again.\\"}"}],
         "tools":[{"type":"function","function":{"name":"get_capital","description":"Get the capital of a country.",
           "parameters":{"additionalProperties":false,"properties":{"country":{"description":"The country name.","type":"string"}},
             "required":["country"],"type":"object"}}}]}""");
    ((ObjectNode) req.at("/messages/2/reasoning_details/0")).put("data", signature);
    assertThat(GeminiMapper.toGeminiRequest(req, "gemini-2.5-pro")).isEqualTo(rec);
  }

  // ---- one field at a time --------------------------------------------------------------------

  static Stream<Arguments> generationFields() {
    return Stream.of(
        Arguments.of("\"max_tokens\":100", "{\"maxOutputTokens\":100}"),
        Arguments.of("\"max_completion_tokens\":64,\"max_tokens\":100", "{\"maxOutputTokens\":64}"),
        Arguments.of("\"max_tokens\":100,\"max_completion_tokens\":64", "{\"maxOutputTokens\":64}"),
        Arguments.of("\"temperature\":0.7", "{\"temperature\":0.7}"),
        Arguments.of("\"top_p\":0.9", "{\"topP\":0.9}"),
        Arguments.of("\"top_k\":40", "{\"topK\":40}"),
        Arguments.of("\"seed\":42", "{\"seed\":42}"),
        Arguments.of("\"n\":3", "{\"candidateCount\":3}"),
        Arguments.of("\"n\":1", "null"),
        Arguments.of("\"presence_penalty\":0.5", "{\"presencePenalty\":0.5}"),
        Arguments.of("\"frequency_penalty\":-0.5", "{\"frequencyPenalty\":-0.5}"),
        Arguments.of("\"stop\":\"END\"", "{\"stopSequences\":[\"END\"]}"),
        Arguments.of("\"stop\":[]", "null"),
        Arguments.of("\"response_format\":{\"type\":\"json_object\"}", "{\"responseMimeType\":\"application/json\"}"),
        Arguments.of("\"response_format\":{\"type\":\"text\"}", "null"),
        Arguments.of("\"reasoning_effort\":\"low\"", "{\"thinkingConfig\":{\"thinkingBudget\":1024,\"includeThoughts\":true}}"),
        Arguments.of("\"reasoning_effort\":\"high\"", "{\"thinkingConfig\":{\"thinkingBudget\":4096,\"includeThoughts\":true}}"),
        Arguments.of("\"reasoning_effort\":\"none\"", "{\"thinkingConfig\":{\"thinkingBudget\":0}}"),
        // harmless values of fields Gemini cannot honour otherwise: dropped
        Arguments.of("\"parallel_tool_calls\":true,\"logprobs\":false,\"store\":false,\"service_tier\":\"auto\"", "null"),
        // ignored: nothing Gemini could use
        Arguments.of("\"user\":\"u-1\",\"metadata\":{\"a\":\"b\"},\"stream_options\":{\"include_usage\":true}", "null"));
  }

  @ParameterizedTest
  @MethodSource("generationFields")
  void eachFieldLandsInGenerationConfig(String fields, String expected) {
    ObjectNode out = map("{\"model\":\"m\"," + fields + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    JsonNode want = Json.MAPPER.valueToTree(null);
    try {
      want = Json.MAPPER.readTree(expected);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    if (want.isNull()) assertThat(out.has("generationConfig")).as(out.toString()).isFalse();
    else assertThat(out.get("generationConfig")).isEqualTo(want);
    assertThat(out.fieldNames()).toIterable().allMatch(f -> f.equals("contents") || f.equals("generationConfig"));
  }

  @Test
  void gemini3ThinksInLevels() {
    assertThat(map("{\"reasoning_effort\":\"medium\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "gemini-3-pro-preview")
        .at("/generationConfig/thinkingConfig")).isEqualTo(json("{\"thinkingLevel\":\"high\",\"includeThoughts\":true}"));
    assertThat(map("{\"reasoning_effort\":\"minimal\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "gemini-3-flash")
        .at("/generationConfig/thinkingConfig/thinkingLevel").asText()).isEqualTo("low");
  }

  static Stream<Arguments> refusedFields() {
    return Stream.of(
        Arguments.of("\"logprobs\":true", "logprobs"),
        Arguments.of("\"top_logprobs\":2", "top_logprobs"),
        Arguments.of("\"parallel_tool_calls\":false", "parallel_tool_calls"),
        Arguments.of("\"logit_bias\":{\"50256\":-100}", "logit_bias"),
        Arguments.of("\"store\":true", "store"),
        Arguments.of("\"modalities\":[\"text\",\"audio\"]", "modalities"),
        Arguments.of("\"audio\":{\"voice\":\"alloy\",\"format\":\"mp3\"}", "audio"),
        Arguments.of("\"service_tier\":\"flex\"", "service_tier"),
        Arguments.of("\"prediction\":{\"type\":\"content\",\"content\":\"x\"}", "prediction"),
        Arguments.of("\"web_search_options\":{}", "web_search_options"),
        Arguments.of("\"functions\":[]", "functions"),
        Arguments.of("\"generationConfig\":{\"temperature\":1}", "generationConfig"),
        Arguments.of("\"temprature\":1", "temprature"));
  }

  @ParameterizedTest
  @MethodSource("refusedFields")
  void fieldsGeminiCannotHonourAreA400NamingThem(String fields, String param) {
    assertThatThrownBy(() -> map("{\"model\":\"m\"," + fields + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
        .isInstanceOfSatisfying(GatewayException.InvalidRequest.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.code()).isEqualTo("unsupported_parameter");
          assertThat(e.param()).isEqualTo(param);
          assertThat(e.getMessage()).startsWith("Unsupported parameter '" + param + "' for Gemini models: ");
        });
  }

  @Test
  void safetySettingsAreCarried() {
    ObjectNode out = map("""
        {"safetySettings":[{"category":"HARM_CATEGORY_HATE_SPEECH","threshold":"BLOCK_NONE"}],
         "messages":[{"role":"user","content":"Hi"}]}""");
    assertThat(out.get("safetySettings")).isEqualTo(json("""
        {"s":[{"category":"HARM_CATEGORY_HATE_SPEECH","threshold":"BLOCK_NONE"}]}""").get("s"));
  }

  @Test
  void systemAndDeveloperMessagesAnywhereJoinTheSystemInstruction() {
    ObjectNode out = map("""
        {"messages":[{"role":"system","content":"A"},{"role":"user","content":"Hi"},
          {"role":"developer","content":[{"type":"text","text":"B"},{"type":"text","text":""}]}]}""");
    assertThat(out.get("systemInstruction")).isEqualTo(json("{\"parts\":[{\"text\":\"A\"},{\"text\":\"B\"}]}"));
    assertThat(out.get("contents")).isEqualTo(json("{\"c\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}]}").get("c"));
  }

  @Test
  void partsOfEveryKind() {
    ObjectNode out = map("""
        {"messages":[{"role":"user","content":[
          {"type":"text","text":"Look"},
          {"type":"image_url","image_url":{"url":"https://example.com/photos/cat.PNG?size=large"}},
          {"type":"image_url","image_url":{"url":"gs://bucket/doc.pdf"}},
          {"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}},
          {"type":"file","file":{"file_data":"data:application/pdf;base64,JVBERi0="}},
          {"type":"file","file":{"file_data":"JVBERi0="}}]},
          {"role":"assistant","content":[{"type":"text","text":"Seen"},{"type":"refusal","refusal":"No more"}]}]}""");
    assertThat(out.get("contents")).isEqualTo(json("""
        {"c":[{"role":"user","parts":[
          {"text":"Look"},
          {"fileData":{"mimeType":"image/png","fileUri":"https://example.com/photos/cat.PNG?size=large"}},
          {"fileData":{"mimeType":"application/pdf","fileUri":"gs://bucket/doc.pdf"}},
          {"inlineData":{"mimeType":"audio/wav","data":"UklGRg=="}},
          {"inlineData":{"mimeType":"application/pdf","data":"JVBERi0="}},
          {"inlineData":{"mimeType":"application/pdf","data":"JVBERi0="}}]},
         {"role":"model","parts":[{"text":"Seen"},{"text":"No more"}]}]}""").get("c"));
  }

  @Test
  void badPartsAreA400NamingThem() {
    assertThatThrownBy(() -> map("""
        {"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"http://insecure.example/x.png"}}]}]}"""))
        .isInstanceOfSatisfying(GatewayException.InvalidRequest.class,
            e -> assertThat(e.param()).isEqualTo("messages[0].content[0].image_url.url"));
    assertThatThrownBy(() -> map("""
        {"messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"file-abc"}}]}]}"""))
        .isInstanceOfSatisfying(GatewayException.InvalidRequest.class,
            e -> assertThat(e.param()).isEqualTo("messages[0].content[0].file.file_id"));
    assertThatThrownBy(() -> map("""
        {"messages":[{"role":"user","content":[{"type":"video","url":"x"}]}]}"""))
        .isInstanceOfSatisfying(GatewayException.InvalidRequest.class,
            e -> assertThat(e.param()).isEqualTo("messages[0].content[0].type"));
  }

  @Test
  void parallelToolResultsFormOneUserTurn() {
    ObjectNode out = map("""
        {"messages":[{"role":"user","content":"Weather in Paris and Rome?"},
          {"role":"assistant","tool_calls":[
            {"id":"c1","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
            {"id":"c2","type":"function","function":{"name":"weather","arguments":{"city":"Rome"}}}]},
          {"role":"tool","tool_call_id":"c1","content":"Sunny"},
          {"role":"tool","tool_call_id":"c2","content":[{"type":"text","text":"{\\"sky\\": \\"clear\\"}"}]}]}""");
    assertThat(out.get("contents")).isEqualTo(json("""
        {"c":[{"role":"user","parts":[{"text":"Weather in Paris and Rome?"}]},
         {"role":"model","parts":[{"functionCall":{"id":"c1","name":"weather","args":{"city":"Paris"}}},
                                  {"functionCall":{"id":"c2","name":"weather","args":{"city":"Rome"}}}]},
         {"role":"user","parts":[{"functionResponse":{"id":"c1","name":"weather","response":{"output":"Sunny"}}},
                                 {"functionResponse":{"id":"c2","name":"weather","response":{"sky":"clear"}}}]}]}""").get("c"));
  }

  @Test
  void aToolResultWhoseCallIsUnknownIsA400() {
    assertThatThrownBy(() -> map("""
        {"messages":[{"role":"user","content":"Hi"},{"role":"tool","tool_call_id":"nope","content":"x"}]}"""))
        .isInstanceOfSatisfying(GatewayException.InvalidRequest.class, e -> {
          assertThat(e.param()).isEqualTo("messages[1].tool_call_id");
          assertThat(e.getMessage()).contains("'nope'");
        });
  }

  @Test
  void toolsAndToolChoice() {
    String tools = """
        "tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object"}}},
                 {"type":"function","function":{"name":"g"}},{"googleSearch":{}}]""";
    ObjectNode out = map("{" + tools + ",\"tool_choice\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    assertThat(out.get("tools")).isEqualTo(json("""
        {"t":[{"functionDeclarations":[{"name":"f","description":"d","parametersJsonSchema":{"type":"object"}},{"name":"g"}]},
              {"googleSearch":{}}]}""").get("t"));
    assertThat(out.at("/toolConfig/functionCallingConfig/mode").asText()).isEqualTo("AUTO");
    for (String[] c : new String[][] {{"\"none\"", "NONE"}, {"\"required\"", "ANY"}}) {
      assertThat(map("{\"tool_choice\":" + c[0] + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
          .at("/toolConfig/functionCallingConfig/mode").asText()).isEqualTo(c[1]);
    }
    assertThatThrownBy(() -> map("{\"tool_choice\":{\"type\":\"allowed_tools\"},\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
        .isInstanceOfSatisfying(GatewayException.InvalidRequest.class, e -> assertThat(e.param()).isEqualTo("tool_choice.type"));
    assertThatThrownBy(() -> map("{\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"x\"}}],\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
        .isInstanceOfSatisfying(GatewayException.InvalidRequest.class, e -> assertThat(e.param()).isEqualTo("tools[0].type"));
  }

  @Test
  void signaturesWithoutIdGoOnTheFirstTextPartAndOtherFormatsAreSkipped() {
    ObjectNode out = map("""
        {"messages":[{"role":"user","content":"Hi"},
          {"role":"assistant","content":"Hello","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}],
           "reasoning_details":[
             {"type":"reasoning.text","text":"thinking...","signature":"TEXTSIG","format":"google-gemini-v1","index":0},
             {"type":"reasoning.encrypted","data":"CALLSIG","id":"c1","format":"google-gemini-v1","index":1},
             {"type":"reasoning.text","text":"x","signature":"anthropic-sig","format":"anthropic-claude-v1","index":2}]},
          {"role":"tool","tool_call_id":"c1","content":"ok"}]}""");
    assertThat(out.at("/contents/1/parts")).isEqualTo(json("""
        {"p":[{"text":"Hello","thoughtSignature":"TEXTSIG"},
              {"functionCall":{"id":"c1","name":"f","args":{}},"thoughtSignature":"CALLSIG"}]}""").get("p"));
  }

  @Test
  void theOpenAiCompatibleEndpointsSignatureFieldIsAcceptedToo() {
    ObjectNode out = map("""
        {"messages":[{"role":"user","content":"Hi"},
          {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"},
            "extra_content":{"google":{"thought_signature":"SIG"}}}]},
          {"role":"tool","tool_call_id":"c1","content":"ok"}]}""");
    assertThat(out.at("/contents/1/parts/0/thoughtSignature").asText()).isEqualTo("SIG");
  }

  @Test
  void badValuesAreA400() {
    String[][] cases = {
        {"\"max_tokens\":1.5", "max_tokens"},
        {"\"max_tokens\":0", "max_tokens"},
        {"\"temperature\":\"hot\"", "temperature"},
        {"\"stop\":[1]", "stop"},
        {"\"reasoning_effort\":\"extreme\"", "reasoning_effort"},
        {"\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\"}}", "response_format.json_schema.schema"}};
    for (String[] c : cases) {
      assertThatThrownBy(() -> map("{" + c[0] + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
          .as(c[0]).isInstanceOfSatisfying(GatewayException.InvalidRequest.class, e -> assertThat(e.param()).isEqualTo(c[1]));
    }
    assertThatThrownBy(() -> map("{\"messages\":[{\"role\":\"system\",\"content\":\"only a system message\"}]}"))
        .isInstanceOfSatisfying(GatewayException.InvalidRequest.class, e -> assertThat(e.param()).isEqualTo("messages"));
  }

  @Test
  void theClientsRequestIsNotChanged() {
    ObjectNode req = json("""
        {"model":"m","stop":"x","messages":[{"role":"user","content":"Hi"},
         {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}],
          "reasoning_details":[{"type":"reasoning.encrypted","data":"S","id":"c1","format":"google-gemini-v1","index":0}]},
         {"role":"tool","tool_call_id":"c1","content":"ok"}]}""");
    ObjectNode copy = req.deepCopy();
    GeminiMapper.toGeminiRequest(req, "m");
    assertThat(req).isEqualTo(copy);
  }
}
