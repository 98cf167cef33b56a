package io.recllm.gateway.call;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.RecLlmGateway;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.config.UsageSettings;
import io.recllm.gateway.core.ModelRef;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ForwardingChatStream;
import io.vertx.core.Handler;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.LlmClient;
import io.recllm.gateway.usage.UsageRecord;
import io.vertx.core.Future;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Steps an application adds on the builder see every call, streams included, and the gateway prices and
 * records a call against the provider and model that answered it, not the one the client named.
 */
class StepOnTheBuilderTest {

  private final List<UsageRecord> records = new CopyOnWriteArrayList<>();

  /** Pins temperature to 0 for one model family; the client's own body stays as it was. */
  static final class DeterministicMini implements CallStep {
    final List<ObjectNode> clientBodies = new CopyOnWriteArrayList<>();

    @Override
    public Stage stage() {
      return Stage.TRANSFORMS;
    }

    @Override
    public Future<ChatResult> complete(Call call, Next next) {
      pin(call);
      return next.complete(call);
    }

    @Override
    public Future<ChatStream> stream(Call call, Next next) {
      pin(call);
      return next.stream(call);
    }

    private void pin(Call call) {
      clientBodies.add(call.clientBody());
      if (call.target().model().equals("echo")) call.body(call.body().deepCopy().put("temperature", 0));
    }
  }

  /** Sends every call for mock:down to mock:echo, as a fallback would. */
  static final class Failover implements CallStep {
    @Override
    public Stage stage() {
      return Stage.ROUTING;
    }

    @Override
    public Future<ChatResult> complete(Call call, Next next) {
      return next.complete(call).recover(e -> {
        call.target(new ModelRef("mock", "echo"));
        return next.complete(call);
      });
    }
  }

  private RecLlmGateway start(LlmClient client, CallStep... steps) {
    GatewayConfig config = ConfigLoader.load("""
        pricing:
          echo: { input: 1.0, output: 2.0 }
        """, Map.of()).withPort(0).withHost("127.0.0.1");
    config = config.withUsage(config.usage().withStore(UsageSettings.MEMORY));
    RecLlmGateway.Builder b = RecLlmGateway.builder(config).usageSink(records::add);
    if (client != null) b.llmClient(client);
    for (CallStep s : steps) b.step(s);
    return b.start();
  }

  private static HttpResponse<String> post(RecLlmGateway gw, String body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port()
            + "/v1/chat/completions")).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private List<UsageRecord> awaitRecords(int n) throws InterruptedException {
    for (int i = 0; i < 200 && records.size() < n; i++) Thread.sleep(20);
    return records;
  }

  @Test
  void aStepChangesWhatGoesUpstreamButNotWhatTheClientSent() throws Exception {
    List<JsonNode> upstream = new CopyOnWriteArrayList<>();
    LlmClient capturing = (provider, model, request) -> {
      upstream.add(request);
      ObjectNode answer = Json.object().put("object", "chat.completion").put("model", model);
      answer.putArray("choices").addObject().put("finish_reason", "stop").putObject("message")
          .put("role", "assistant").put("content", "ok");
      return Future.succeededFuture(new ChatResult(answer, io.recllm.gateway.core.TokenUsage.of(3, 4), null));
    };
    DeterministicMini step = new DeterministicMini();
    try (RecLlmGateway gw = start(capturing, step)) {
      HttpResponse<String> resp = post(gw, "{\"model\":\"mock:echo\",\"temperature\":0.9,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

      assertThat(resp.statusCode()).isEqualTo(200);
      assertThat(upstream).singleElement().satisfies(r -> assertThat(r.get("temperature").asInt()).isZero());
      assertThat(step.clientBodies).singleElement()
          .satisfies(b -> assertThat(b.get("temperature").asDouble()).isEqualTo(0.9));
    }
  }

  @Test
  void streamsGoThroughTheSameStep() throws Exception {
    DeterministicMini step = new DeterministicMini();
    try (RecLlmGateway gw = start(null, step)) {
      HttpResponse<String> resp = post(gw, "{\"model\":\"mock:echo\",\"stream\":true,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

      assertThat(resp.statusCode()).isEqualTo(200);
      assertThat(resp.body()).contains("data: [DONE]");
      assertThat(step.clientBodies).hasSize(1);
    }
  }

  /** A step that sees the streamed answer too: it upper-cases each chunk's text on its way to the client. */
  static final class ShoutingStep implements CallStep {
    @Override
    public Stage stage() {
      return Stage.TRANSFORMS;
    }

    @Override
    public Future<ChatStream> stream(Call call, Next next) {
      return next.stream(call).map(inner -> new ForwardingChatStream(inner) {
        @Override
        public ChatStream handler(Handler<ChatChunk> h) {
          inner.handler(h == null ? null : chunk -> {
            String text = chunk.content();
            if (text == null) {
              h.handle(chunk);
              return;
            }
            ObjectNode json = chunk.json().deepCopy();
            ((ObjectNode) json.path("choices").path(0).path("delta")).put("content", text.toUpperCase(java.util.Locale.ROOT));
            h.handle(ChatChunk.of(json, chunk.hasUsage() ? chunk.usage() : null));
          });
          return this;
        }
      });
    }
  }

  @Test
  void aStepOnTheBuilderRewritesAStreamedAnswerChunkByChunk() throws Exception {
    try (RecLlmGateway gw = start(null, new ShoutingStep())) {
      HttpResponse<String> resp = post(gw, "{\"model\":\"mock:echo\",\"stream\":true,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"quiet words here\"}]}");

      assertThat(resp.statusCode()).isEqualTo(200);
      StringBuilder text = new StringBuilder();
      int chunks = 0;
      for (String line : resp.body().split("\n")) {
        if (!line.startsWith("data: {")) continue;
        JsonNode delta = Json.MAPPER.readTree(line.substring(6)).path("choices").path(0).path("delta");
        if (delta.hasNonNull("content")) {
          text.append(delta.get("content").asText());
          chunks++;
        }
      }
      assertThat(text.toString()).isEqualTo("QUIET WORDS HERE");
      assertThat(chunks).as("still streamed, not gathered into one chunk").isGreaterThan(1);
      assertThat(resp.body()).contains("data: [DONE]");
    }
  }

  @Test
  void aCallIsPricedAndRecordedAgainstTheModelThatAnswered() throws Exception {
    try (RecLlmGateway gw = start(null, new Failover())) {
      HttpResponse<String> resp = post(gw, "{\"model\":\"mock:error-503\","
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}");

      assertThat(resp.statusCode()).isEqualTo(200);
      JsonNode body = Json.MAPPER.readTree(resp.body());
      assertThat(body.at("/x_rec_llm/provider").asText()).isEqualTo("mock");
      // mock:echo is priced by the config above; mock:error-503 is not, so a cost says who was billed
      assertThat(body.at("/x_rec_llm/cost_usd").decimalValue()).isPositive();
      // the failed first try is a row of its own (attempt 1); the call's row is the answering model's
      List<UsageRecord> rows = awaitRecords(2);
      assertThat(rows).extracting(UsageRecord::model, UsageRecord::attempt)
          .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("error-503", 1), org.assertj.core.groups.Tuple.tuple("echo", 2));
      UsageRecord r = rows.stream().filter(x -> x.attempt() == 2).findFirst().orElseThrow();
      assertThat(r.model()).isEqualTo("echo");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.costNanoUsd()).isPositive();
      assertThat(r.priceVersion()).isEqualTo("config:echo");
    }
  }
}
