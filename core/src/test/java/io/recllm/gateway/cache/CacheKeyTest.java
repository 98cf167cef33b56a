package io.recllm.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.Caller;
import io.recllm.gateway.core.ModelRef;
import io.recllm.gateway.json.Json;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The cache key changes with everything that changes the answer, and with the caller's key. */
class CacheKeyTest {

  private static final String BODY = """
      {"model":"openai:gpt-4o-mini","temperature":0,"max_tokens":50,"stream":false,"user":"u-1",
       "messages":[{"role":"user","content":"Hi"}],
       "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{}}}}]}""";

  private static final Caller ALICE = new Caller(Caller.Kind.VIRTUAL, "key-alice", "alice");
  private static final Caller BOB = new Caller(Caller.Kind.VIRTUAL, "key-bob", "bob");

  private static ObjectNode body(String json) throws IOException {
    return (ObjectNode) Json.MAPPER.readTree(json);
  }

  private static String key(ObjectNode body, Caller caller, boolean shared) {
    return key(body, caller, shared, new ModelRef("openai", "gpt-4o-mini"));
  }

  private static String key(ObjectNode body, Caller caller, boolean shared, ModelRef target) {
    return CacheKey.of(Call.builder("req", target, body).caller(caller).build(), shared);
  }

  @Test
  void theSameRequestGivesTheSameKeyWhateverTheOrderOfItsMembers() throws IOException {
    String reordered = """
        {"messages":[{"content":"Hi","role":"user"}],"max_tokens":50.0,"temperature":0.0,
         "tools":[{"function":{"parameters":{"properties":{},"type":"object"},"name":"f"},"type":"function"}],
         "model":"openai:gpt-4o-mini"}""";
    assertThat(key(body(reordered), ALICE, false)).isEqualTo(key(body(BODY), ALICE, false));
  }

  @Test
  void howTheAnswerIsDeliveredDoesNotChangeTheKey() throws IOException {
    ObjectNode streamed = body(BODY).put("stream", true).put("user", "u-2");
    streamed.putObject("stream_options").put("include_usage", true);
    assertThat(key(streamed, ALICE, false)).isEqualTo(key(body(BODY), ALICE, false));
  }

  @Test
  void aChangedParameterMessageToolOrModelMisses() throws IOException {
    String base = key(body(BODY), ALICE, false);
    assertThat(key(body(BODY).put("max_tokens", 51), ALICE, false)).isNotEqualTo(base);
    assertThat(key(body(BODY).put("temperature", 0.1), ALICE, false)).isNotEqualTo(base);
    assertThat(key(body(BODY).put("seed", 7), ALICE, false)).isNotEqualTo(base);
    assertThat(key(body(BODY.replace("\"Hi\"", "\"Hi!\"")), ALICE, false)).isNotEqualTo(base);
    assertThat(key(body(BODY.replace("\"name\":\"f\"", "\"name\":\"g\"")), ALICE, false)).isNotEqualTo(base);
    assertThat(key(body(BODY), ALICE, false, new ModelRef("openai", "gpt-4o"))).isNotEqualTo(base);
    assertThat(key(body(BODY), ALICE, false, new ModelRef("azure", "gpt-4o-mini"))).isNotEqualTo(base);
  }

  @Test
  void anotherKeyMissesUnlessTheCacheIsShared() throws IOException {
    assertThat(key(body(BODY), BOB, false)).isNotEqualTo(key(body(BODY), ALICE, false));
    assertThat(key(body(BODY), Caller.ANONYMOUS, false)).isNotEqualTo(key(body(BODY), ALICE, false));
    assertThat(key(body(BODY), BOB, true)).isEqualTo(key(body(BODY), ALICE, true));
  }
}
