package io.recllm.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.fuzz.Contracts;
import io.recllm.gateway.json.RawJsonObject;
import io.vertx.core.buffer.Buffer;

/**
 * Any request body: either a 400 with a message, or a request that has everything the gateway reads
 * before routing it. Seeds: the recorded OpenAI requests of src/test/resources/fixtures, in
 * ChatRequestFuzzTestInputs/; {@code bench/fuzz.sh} fuzzes from there.
 */
class ChatRequestFuzzTest {

  @FuzzTest
  void parseAndValidate(byte[] body) {
    ObjectNode request;
    try {
      request = ChatCompletionsHandler.parse(Buffer.buffer(body));
      ChatCompletionsHandler.validate(request);
    } catch (GatewayException.InvalidRequest e) {
      Contracts.readableFailure(e);
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.code()).isNotBlank();
      return;
    }
    assertThat(request).isInstanceOf(RawJsonObject.class);
    assertThat(((RawJsonObject) request).raw().getBytes()).isEqualTo(body);
    assertThat(request.get("model").isTextual()).isTrue();
    assertThat(request.get("model").asText()).isNotBlank();
    JsonNode messages = request.get("messages");
    assertThat(messages.isArray() && !messages.isEmpty()).isTrue();
    for (JsonNode m : messages) {
      assertThat(m.isObject()).isTrue();
      assertThat(m.get("role").isTextual()).isTrue();
    }
    Contracts.survivesWriteAndRead(request);
  }
}
