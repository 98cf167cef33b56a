package io.recllm.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.LlmClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** What an application embedding the gateway does: start it in process, swap the provider SPI, mount its routes. */
class EmbeddingTest {

  static final String BODY = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"temperature\":0.2}";

  static HttpResponse<String> post(String url, String body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aMockitoLlmClientReplacesEveryProvider() throws Exception {
    ObjectNode answer = (ObjectNode) Json.MAPPER.readTree(
        "{\"id\":\"x\",\"object\":\"chat.completion\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\"Stubbed\"},\"finish_reason\":\"stop\"}]}");
    LlmClient llm = mock(LlmClient.class);
    when(llm.chatCompletion(eq("openai"), eq("gpt-4o"), any()))
        .thenReturn(Future.succeededFuture(new ChatResult(answer, TokenUsage.of(3, 4), null)));

    GatewayConfig config = ConfigLoader.fromEnvironment(Map.of()).withPort(0).withHost("127.0.0.1");
    try (RecLlmGateway gateway = RecLlmGateway.builder(config).llmClient(llm).start()) {
      HttpResponse<String> resp = post("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions", BODY);
      assertThat(resp.statusCode()).isEqualTo(200);
      assertThat(Json.MAPPER.readTree(resp.body()).at("/choices/0/message/content").asText()).isEqualTo("Stubbed");
      ArgumentCaptor<ObjectNode> request = ArgumentCaptor.forClass(ObjectNode.class);
      verify(llm).chatCompletion(eq("openai"), eq("gpt-4o"), request.capture());
      assertThat(request.getValue().get("temperature").asDouble()).isEqualTo(0.2);
    }
  }

  @Test
  void routesMountIntoTheApplicationsOwnRouter() throws Exception {
    Vertx vertx = Vertx.vertx();
    GatewayConfig config = ConfigLoader.fromEnvironment(Map.of()).withPort(0).withHost("127.0.0.1");
    try (RecLlmGateway gateway = RecLlmGateway.builder(config).vertx(vertx).start()) {
      Router app = Router.router(vertx);
      app.get("/hello").handler(ctx -> ctx.end("app"));
      app.route("/llm/*").subRouter(gateway.router(vertx));
      var server = vertx.createHttpServer().requestHandler(app).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
      HttpResponse<String> resp = post("http://127.0.0.1:" + server.actualPort() + "/llm/v1/chat/completions",
          BODY.replace("gpt-4o", "mock:echo"));
      assertThat(resp.statusCode()).isEqualTo(200);
      assertThat(Json.MAPPER.readTree(resp.body()).at("/choices/0/message/content").asText()).isEqualTo("Hi");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
