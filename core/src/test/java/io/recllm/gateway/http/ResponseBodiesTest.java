package io.recllm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.json.Json;
import org.junit.jupiter.api.Test;

/** Adding x_rec_llm to an upstream's JSON text without parsing and serialising it again. */
class ResponseBodiesTest {

  final ObjectNode ext = Json.object().put("provider", "openai").put("cost_usd", 0.00014);

  @Test
  void theMemberGoesBeforeTheClosingBraceAndTheRestIsUntouched() {
    assertThat(ResponseBodies.withMember("{\"id\":\"c1\",  \"n\" : 1.50}\n", "x_rec_llm", ext))
        .isEqualTo("{\"id\":\"c1\",  \"n\" : 1.50,\"x_rec_llm\":{\"provider\":\"openai\",\"cost_usd\":1.4E-4}}\n");
    assertThat(ResponseBodies.withMember("{ }", "x_rec_llm", ext))
        .isEqualTo("{ \"x_rec_llm\":{\"provider\":\"openai\",\"cost_usd\":1.4E-4}}");
  }

  @Test
  void whatCannotBeSplicedIsLeftToTheTree() {
    assertThat(ResponseBodies.withMember("[1,2]", "x_rec_llm", ext)).isNull();
    assertThat(ResponseBodies.withMember("", "x_rec_llm", ext)).isNull();
    assertThat(ResponseBodies.withMember("}", "x_rec_llm", ext)).isNull();
    assertThat(ResponseBodies.withMember("{\"x_rec_llm\":{}}", "x_rec_llm", ext)).as("would repeat the member").isNull();
  }
}
