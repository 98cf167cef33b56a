package com.example.chatapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.LlmClient;
import io.vertx.core.Future;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

/** A test of the application that replaces the gateway's providers with its own {@link LlmClient} bean. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"rec-llm-gateway.usage.store=memory", "rec-llm-gateway.path=/ai/gateway/"})
class ReplacedLlmClientTest {

  static final List<String> CALLS = new CopyOnWriteArrayList<>();

  @TestConfiguration
  static class FakeModel {
    @Bean
    LlmClient fakeLlm() {
      return (provider, model, request) -> {
        CALLS.add(provider + "/" + model);
        ObjectNode body = new ObjectMapper().createObjectNode();
        body.put("id", "chatcmpl-fake").put("object", "chat.completion").put("model", model);
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", "canned answer");
        return Future.succeededFuture(new ChatResult(body, TokenUsage.of(3, 2), null));
      };
    }
  }

  @LocalServerPort
  int port;

  @Test
  void theApplicationsLlmClientAnswersUnderTheConfiguredPath() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ai/gateway/v1/chat/completions"))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("""
                {"model": "mock:echo", "messages": [{"role": "user", "content": "hi"}]}""")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("canned answer");
    assertThat(CALLS).containsExactly("mock/echo");
  }
}
