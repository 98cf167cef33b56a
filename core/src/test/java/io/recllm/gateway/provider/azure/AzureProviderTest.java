package io.recllm.gateway.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.config.ConfigException;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.json.Json;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Azure's URLs, auth headers, filter results, content-filter refusals and retry hints, through a gateway. */
class AzureProviderTest {

  private static final String KEY = "azure-test-fake-key";
  private static final String TOKEN = "entra-test-fake-token";
  private static final String ASK = "{\"model\":\"azure:%s\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of France?\"}]%s}";

  private FakeUpstream upstream;
  private GatewayHarness gw;

  @BeforeEach
  void start() throws Exception {
    upstream = FakeUpstream.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (gw != null) gw.close();
    upstream.close();
  }

  private void gateway(String keys) {
    gw = GatewayHarness.start("providers:\n  azure: { type: azure, base_url: \"http://127.0.0.1:" + upstream.port() + "\""
        + keys + " }\n", Map.of("AZURE_OPENAI_API_KEY", KEY, "AZURE_OPENAI_AD_TOKEN", TOKEN));
  }

  private HttpResponse<String> ask(String model, String extra) throws Exception {
    return gw.post("/v1/chat/completions", ASK.formatted(model, extra));
  }

  @Test
  void deploymentsUrlNamesTheMappedDeploymentAndTheApiVersion() throws Exception {
    gateway(", api_key: \"${AZURE_OPENAI_API_KEY}\", api_version: \"2024-10-21\", deployments: { gpt-4o: my-gpt4o-deployment }");
    upstream.respondJson(200, Fixtures.read("azure/chat_completion_deployments.json"));

    HttpResponse<String> r = ask("gpt-4o", "");

    assertThat(r.statusCode()).isEqualTo(200);
    FakeUpstream.Received sent = upstream.lastRequest();
    assertThat(sent.path()).isEqualTo("/openai/deployments/my-gpt4o-deployment/chat/completions");
    assertThat(sent.query()).isEqualTo("api-version=2024-10-21");
    assertThat(sent.headers().get("api-key")).isEqualTo(KEY);
    assertThat(sent.headers().contains("authorization")).isFalse();
    assertThat(Json.MAPPER.readTree(sent.body()).path("model").asText()).isEqualTo("my-gpt4o-deployment");
    // Azure's filter results reach the client untouched
    JsonNode answer = Json.MAPPER.readTree(r.body());
    assertThat(answer.path("prompt_filter_results").get(0).path("content_filter_results").path("jailbreak")
        .path("filtered").isBoolean()).isTrue();
    assertThat(answer.path("choices").get(0).path("content_filter_results").has("protected_material_text")).isTrue();
  }

  /** The Responses API has no deployment in its versioned path; the body's model names the deployment. */
  @Test
  void responsesGoToTheVersionedResponsesPathWithTheDeploymentInTheBody() throws Exception {
    gateway(", api_key: \"${AZURE_OPENAI_API_KEY}\", api_version: \"2025-04-01-preview\", deployments: { gpt-5.4: my-gpt5-deployment }");
    String body = Fixtures.read("azure/responses_v1.json");
    upstream.respondJson(200, body);
    HttpResponse<String> r = gw.post("/v1/responses", "{\"model\":\"azure:gpt-5.4\",\"input\":\"Hi\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    FakeUpstream.Received sent = upstream.lastRequest();
    assertThat(sent.path()).isEqualTo("/openai/responses");
    assertThat(sent.query()).isEqualTo("api-version=2025-04-01-preview");
    assertThat(Json.MAPPER.readTree(sent.body()).path("model").asText()).isEqualTo("my-gpt5-deployment");
    assertThat(gw.recordFor(r).usage().promptTokens()).isEqualTo(18);

    HttpResponse<String> got = gw.get("/v1/responses/resp_1?provider=azure&include[]=x");
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(upstream.lastRequest().method()).isEqualTo("GET");
    assertThat(upstream.lastRequest().path()).isEqualTo("/openai/responses/resp_1");
    assertThat(upstream.lastRequest().query()).isEqualTo("api-version=2025-04-01-preview&include[]=x");
  }

  @Test
  void aModelWithoutAMappingIsItsOwnDeployment() throws Exception {
    gateway(", api_key: \"${AZURE_OPENAI_API_KEY}\", api_version: \"2024-10-21\", deployments: { gpt-4o: my-gpt4o-deployment }");
    upstream.respondJson(200, Fixtures.read("azure/chat_completion_deployments.json"));

    assertThat(ask("gpt-4o-mini", "").statusCode()).isEqualTo(200);

    assertThat(upstream.lastRequest().path()).isEqualTo("/openai/deployments/gpt-4o-mini/chat/completions");
  }

  @Test
  void withoutApiVersionTheV1ApiGetsTheDeploymentInTheBody() throws Exception {
    for (String version : new String[] {"", ", api_version: v1"}) {
      if (gw != null) gw.close();
      gateway(", api_key: \"${AZURE_OPENAI_API_KEY}\", deployments: { gpt-4o: my-gpt4o-deployment }" + version);
      upstream.respondJson(200, Fixtures.read("azure/chat_completion_deployments.json"));

      assertThat(ask("gpt-4o", "").statusCode()).isEqualTo(200);

      FakeUpstream.Received sent = upstream.lastRequest();
      assertThat(sent.path()).isEqualTo("/openai/v1/chat/completions");
      assertThat(sent.query()).isNull();
      assertThat(Json.MAPPER.readTree(sent.body()).path("model").asText()).isEqualTo("my-gpt4o-deployment");
    }
  }

  @Test
  void anEntraIdTokenGoesAsBearerInsteadOfTheApiKeyHeader() throws Exception {
    gateway(", azure_ad_token: \"${AZURE_OPENAI_AD_TOKEN}\", api_version: \"2024-10-21\"");
    upstream.respondJson(200, Fixtures.read("azure/chat_completion_deployments.json"));

    assertThat(ask("gpt-4o", "").statusCode()).isEqualTo(200);

    assertThat(upstream.lastRequest().headers().get("authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(upstream.lastRequest().headers().contains("api-key")).isFalse();
  }

  @Test
  void aKeyAndATokenTogetherOrAnEmptyTokenStopTheStart() {
    String both = "providers:\n  azure: { type: azure, base_url: \"https://r.openai.azure.com\", api_key: k, azure_ad_token: t }\n";
    assertThatThrownBy(() -> ConfigLoader.load(both, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("providers.azure.azure_ad_token");
    String unset = "providers:\n  azure: { type: azure, base_url: \"https://r.openai.azure.com\", azure_ad_token: \"${NOT_SET}\" }\n";
    assertThatThrownBy(() -> ConfigLoader.load(unset, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("providers.azure.azure_ad_token");
  }

  @Test
  void aModelThatIsNoDeploymentNameIsRefusedBeforeTheUpstream() throws Exception {
    gateway(", api_key: \"${AZURE_OPENAI_API_KEY}\", api_version: \"2024-10-21\"");

    HttpResponse<String> r = ask("../../other/x", "");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(r.body()).path("error").path("code").asText()).isEqualTo("invalid_model");
    assertThat(upstream.requests()).isEmpty();
  }

  @Test
  void aContentFilterRefusalIsA400WithCodeContentFilter() throws Exception {
    gateway(", api_key: \"${AZURE_OPENAI_API_KEY}\", api_version: \"2024-10-21\"");
    upstream.respondJson(400, Fixtures.read("azure/error_400_content_filter.json"));

    HttpResponse<String> r = ask("gpt-4o", "");

    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode error = Json.MAPPER.readTree(r.body()).path("error");
    assertThat(error.path("code").asText()).isEqualTo("content_filter");
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("param").asText()).isEqualTo("prompt");
    assertThat(error.path("message").asText()).contains("content management policy");
  }

  @Test
  void retryAfterMsIsPreferredOverRetryAfterAndRoundedUpToSeconds() throws Exception {
    gateway(", api_key: \"${AZURE_OPENAI_API_KEY}\", api_version: \"2024-10-21\"");
    upstream.respondJson(429, Fixtures.read("azure/error_429_token_rate_limit.json"), "retry-after-ms", "1500", "retry-after", "20");

    HttpResponse<String> r = ask("gpt-4o", "");

    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("retry-after")).hasValue("2");
    JsonNode error = Json.MAPPER.readTree(r.body()).path("error");
    assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded"); // Azure says "429"
    assertThat(error.path("message").asText()).contains("exceeded token rate limit");

    upstream.respondJson(429, Fixtures.read("azure/error_429_token_rate_limit.json"), "retry-after", "20");
    assertThat(ask("gpt-4o", "").headers().firstValue("retry-after")).hasValue("20");
  }

  @Test
  void theStreamsFilterOnlyFirstEventRidesOnTheFirstChunkWithChoices() throws Exception {
    gateway(", api_key: \"${AZURE_OPENAI_API_KEY}\", api_version: \"2024-10-21\"");
    upstream.respondSse(Fixtures.read("azure/stream_chat_completion.sse"), 0);

    HttpResponse<String> r = ask("gpt-4o", ",\"stream\":true");

    assertThat(r.statusCode()).isEqualTo(200);
    List<JsonNode> chunks = new ArrayList<>();
    for (String data : Fixtures.sseData(r.body())) if (!data.equals("[DONE]")) chunks.add(Json.MAPPER.readTree(data));
    assertThat(chunks).allSatisfy(c -> assertThat(c.path("id").asText()).startsWith("chatcmpl-"));
    assertThat(chunks.get(0).path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
    assertThat(chunks.get(0).path("prompt_filter_results").get(0).path("content_filter_results").has("violence")).isTrue();
    assertThat(chunks.get(1).path("choices").get(0).path("content_filter_results").has("hate")).isTrue();
    StringBuilder text = new StringBuilder();
    chunks.forEach(c -> c.path("choices").forEach(ch -> text.append(ch.path("delta").path("content").asText(""))));
    assertThat(text).hasToString("Hallo Welt!");
  }
}
