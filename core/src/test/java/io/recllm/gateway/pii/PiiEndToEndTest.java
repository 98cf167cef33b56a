package io.recllm.gateway.pii;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.RecLlmGateway;
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

/** The pii section through the whole gateway: what goes upstream, what the client gets back. */
class PiiEndToEndTest {

  private static final String PII = """
      pii:
        detectors: { email: restore, phone: restore, card: mask, iban: mask, ssn: block, ip: off, secret: block }
        custom: [ { name: employee_id, regex: "EMP-[0-9]{6}", mode: mask } ]
      """;

  private final List<JsonNode> upstream = new CopyOnWriteArrayList<>();
  private static final List<io.recllm.gateway.usage.UsageRecord> records = new CopyOnWriteArrayList<>();

  /** Answers with the last message's text, as the model would if it repeated what it saw. */
  private final LlmClient echo = (provider, model, request) -> {
    upstream.add(request);
    JsonNode messages = request.get("messages");
    ObjectNode answer = Json.object().put("object", "chat.completion").put("model", model);
    answer.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop").putObject("message")
        .put("role", "assistant").put("content", "You said: " + messages.get(messages.size() - 1).get("content").asText());
    return Future.succeededFuture(new ChatResult(answer, TokenUsage.of(3, 4), null));
  };

  private static RecLlmGateway start(String yaml, LlmClient client) {
    GatewayConfig config = ConfigLoader.load(yaml, Map.of()).withPort(0).withHost("127.0.0.1");
    config = config.withUsage(config.usage().withStore(UsageSettings.MEMORY));
    records.clear();
    RecLlmGateway.Builder b = RecLlmGateway.builder(config).usageSink(records::add);
    if (client != null) b.llmClient(client);
    return b.start();
  }

  private static HttpResponse<String> post(RecLlmGateway gw, String body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port()
            + "/v1/chat/completions")).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String chat(String content, boolean stream) {
    return Json.object().put("model", "mock:echo").put("stream", stream)
        .set("messages", Json.MAPPER.createArrayNode().add(Json.object().put("role", "user").put("content", content)))
        .toString();
  }

  @Test
  void restoredValuesNeverGoUpstreamAndComeBackInTheAnswer() throws Exception {
    try (RecLlmGateway gw = start(PII, echo)) {
      HttpResponse<String> resp = post(gw, chat("Mail jane.doe@example.com, card 4111 1111 1111 1111, id EMP-123456", false));

      assertThat(resp.statusCode()).isEqualTo(200);
      String sent = upstream.get(0).at("/messages/0/content").asText();
      assertThat(sent).isEqualTo("Mail <EMAIL_1>, card [CARD], id [EMPLOYEE_ID]");
      assertThat(Json.MAPPER.readTree(resp.body()).at("/choices/0/message/content").asText())
          .isEqualTo("You said: Mail jane.doe@example.com, card [CARD], id [EMPLOYEE_ID]");
      for (int i = 0; i < 200 && records.isEmpty(); i++) Thread.sleep(20);
      assertThat(records.get(0).piiCounts()).as("counts per kind in the request log, never the values")
          .isEqualTo("card=1,email=1,employee_id=1");
    }
  }

  @Test
  void toolArgumentsAndToolResultsAreRedactedToo() throws Exception {
    try (RecLlmGateway gw = start(PII, echo)) {
      String body = """
          {"model":"mock:echo","messages":[
            {"role":"user","content":[{"type":"text","text":"Find jane.doe@example.com"}]},
            {"role":"assistant","content":null,"tool_calls":[{"id":"t1","type":"function",
              "function":{"name":"lookup","arguments":"{\\"email\\":\\"jane.doe@example.com\\"}"}}]},
            {"role":"tool","tool_call_id":"t1","content":"Card 4111111111111111 on file"}]}
          """;
      assertThat(post(gw, body).statusCode()).isEqualTo(200);
      JsonNode sent = upstream.get(0).get("messages");
      assertThat(sent.at("/0/content/0/text").asText()).isEqualTo("Find <EMAIL_1>");
      assertThat(sent.at("/1/tool_calls/0/function/arguments").asText()).isEqualTo("{\"email\":\"<EMAIL_1>\"}");
      assertThat(sent.at("/2/content").asText()).isEqualTo("Card [CARD] on file");
    }
  }

  @Test
  void blockModeRefusesNamingTheKindsButNeverTheValues() throws Exception {
    try (RecLlmGateway gw = start(PII, echo)) {
      HttpResponse<String> resp = post(gw, chat("SSN 123-45-6789, key sk-proj-FAKEtestOnlyKEY0000000001", false));

      assertThat(resp.statusCode()).isEqualTo(400);
      JsonNode error = Json.MAPPER.readTree(resp.body()).get("error");
      assertThat(error.get("code").asText()).isEqualTo("pii_detected");
      assertThat(error.get("message").asText()).contains("secret, ssn");
      assertThat(resp.body()).doesNotContain("123-45-6789").doesNotContain("6789").doesNotContain("FAKEtestOnlyKEY");
      assertThat(upstream).isEmpty();
      for (int i = 0; i < 200 && records.isEmpty(); i++) Thread.sleep(20);
      assertThat(records.get(0).piiCounts()).isEqualTo("secret=1,ssn=1");
      assertThat(records.get(0).toString()).as("nor the request log").doesNotContain("6789").doesNotContain("FAKEtestOnlyKEY");
    }
  }

  /** A Responses call: instructions and input are redacted (the mock echoes what it got), the answer restored. */
  @Test
  void aResponsesCallsInputIsRedactedAndItsAnswerRestored() throws Exception {
    try (RecLlmGateway gw = start(PII, null)) {
      String body = """
          {"model":"mock:echo","instructions":"Reply to jane.doe@example.com","input":[
            {"role":"user","content":[{"type":"input_text","text":"Mail jane.doe@example.com, card 4111 1111 1111 1111"}]}]}
          """;
      HttpResponse<String> resp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
              + gw.port() + "/v1/responses")).header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
      assertThat(Json.MAPPER.readTree(resp.body()).at("/output/0/content/0/text").asText())
          .as("the mock saw the masked card; the email is restored").isEqualTo("Mail jane.doe@example.com, card [CARD]");

      HttpResponse<String> blocked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
              + gw.port() + "/v1/responses")).header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"mock:echo\",\"input\":\"SSN 123-45-6789\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(blocked.statusCode()).isEqualTo(400);
      JsonNode error = Json.MAPPER.readTree(blocked.body()).get("error");
      assertThat(error.get("code").asText()).isEqualTo("pii_detected");
      assertThat(error.get("param").asText()).isEqualTo("input");
    }
  }

  @Test
  void aStreamedAnswerIsRestoredByTheRealMockProvider() throws Exception {
    try (RecLlmGateway gw = start(PII, null)) {
      HttpResponse<String> resp = post(gw, chat("Write to jane.doe@example.com or +1 650-253-0000, card 4111 1111 1111 1111", true));

      assertThat(resp.statusCode()).isEqualTo(200);
      StringBuilder text = new StringBuilder();
      for (String line : resp.body().split("\n")) {
        if (!line.startsWith("data: {")) continue;
        for (JsonNode choice : Json.MAPPER.readTree(line.substring(6)).path("choices")) {
          text.append(choice.path("delta").path("content").asText(""));
        }
      }
      // the mock echoes what it saw: the masked card shows it saw no card; the restored values are back
      assertThat(text.toString()).isEqualTo("Write to jane.doe@example.com or +1 650-253-0000, card [CARD]");
    }
  }

  @Test
  void withoutTheSectionNothingIsTouched() throws Exception {
    try (RecLlmGateway gw = start("port: 0", echo)) {
      assertThat(post(gw, chat("SSN 123-45-6789 jane.doe@example.com", false)).statusCode()).isEqualTo(200);
      assertThat(upstream.get(0).at("/messages/0/content").asText()).isEqualTo("SSN 123-45-6789 jane.doe@example.com");
    }
  }

  @Test
  void aRouteOrAKeyCanTurnRedactionOffOrChangeAMode() throws Exception {
    String yaml = """
        api_key: sk-FAKEtestOnlyPiiMaster0001
        providers: { mock: { type: mock, models: [echo] } }
        routes: { raw: { targets: [mock:echo] }, plain: { targets: [mock:echo] } }
        keys:
          eval-bot: { key: sk-FAKEtestOnlyPiiEvalBot01 }
          support: { key: sk-FAKEtestOnlyPiiSupport01 }
        pii:
          detectors: { email: restore, ssn: block }
          custom: [ { name: employee_id, regex: "EMP-[0-9]{6}", mode: mask } ]
          routes:
            raw: off
          keys:
            eval-bot: { detectors: { email: mask, employee_id: off } }
            support: off
        """;
    String text = "Mail jane.doe@example.com about EMP-123456";
    try (RecLlmGateway gw = start(yaml, echo)) {
      assertThat(post(gw, "sk-FAKEtestOnlyPiiMaster0001", chat("plain", text)).statusCode()).isEqualTo(200);
      assertThat(upstream.get(0).at("/messages/0/content").asText()).isEqualTo("Mail <EMAIL_1> about [EMPLOYEE_ID]");

      assertThat(post(gw, "sk-FAKEtestOnlyPiiMaster0001", chat("raw", text)).statusCode()).isEqualTo(200);
      assertThat(upstream.get(1).at("/messages/0/content").asText()).as("the route turns redaction off").isEqualTo(text);

      assertThat(post(gw, "sk-FAKEtestOnlyPiiEvalBot01", chat("plain", text)).statusCode()).isEqualTo(200);
      assertThat(upstream.get(2).at("/messages/0/content").asText()).as("the key's modes over the section's")
          .isEqualTo("Mail [EMAIL] about EMP-123456");

      assertThat(post(gw, "sk-FAKEtestOnlyPiiSupport01", chat("plain", "SSN 123-45-6789")).statusCode())
          .as("the key turns even block off").isEqualTo(200);
      assertThat(post(gw, "sk-FAKEtestOnlyPiiEvalBot01", chat("raw", "SSN 123-45-6789 " + text)).statusCode())
          .as("the route turned everything off, the key turned email back on").isEqualTo(200);
      assertThat(upstream.get(4).at("/messages/0/content").asText()).isEqualTo("SSN 123-45-6789 Mail [EMAIL] about EMP-123456");
      assertThat(post(gw, "sk-FAKEtestOnlyPiiMaster0001", chat("plain", "SSN 123-45-6789")).statusCode()).isEqualTo(400);
    }
  }

  private static String chat(String model, String content) {
    return Json.object().put("model", model)
        .set("messages", Json.MAPPER.createArrayNode().add(Json.object().put("role", "user").put("content", content)))
        .toString();
  }

  private static HttpResponse<String> post(RecLlmGateway gw, String key, String body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port()
            + "/v1/chat/completions")).header("content-type", "application/json").header("authorization", "Bearer " + key)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
