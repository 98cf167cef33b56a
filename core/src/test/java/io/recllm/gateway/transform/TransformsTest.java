package io.recllm.gateway.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.RecLlmGateway;
import io.recllm.gateway.config.ConfigException;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.config.UsageSettings;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.LlmClient;
import io.vertx.core.Future;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The transforms section: the rules that match change what goes upstream, in order; the others do nothing. */
class TransformsTest {

  private static final String RULES = """
      transforms:
        - match: { model: "mock:ec*" }
          set: { temperature: 0 }
          default: { max_tokens: 64 }
          remove: [logit_bias]
          add_system: "Answer in English."
        - match: { provider: mock, model: "other" }
          set: { top_p: 0.5 }
        - match: { key: nobody-has-this-key }
          set: { seed: 1 }
      """;

  private final List<JsonNode> upstream = new CopyOnWriteArrayList<>();
  private final LlmClient capturing = (provider, model, request) -> {
    upstream.add(request);
    ObjectNode answer = Json.object().put("object", "chat.completion").put("model", model);
    answer.putArray("choices").addObject().put("finish_reason", "stop").putObject("message")
        .put("role", "assistant").put("content", "ok");
    return Future.succeededFuture(new ChatResult(answer, TokenUsage.of(3, 4), null));
  };

  private RecLlmGateway start() {
    GatewayConfig config = ConfigLoader.load(RULES, Map.of()).withPort(0).withHost("127.0.0.1");
    config = config.withUsage(config.usage().withStore(UsageSettings.MEMORY));
    return RecLlmGateway.builder(config).llmClient(capturing).start();
  }

  private static void post(RecLlmGateway gw, String body) throws Exception {
    HttpResponse<String> resp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + gw.port() + "/v1/chat/completions")).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
  }

  @Test
  void matchingRulesChangeTheBodyGoingUpstream() throws Exception {
    try (RecLlmGateway gw = start()) {
      post(gw, "{\"model\":\"mock:echo\",\"temperature\":0.9,\"max_tokens\":10,\"logit_bias\":{\"50256\":-100},"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
      post(gw, "{\"model\":\"mock:echo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
      post(gw, "{\"model\":\"mock:other\",\"temperature\":0.9,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

      JsonNode first = upstream.get(0);
      assertThat(first.get("temperature").asInt()).isZero();
      assertThat(first.get("max_tokens").asInt()).as("a default leaves the client's value").isEqualTo(10);
      assertThat(first.has("logit_bias")).isFalse();
      assertThat(first.at("/messages/0/role").asText()).isEqualTo("system");
      assertThat(first.at("/messages/0/content").asText()).isEqualTo("Answer in English.");
      assertThat(first.at("/messages/1/content").asText()).isEqualTo("Hi");
      assertThat(first.has("seed")).as("the rule for another key").isFalse();

      assertThat(upstream.get(1).get("max_tokens").asInt()).isEqualTo(64);

      JsonNode other = upstream.get(2);
      assertThat(other.get("temperature").asDouble()).isEqualTo(0.9);
      assertThat(other.get("top_p").asDouble()).isEqualTo(0.5);
      assertThat(other.get("messages")).hasSize(1);
    }
  }

  @Test
  void badRulesNameTheirKeyPath() {
    assertThatThrownBy(() -> ConfigLoader.load("transforms: [ { match: { provider: nope } } ]", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("transforms[0].match.provider: no provider named \"nope\"");
    assertThatThrownBy(() -> ConfigLoader.load("transforms: [ { set: { model: x } } ]", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("transforms[0].set.model:");
    assertThatThrownBy(() -> ConfigLoader.load("transforms: [ { sett: { top_p: 1 } } ]", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("transforms[0].sett: unknown key");
  }

  @Test
  void globs() {
    assertThat(TransformRule.glob("openai:*").matcher("openai:gpt-4o").matches()).isTrue();
    assertThat(TransformRule.glob("openai:*").matcher("anthropic:claude").matches()).isFalse();
    assertThat(TransformRule.glob("gpt-4o?").matcher("gpt-4o1").matches()).isTrue();
    assertThat(TransformRule.glob("gpt.4o").matcher("gpt-4o").matches()).as("a dot is a dot").isFalse();
  }
}
