package io.recllm.gateway.provider.anthropic;

import static io.recllm.gateway.provider.anthropic.AnthropicRequestMappingTest.HI;
import static io.recllm.gateway.provider.anthropic.AnthropicRequestMappingTest.USER_HI;
import static io.recllm.gateway.provider.anthropic.AnthropicRequestMappingTest.assertMaps;
import static io.recllm.gateway.provider.anthropic.AnthropicRequestMappingTest.map;
import static io.recllm.gateway.provider.anthropic.AnthropicRequestMappingTest.rejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.provider.FieldRule;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The mapper follows {@link AnthropicFieldPolicy#POLICY} row by row, and the messages clients get
 * for refused fields stay word for word what they were.
 */
class AnthropicFieldPolicyTest {

  static final String PLAIN = "{\"model\":\"claude-test\",\"max_tokens\":1000,\"messages\":[" + HI + "]}";

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "n                  | 2                          | Anthropic returns a single choice, so only n=1 is accepted",
      "logprobs           | true                       | Anthropic does not return log probabilities",
      "top_logprobs       | 1                          | Anthropic does not return log probabilities",
      "presence_penalty   | 0.1                        | Anthropic has no such penalty; only 0 is accepted",
      "frequency_penalty  | -2                         | Anthropic has no such penalty; only 0 is accepted",
      "logit_bias         | {\"1\":1}                  | Anthropic does not support token biasing",
      "store              | true                       | Anthropic does not store completions; only false is accepted",
      "response_format    | {\"type\":\"json_object\"} | type 'json_object' is not mapped for Anthropic models; use a tool, or Anthropic's own 'output_config'/'output_format'",
      "response_format    | {}                         | type '' is not mapped for Anthropic models; use a tool, or Anthropic's own 'output_config'/'output_format'",
      "modalities         | [\"audio\"]                | Anthropic models only produce text",
      "verbosity          | \"high\"                   | Anthropic has no verbosity control; only \"medium\" (the default) is accepted",
      "seed               | 0                          | Anthropic has no seeded sampling",
      "audio              | {}                         | Anthropic models do not produce audio",
      "prediction         | {}                         | Anthropic has no predicted outputs",
      "web_search_options | {}                         | not mapped for Anthropic models; send Anthropic's web_search tool in 'tools' instead",
      "moderation         | {}                         | Anthropic has no request moderation setting",
      "functions          | []                         | deprecated by OpenAI and not mapped; use 'tools' and 'tool_choice'",
      "function_call      | \"none\"                   | deprecated by OpenAI and not mapped; use 'tools' and 'tool_choice'",
      "system             | \"s\"                      | send system or developer messages instead of a top-level 'system'",
      "stop_sequences     | []                         | use 'stop' instead",
      "top_K              | 1                          | it is neither an OpenAI chat parameter nor an Anthropic Messages parameter",
      "x_unknown          | {}                         | it is neither an OpenAI chat parameter nor an Anthropic Messages parameter"})
  void refusedFieldsGetTheirReasonWordForWord(String field, String value, String reason) {
    GatewayException e = rejected("{\"messages\":[" + USER_HI + "],\"" + field + "\":" + value + "}");
    assertThat(e.code()).isEqualTo("unsupported_parameter");
    assertThat(e.param()).isEqualTo(field);
    assertThat(e.getMessage()).isEqualTo("Unsupported parameter '" + field + "' for Anthropic models: " + reason);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "n                 | 1.0",
      "logprobs          | false",
      "top_logprobs      | 0",
      "presence_penalty  | 0.00",
      "frequency_penalty | -0",
      "logit_bias        | {}",
      "store             | false",
      "response_format   | {\"type\":\"text\"}",
      "modalities        | [\"text\"]",
      "verbosity         | \"medium\""})
  void harmlessValuesAreAcceptedAndLeftOut(String field, String value) {
    assertMaps("{\"messages\":[" + USER_HI + "],\"" + field + "\":" + value + "}", PLAIN);
  }

  @Test
  void theFirstRefusedFieldInRequestOrderIsTheOneReported() {
    assertThat(rejected("{\"seed\":1,\"messages\":[" + USER_HI + "],\"n\":2}").param()).isEqualTo("seed");
    assertThat(rejected("{\"n\":2,\"messages\":[" + USER_HI + "],\"seed\":1}").param()).isEqualTo("n");
    assertThat(rejected("{\"max_tokens\":\"x\",\"seed\":1,\"messages\":[" + USER_HI + "]}").param())
        .isEqualTo("max_tokens");
  }

  static Stream<FieldRule> rules(FieldRule.Kind kind) {
    return AnthropicFieldPolicy.POLICY.rules().stream().filter(r -> r.kind() == kind);
  }

  static Stream<String> mappedFields() {
    return rules(FieldRule.Kind.MAPPED).map(FieldRule::field);
  }

  static Stream<String> carriedFields() {
    return rules(FieldRule.Kind.CARRIED).map(FieldRule::field);
  }

  static Stream<String> ignoredFields() {
    return rules(FieldRule.Kind.IGNORED).map(FieldRule::field);
  }

  /** A mapped field with no code in the mapper would reach its IllegalStateException. */
  @ParameterizedTest
  @MethodSource("mappedFields")
  void everyMappedFieldHasCodeInTheMapper(String field) {
    for (String value : new String[] {"1", "\"auto\"", "true", "{}", "[]"}) {
      Throwable t = catchThrowable(() -> map("{\"" + field + "\":" + value + ",\"messages\":[" + USER_HI + "]}"));
      assertThat(t).as("%s: %s", field, value).satisfiesAnyOf(
          x -> assertThat(x).isNull(),
          x -> assertThat(x).isInstanceOf(GatewayException.InvalidRequest.class));
    }
  }

  @ParameterizedTest
  @MethodSource("carriedFields")
  void everyCarriedFieldIsCopiedAsSentAfterTheMappedOnes(String field) {
    String value = "{\"a\":[1,{\"b\":null}]}";
    assertThat(map("{\"" + field + "\":" + value + ",\"messages\":[" + USER_HI + "],\"metadata\":{}}").toString())
        .isEqualTo("{\"model\":\"claude-test\",\"messages\":[" + HI + "],\"max_tokens\":1000,\"metadata\":{},\""
            + field + "\":" + value + "}");
  }

  @ParameterizedTest
  @MethodSource("ignoredFields")
  void everyIgnoredFieldIsLeftOut(String field) {
    assertMaps("{\"" + field + "\":{\"include_usage\":true},\"messages\":[" + USER_HI + "]}", PLAIN);
  }
}
