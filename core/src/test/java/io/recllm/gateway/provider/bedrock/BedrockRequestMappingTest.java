package io.recllm.gateway.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.FieldRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** OpenAI chat requests → Converse bodies: recorded requests as goldens, then field by field. */
class BedrockRequestMappingTest {

  static final String NOVA = "us.amazon.nova-pro-v1:0";
  static final String CLAUDE = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

  /**
   * {@code openai/<name>.openai.json} (written here: the OpenAI request a client would send for that
   * conversation) must map to the Converse body the recorded client sent. Two recorded details have no
   * OpenAI source and are left out of the comparison: an empty {@code inferenceConfig} (the gateway omits
   * it) and a tool result's {@code status}, which OpenAI tool messages do not carry.
   */
  @ParameterizedTest
  @ValueSource(strings = {"converse_text_system", "converse_tool_use", "converse_max_tokens", "converse_tool_choice_any",
      "converse_stream_tool_use", "converse_stream_after_tool_result", "converse_after_tool_result_error",
      "converse_image_bytes"})
  void recordedRequestsAreReproduced(String name) throws Exception {
    ObjectNode openAi = (ObjectNode) Json.MAPPER.readTree(Fixtures.read("bedrock/openai/" + name + ".openai.json"));
    String model = openAi.path("model").asText().substring("bedrock:".length());
    ObjectNode recorded = (ObjectNode) Json.MAPPER.readTree(Fixtures.read("bedrock/" + name + ".request.json"));
    if (recorded.path("inferenceConfig").isEmpty()) recorded.remove("inferenceConfig");
    for (JsonNode m : recorded.path("messages")) {
      for (JsonNode b : m.path("content")) if (b.has("toolResult")) ((ObjectNode) b.get("toolResult")).remove("status");
    }
    assertThat(BedrockMapper.toConverseRequest(openAi, model)).isEqualTo(recorded);
  }

  private static ObjectNode request(String json) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static ObjectNode map(String json) {
    return BedrockMapper.toConverseRequest(request(json), NOVA);
  }

  private static final String USER = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";

  @Test
  void inferenceFields() {
    ObjectNode out = map("{" + USER + ",\"max_tokens\":10,\"max_completion_tokens\":20,\"temperature\":0.3,\"top_p\":0.9,"
        + "\"stop\":\"END\",\"metadata\":{\"team\":\"search\"},\"service_tier\":\"flex\",\"n\":1,\"user\":\"u-1\"}");
    assertThat(out.get("inferenceConfig").toString())
        .isEqualTo("{\"temperature\":0.3,\"topP\":0.9,\"stopSequences\":[\"END\"],\"maxTokens\":20}");
    assertThat(out.get("requestMetadata").toString()).isEqualTo("{\"team\":\"search\"}");
    assertThat(out.get("serviceTier").toString()).isEqualTo("{\"type\":\"flex\"}");
    assertThat(out.has("user")).isFalse();
    assertThat(map("{" + USER + ",\"service_tier\":\"auto\"}").has("serviceTier")).isFalse();
  }

  @Test
  void everyRefusedFieldIsAnUnsupportedParameterNamingIt() {
    for (FieldRule rule : BedrockFieldPolicy.POLICY.rules()) {
      if (rule.kind() != FieldRule.Kind.REJECTED && rule.kind() != FieldRule.Kind.HARMLESS_ONLY) continue;
      String value = rule.field().equals("n") ? "2" : rule.field().equals("parallel_tool_calls") ? "false" : "{\"x\":1}";
      assertThatThrownBy(() -> map("{" + USER + ",\"" + rule.field() + "\":" + value + "}")).as(rule.field())
          .isInstanceOfSatisfying(GatewayException.InvalidRequest.class, e -> {
            assertThat(e.code()).isEqualTo("unsupported_parameter");
            assertThat(e.param()).isEqualTo(rule.field());
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).startsWith("Unsupported parameter '" + rule.field() + "' for Bedrock models: ");
          });
    }
    assertThatThrownBy(() -> map("{" + USER + ",\"frobnicate\":true}"))
        .isInstanceOfSatisfying(GatewayException.InvalidRequest.class, e -> assertThat(e.param()).isEqualTo("frobnicate"));
    assertThat(map("{" + USER + ",\"seed\":null,\"logprobs\":false,\"n\":1,\"parallel_tool_calls\":true}").size())
        .as("null counts as absent; harmless values are dropped").isEqualTo(1);
  }

  @Test
  void converseFieldsAreCarriedAndAdditionalFieldsMergeOverReasoningEffort() {
    ObjectNode out = BedrockMapper.toConverseRequest(request("{" + USER + ",\"reasoning_effort\":\"medium\","
        + "\"additionalModelRequestFields\":{\"top_k\":40},\"guardrailConfig\":{\"guardrailIdentifier\":\"g\",\"guardrailVersion\":\"1\"}}"),
        CLAUDE);
    assertThat(out.get("additionalModelRequestFields").toString())
        .isEqualTo("{\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2048},\"top_k\":40}");
    assertThat(out.at("/inferenceConfig/maxTokens").asInt()).isEqualTo(2048 + 4096);
    assertThat(out.at("/guardrailConfig/guardrailIdentifier").asText()).isEqualTo("g");
    assertThatThrownBy(() -> map("{" + USER + ",\"reasoning_effort\":\"high\"}"))
        .isInstanceOfSatisfying(GatewayException.InvalidRequest.class, e -> assertThat(e.param()).isEqualTo("reasoning_effort"));
    assertThatThrownBy(() -> BedrockMapper.toConverseRequest(request("{" + USER + ",\"reasoning_effort\":\"high\",\"max_tokens\":100}"), CLAUDE))
        .hasMessageContaining("thinking budget");
  }

  @Test
  void imagesMustBeBytesOrS3() {
    String part = "{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"%s\"}}]}";
    assertThatThrownBy(() -> map("{\"messages\":[" + part.formatted("https://example.com/cat.png") + "]}"))
        .isInstanceOfSatisfying(GatewayException.InvalidRequest.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.code()).isEqualTo("unsupported_value");
          assertThat(e.param()).isEqualTo("messages[0].content[0].image_url.url");
          assertThat(e.getMessage()).contains("takes image bytes, not URLs").contains("data URL");
        });
    assertThat(map("{\"messages\":[" + part.formatted("data:image/webp;base64,UklGRg==") + "]}").at("/messages/0/content/0").toString())
        .isEqualTo("{\"image\":{\"format\":\"webp\",\"source\":{\"bytes\":\"UklGRg==\"}}}");
    assertThat(map("{\"messages\":[" + part.formatted("s3://bucket/cats/tom.JPG") + "]}").at("/messages/0/content/0").toString())
        .isEqualTo("{\"image\":{\"format\":\"jpeg\",\"source\":{\"s3Location\":{\"uri\":\"s3://bucket/cats/tom.JPG\"}}}}");
    assertThatThrownBy(() -> map("{\"messages\":[" + part.formatted("data:image/bmp;base64,Qk0=") + "]}"))
        .hasMessageContaining("image/bmp");
  }

  @Test
  void pdfFilesBecomeDocumentsAndCacheHintsBecomeCachePoints() {
    ObjectNode out = map("{\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\"Rules\","
        + "\"cache_control\":{\"type\":\"ephemeral\"}}]},{\"role\":\"user\",\"content\":[{\"type\":\"file\",\"file\":"
        + "{\"filename\":\"Q3 report (final).pdf\",\"file_data\":\"data:application/pdf;base64,JVBERi0=\"}},"
        + "{\"type\":\"text\",\"text\":\"Summarise\",\"prompt_cache_breakpoint\":{}}]}]}");
    assertThat(out.get("system").toString()).isEqualTo("[{\"text\":\"Rules\"},{\"cachePoint\":{\"type\":\"default\"}}]");
    assertThat(out.at("/messages/0/content").toString()).isEqualTo("[{\"document\":{\"format\":\"pdf\",\"name\":"
        + "\"Q3 report (final)\",\"source\":{\"bytes\":\"JVBERi0=\"}}},{\"text\":\"Summarise\"},{\"cachePoint\":{\"type\":\"default\"}}]");
    assertThatThrownBy(() -> map("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":{}}]}]}"))
        .isInstanceOf(GatewayException.InvalidRequest.class);
  }

  @Test
  void toolChoices() {
    String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"now\"}}]";
    assertThat(map("{" + USER + tools + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"now\"}}}")
        .get("toolConfig").toString()).isEqualTo("{\"tools\":[{\"toolSpec\":{\"name\":\"now\",\"inputSchema\":{\"json\":"
        + "{\"type\":\"object\",\"properties\":{}}}}}],\"toolChoice\":{\"tool\":{\"name\":\"now\"}}}");
    assertThat(map("{" + USER + tools + ",\"tool_choice\":\"none\"}").has("toolConfig")).isFalse();
    String history = "\"messages\":[{\"role\":\"user\",\"content\":\"t?\"},{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\","
        + "\"type\":\"function\",\"function\":{\"name\":\"now\",\"arguments\":\"{}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"c1\","
        + "\"content\":\"noon\"},{\"role\":\"user\",\"content\":\"and now?\"}]";
    assertThatThrownBy(() -> map("{" + history + tools + ",\"tool_choice\":\"none\"}"))
        .isInstanceOfSatisfying(GatewayException.InvalidRequest.class, e -> assertThat(e.param()).isEqualTo("tool_choice"));
    ObjectNode out = map("{" + history + tools + "}");
    assertThat(out.get("messages").size()).as("the tool result and the next user message share one turn").isEqualTo(3);
    assertThat(out.at("/messages/2/content").toString())
        .isEqualTo("[{\"toolResult\":{\"toolUseId\":\"c1\",\"content\":[{\"text\":\"noon\"}]}},{\"text\":\"and now?\"}]");
    assertThatThrownBy(() -> map("{" + USER + ",\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"x\"}}]}"))
        .hasMessageContaining("function tools");
  }

  @Test
  void reasoningDetailsGoBackAsReasoningContentBeforeTheText() {
    String details = "[{\"type\":\"reasoning.text\",\"text\":\"The user \",\"format\":\"anthropic-claude-v1\",\"index\":0},"
        + "{\"type\":\"reasoning.text\",\"text\":\"greets.\",\"format\":\"anthropic-claude-v1\",\"index\":0},"
        + "{\"type\":\"reasoning.text\",\"signature\":\"EuSig==\",\"format\":\"anthropic-claude-v1\",\"index\":0},"
        + "{\"type\":\"reasoning.encrypted\",\"data\":\"REDACTED==\",\"format\":\"anthropic-claude-v1\",\"index\":1},"
        + "{\"type\":\"reasoning.text\",\"text\":\"a thought of another model\",\"format\":\"google-gemini-v1\",\"index\":2}]";
    ObjectNode out = BedrockMapper.toConverseRequest(request("{\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"},"
        + "{\"role\":\"assistant\",\"content\":\"Hi!\",\"reasoning_details\":" + details + "},{\"role\":\"user\",\"content\":\"Bye\"}]}"),
        CLAUDE);
    assertThat(out.at("/messages/1/content").toString()).isEqualTo("[{\"reasoningContent\":{\"reasoningText\":{\"text\":"
        + "\"The user greets.\",\"signature\":\"EuSig==\"}}},{\"reasoningContent\":{\"redactedContent\":\"REDACTED==\"}},"
        + "{\"text\":\"Hi!\"}]");
  }

  @Test
  void modelIdsAndArnsStayOnePathSegment() {
    assertThat(BedrockMapper.path("us.amazon.nova-micro-v1:0", false)).isEqualTo("/model/us.amazon.nova-micro-v1%3A0/converse");
    assertThat(BedrockMapper.path("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-x", true))
        .isEqualTo("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-x/converse-stream");
  }
}
