package io.recllm.gateway.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.FieldPolicy.Action;
import org.junit.jupiter.api.Test;

class FieldPolicyTest {

  static JsonNode json(String text) throws Exception {
    return Json.MAPPER.readTree(text);
  }

  static FieldPolicy.Builder table() {
    return FieldPolicy.builder("Acme")
        .mapped("temperature", "same name")
        .carried("top_k", "Acme's own")
        .ignored("stream_options", "Acme always reports usage")
        .harmlessOnly("n", "`1`", FieldRule.number(1), "one choice only")
        .rule(FieldRule.harmlessOnly("response_format", "`{\"type\": \"text\"}`",
            v -> "text".equals(v.path("type").asText()), v -> "type '" + v.path("type").asText() + "' is not mapped",
            "only text"))
        .rejected("seed", "no seeded sampling");
  }

  static final FieldPolicy POLICY = table().otherFieldsRejected("unknown here");

  @Test
  void eachKindBecomesItsAction() throws Exception {
    assertThat(POLICY.action("temperature", json("0.5"))).isEqualTo(Action.MAP);
    assertThat(POLICY.action("top_k", json("5"))).isEqualTo(Action.CARRY);
    assertThat(POLICY.action("stream_options", json("{\"include_usage\":true}"))).isEqualTo(Action.DROP);
    assertThat(POLICY.action("n", json("1"))).isEqualTo(Action.DROP);
  }

  @Test
  void nullIsAbsentWhateverTheRule() throws Exception {
    for (String field : new String[] {"temperature", "top_k", "n", "seed", "never_heard_of"}) {
      assertThat(POLICY.action(field, json("null"))).as(field).isEqualTo(Action.DROP);
    }
  }

  @Test
  void refusalsAreUnsupportedParameterWithTheReason() throws Exception {
    assertRefused("n", "2", "Unsupported parameter 'n' for Acme models: one choice only");
    assertRefused("seed", "1", "Unsupported parameter 'seed' for Acme models: no seeded sampling");
    assertRefused("response_format", "{\"type\":\"json_object\"}",
        "Unsupported parameter 'response_format' for Acme models: type 'json_object' is not mapped");
    assertRefused("never_heard_of", "1", "Unsupported parameter 'never_heard_of' for Acme models: unknown here");
  }

  private static void assertRefused(String field, String value, String message) throws Exception {
    JsonNode v = json(value);
    GatewayException.InvalidRequest e =
        catchThrowableOfType(GatewayException.InvalidRequest.class, () -> POLICY.action(field, v));
    assertThat(e).as(field).isNotNull();
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.type()).isEqualTo("invalid_request_error");
    assertThat(e.code()).isEqualTo("unsupported_parameter");
    assertThat(e.param()).isEqualTo(field);
    assertThat(e.getMessage()).isEqualTo(message);
  }

  @Test
  void otherFieldsCanBeCarriedOrIgnoredInstead() throws Exception {
    FieldPolicy carrying = table().otherFieldsCarried("an OpenAI-compatible server takes what it knows");
    assertThat(carrying.action("never_heard_of", json("1"))).isEqualTo(Action.CARRY);
    assertThat(carrying.rule("never_heard_of").field()).isEqualTo(FieldPolicy.Builder.OTHER_FIELDS);
    FieldPolicy ignoring = table().otherFieldsIgnored("not meaningful here");
    assertThat(ignoring.action("never_heard_of", json("1"))).isEqualTo(Action.DROP);
    // named rules still apply
    assertThatThrownBy(() -> ignoring.action("seed", json("1"))).isInstanceOf(GatewayException.InvalidRequest.class);
  }

  @Test
  void rulesKeepTableOrder() {
    assertThat(POLICY.rules()).extracting(FieldRule::field)
        .containsExactly("temperature", "top_k", "stream_options", "n", "response_format", "seed");
  }

  @Test
  void aFieldHasOneRule() {
    assertThatThrownBy(() -> table().rejected("top_k", "twice").otherFieldsRejected("x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("top_k");
  }

  @Test
  void harmlessValuesAndReasonsBelongToTheKindsThatUseThem() {
    assertThatThrownBy(() -> new FieldRule("x", FieldRule.Kind.MAPPED, "n", "`1`", FieldRule.number(1), null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FieldRule("x", FieldRule.Kind.REJECTED, "n", null, null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FieldRule("x", FieldRule.Kind.HARMLESS_ONLY, "n", null, null, v -> "r"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void harmlessPredicates() throws Exception {
    assertThat(FieldRule.number(1)).accepts(json("1"), json("1.0"), json("1e0"))
        .rejects(json("\"1\""), json("2"), json("true"));
    assertThat(FieldRule.number(0)).accepts(json("0"), json("-0.0")).rejects(json("0.001"), json("false"));
    assertThat(FieldRule.isFalse()).accepts(json("false")).rejects(json("0"), json("\"false\""), json("true"));
    assertThat(FieldRule.emptyObject()).accepts(json("{}")).rejects(json("[]"), json("{\"a\":1}"));
    assertThat(FieldRule.text("medium")).accepts(json("\"medium\"")).rejects(json("\"low\""), json("{}"));
    assertThat(FieldRule.onlyItems("text")).accepts(json("[\"text\"]"), json("[]"))
        .rejects(json("[\"text\",\"audio\"]"), json("\"text\""));
  }
}
