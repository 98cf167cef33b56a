package io.recllm.gateway.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recllm.gateway.RecLlmGateway;
import io.recllm.gateway.config.ConfigException;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.config.UsageSettings;
import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A rule's {@code headers} reach the upstream with the call, plain and streamed, and only for the calls it matches. */
class TransformHeadersTest {

  private FakeUpstream upstream;

  @BeforeEach
  void upstream() throws Exception {
    upstream = FakeUpstream.start();
  }

  @AfterEach
  void stop() throws Exception {
    upstream.close();
  }

  private RecLlmGateway start() {
    GatewayConfig config = ConfigLoader.load("""
        providers:
          oa: { type: openai, base_url: "http://127.0.0.1:%d", api_key: "sk-FAKEtestOnlyTransformHeaders", headers: { X-Team: base, X-Fixed: kept } }
        transforms:
          - match: { model: "oa:gpt-4o*" }
            headers: { OpenAI-Organization: org-123, X-Team: rule }
          - match: { model: "oa:other" }
            headers: { X-Other: other-rule }
        """.formatted(upstream.port()), Map.of()).withPort(0).withHost("127.0.0.1");
    config = config.withUsage(config.usage().withStore(UsageSettings.MEMORY));
    return RecLlmGateway.builder(config).start();
  }

  private static HttpResponse<String> post(RecLlmGateway gw, String body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port()
            + "/v1/chat/completions")).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aMatchingRulesHeadersGoUpstreamOverTheProvidersOwn() throws Exception {
    upstream.respondJson(200, Fixtures.read("openai/chat_completion_text.json"));
    try (RecLlmGateway gw = start()) {
      HttpResponse<String> resp = post(gw, "{\"model\":\"oa:gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
      assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
      FakeUpstream.Received r = upstream.lastRequest();
      assertThat(r.headers().get("OpenAI-Organization")).isEqualTo("org-123");
      assertThat(r.headers().getAll("X-Team")).as("the rule's value replaces the provider's").containsExactly("rule");
      assertThat(r.headers().get("X-Fixed")).isEqualTo("kept");
      assertThat(r.headers().get("Authorization")).isEqualTo("Bearer sk-FAKEtestOnlyTransformHeaders");
      assertThat(r.headers().get("X-Other")).as("a rule for another model").isNull();

      upstream.reset();
      upstream.respondJson(200, Fixtures.read("openai/chat_completion_text.json"));
      assertThat(post(gw, "{\"model\":\"oa:other\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").statusCode())
          .isEqualTo(200);
      assertThat(upstream.lastRequest().headers().get("OpenAI-Organization")).isNull();
      assertThat(upstream.lastRequest().headers().get("X-Team")).isEqualTo("base");
      assertThat(upstream.lastRequest().headers().get("X-Other")).isEqualTo("other-rule");
    }
  }

  @Test
  void aStreamedCallCarriesThemToo() throws Exception {
    upstream.respondSse("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":"
        + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hello\"},\"finish_reason\":null}]}\n\n"
        + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":"
        + "[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n", 0);
    try (RecLlmGateway gw = start()) {
      HttpResponse<String> resp = post(gw, "{\"model\":\"oa:gpt-4o-mini\",\"stream\":true,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
      assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
      assertThat(resp.body()).contains("Hello").contains("[DONE]");
      assertThat(upstream.lastRequest().headers().get("OpenAI-Organization")).isEqualTo("org-123");
      assertThat(upstream.lastRequest().headers().get("Accept")).isEqualTo("text/event-stream");
    }
  }

  @Test
  void aRuleMayNotSetTheKeyOrTheFraming() {
    assertThatThrownBy(() -> ConfigLoader.load("transforms: [ { headers: { Authorization: \"Bearer x\" } } ]", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("transforms[0].headers.Authorization: the gateway sets");
    assertThatThrownBy(() -> ConfigLoader.load("transforms: [ { headers: { Content-Length: 3 } } ]", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("transforms[0].headers.Content-Length:");
    assertThatThrownBy(() -> ConfigLoader.load("transforms: [ { headers: [a] } ]", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("transforms[0].headers: must be a mapping");
  }
}
