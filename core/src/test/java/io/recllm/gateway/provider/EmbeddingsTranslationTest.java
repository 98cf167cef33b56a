package io.recllm.gateway.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EmbeddingsTranslationTest {

  static ObjectNode request(String json) throws Exception {
    return (ObjectNode) Json.MAPPER.readTree(json);
  }

  @Test
  void readsTextInputsFormatAndDimensions() throws Exception {
    var r = EmbeddingsTranslation.read(request("{\"model\":\"m\",\"input\":[\"a\",\"b\"],\"encoding_format\":\"base64\","
        + "\"dimensions\":256,\"user\":\"u-1\",\"input_type\":\"query\"}"), "p", Set.of("input_type"));
    assertThat(r.inputs()).containsExactly("a", "b");
    assertThat(r.single()).isFalse();
    assertThat(r.base64()).isTrue();
    assertThat(r.dimensions()).isEqualTo(256);
    assertThat(r.extra()).containsOnlyKeys("input_type");
    var one = EmbeddingsTranslation.read(request("{\"model\":\"m\",\"input\":\"a\"}"), "p", Set.of());
    assertThat(one.single()).isTrue();
    assertThat(one.base64()).isFalse();
    assertThat(one.dimensions()).isNull();
  }

  @Test
  void refusesWhatATextOnlyProviderCannotTake() {
    assertThatThrownBy(() -> EmbeddingsTranslation.read(request("{\"model\":\"m\",\"input\":[1,2]}"), "p", Set.of()))
        .isInstanceOfSatisfying(GatewayException.InvalidRequest.class, e -> assertThat(e.code()).isEqualTo("unsupported_value"));
    assertThatThrownBy(() -> EmbeddingsTranslation.read(request("{\"model\":\"m\",\"input\":[]}"), "p", Set.of()))
        .isInstanceOf(GatewayException.InvalidRequest.class).hasMessageContaining("non-empty");
    assertThatThrownBy(() -> EmbeddingsTranslation.read(request("{\"model\":\"m\",\"input\":\"a\",\"dimensions\":0}"), "p", Set.of()))
        .isInstanceOf(GatewayException.InvalidRequest.class).hasMessageContaining("dimensions");
    assertThatThrownBy(() -> EmbeddingsTranslation.read(request("{\"model\":\"m\",\"input\":\"a\",\"dimensions\":1.5}"), "p", Set.of()))
        .isInstanceOf(GatewayException.InvalidRequest.class).hasMessageContaining("dimensions");
    assertThatThrownBy(() -> EmbeddingsTranslation.read(request("{\"model\":\"m\",\"input\":\"a\",\"encoding_format\":\"int8\"}"), "p", Set.of()))
        .isInstanceOf(GatewayException.InvalidRequest.class).hasMessageContaining("encoding_format");
    assertThatThrownBy(() -> EmbeddingsTranslation.read(request("{\"model\":\"m\",\"input\":\"a\",\"truncate\":\"END\"}"), "p", Set.of()))
        .isInstanceOfSatisfying(GatewayException.InvalidRequest.class, e -> {
          assertThat(e.code()).isEqualTo("unsupported_parameter");
          assertThat(e.param()).isEqualTo("truncate");
        });
  }

  /** OpenAI's base64: float32 little-endian; a double from the provider is rounded to float as OpenAI's are. */
  @Test
  void base64IsLittleEndianFloat32() throws Exception {
    JsonNode vector = Json.MAPPER.readTree("[1.0,-0.1208660751581192,3.4E38]");
    byte[] bytes = Base64.getDecoder().decode(EmbeddingsTranslation.base64(vector));
    assertThat(bytes).hasSize(12);
    assertThat(bytes[0]).isEqualTo((byte) 0x00);
    assertThat(bytes[3]).as("1.0f is 0x3F800000, its high byte last").isEqualTo((byte) 0x3F);
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(buf.getFloat()).isEqualTo(1.0f);
    assertThat(buf.getFloat()).isEqualTo(-0.1208660751581192f);
    assertThat(buf.getFloat()).isEqualTo(3.4E38f);
  }

  @Test
  void answerIsOpenAisListWithUsage() throws Exception {
    JsonNode v = Json.MAPPER.readTree("[0.5,0.25]");
    ObjectNode body = EmbeddingsTranslation.answer("m", List.of(v, v), false, TokenUsage.of(7, 0));
    assertThat(body.toString()).isEqualTo("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.5,0.25]},"
        + "{\"object\":\"embedding\",\"index\":1,\"embedding\":[0.5,0.25]}],\"model\":\"m\","
        + "\"usage\":{\"prompt_tokens\":7,\"total_tokens\":7}}");
    assertThat(EmbeddingsTranslation.answer("m", List.of(v), true, TokenUsage.NONE).at("/data/0/embedding").asText())
        .isEqualTo("AAAAPwAAgD4=");
  }

  @Test
  void usageIsTheProvidersCountElseAnEstimate() {
    assertThat(EmbeddingsTranslation.counted(9, List.of("hello world")).estimated()).isFalse();
    TokenUsage estimate = EmbeddingsTranslation.counted(-1, List.of("hello world", "again"));
    assertThat(estimate.estimated()).isTrue();
    assertThat(estimate.promptTokens()).isEqualTo(3);
    assertThat(estimate.completionTokens()).isZero();
  }

  /** Results in input order, never more than the cap open at once, the first failure fails the whole. */
  @Test
  void eachKeepsOrderAndBoundsOpenCalls() {
    List<Promise<Integer>> open = new ArrayList<>();
    List<Integer> openInputs = new ArrayList<>();
    AtomicInteger started = new AtomicInteger();
    List<Integer> inputs = new ArrayList<>();
    for (int i = 0; i < 20; i++) inputs.add(i);
    Future<List<Integer>> all = EmbeddingsTranslation.each(inputs, i -> {
      started.incrementAndGet();
      Promise<Integer> p = Promise.promise();
      open.add(p);
      openInputs.add(i);
      return p.future();
    });
    assertThat(started.get()).isEqualTo(EmbeddingsTranslation.PARALLEL_CALLS);
    // finish them last-started first: the answer is still in input order
    while (!all.isComplete()) {
      List<Promise<Integer>> now = new ArrayList<>(open);
      List<Integer> nowInputs = new ArrayList<>(openInputs);
      open.clear();
      openInputs.clear();
      for (int k = now.size() - 1; k >= 0; k--) now.get(k).complete(nowInputs.get(k) * 10);
      assertThat(open.size()).isLessThanOrEqualTo(EmbeddingsTranslation.PARALLEL_CALLS);
    }
    assertThat(started.get()).isEqualTo(20);
    List<Integer> want = new ArrayList<>();
    for (int i = 0; i < 20; i++) want.add(i * 10);
    assertThat(all.result()).isEqualTo(want);

    List<Promise<Integer>> calls = new ArrayList<>();
    Future<List<Integer>> failing = EmbeddingsTranslation.each(inputs, i -> {
      Promise<Integer> p = Promise.promise();
      calls.add(p);
      return p.future();
    });
    calls.get(0).fail(new IllegalStateException("upstream said no"));
    calls.get(1).complete(1);
    assertThat(failing.failed()).isTrue();
    assertThat(calls).as("no call started after the failure").hasSize(EmbeddingsTranslation.PARALLEL_CALLS);
  }

  @Test
  void eachAnswersInInputOrder() {
    Future<List<String>> all = EmbeddingsTranslation.each(List.of("a", "b", "c"), s -> Future.succeededFuture(s.toUpperCase()));
    assertThat(all.result()).containsExactly("A", "B", "C");
  }
}
