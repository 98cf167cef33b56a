package io.recllm.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.json.Json;
import java.net.http.HttpResponse;

/** Calls through a gateway, tallied from what the client was told (usage and x_rec_llm.cost_usd). */
final class Traffic {

  private Traffic() {}

  /** Mock provider with a price, so that every call has a cost. */
  static final String MOCK_PRICED = """
      default_provider: mock
      providers:
        mock: { type: mock }
      pricing:
        echo:  { input: 1.5, output: 3.0 }
        other: { input: 0.15, output: 0.6, cached_input: 0.075 }
      """;

  record Tally(long calls, long prompt, long completion, long total, long costNanos) {
    static final Tally ZERO = new Tally(0, 0, 0, 0, 0);

    Tally plus(Tally o) {
      return new Tally(calls + o.calls, prompt + o.prompt, completion + o.completion, total + o.total,
          costNanos + o.costNanos);
    }

    void assertMatches(UsageStats s) {
      assertThat(s.calls()).as("calls").isEqualTo(calls);
      assertThat(s.promptTokens()).as("prompt_tokens").isEqualTo(prompt);
      assertThat(s.completionTokens()).as("completion_tokens").isEqualTo(completion);
      assertThat(s.totalTokens()).as("total_tokens").isEqualTo(total);
      assertThat(Math.round(s.costUsd() * 1e9)).as("cost in nano-USD").isEqualTo(costNanos);
    }

    void assertMatches(JsonNode s) {
      assertThat(s.path("calls").asLong()).as("calls").isEqualTo(calls);
      assertThat(s.path("prompt_tokens").asLong()).as("prompt_tokens").isEqualTo(prompt);
      assertThat(s.path("completion_tokens").asLong()).as("completion_tokens").isEqualTo(completion);
      assertThat(s.path("total_tokens").asLong()).as("total_tokens").isEqualTo(total);
      assertThat(Math.round(s.path("cost_usd").asDouble() * 1e9)).as("cost in nano-USD").isEqualTo(costNanos);
    }
  }

  static String body(String model, boolean stream, String text) {
    return "{\"model\":\"" + model + "\",\"stream\":" + stream
        + (stream ? ",\"stream_options\":{\"include_usage\":true}" : "")
        + ",\"messages\":[{\"role\":\"user\",\"content\":" + Json.MAPPER.valueToTree(text) + "}]}";
  }

  static Tally call(GatewayHarness gw, String model, boolean stream, String text) throws Exception {
    HttpResponse<String> resp = gw.post("/v1/chat/completions", body(model, stream, text));
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    return tally(resp.body(), stream);
  }

  static Tally tally(String responseBody, boolean stream) throws Exception {
    JsonNode withUsage = null;
    if (!stream) {
      withUsage = Json.MAPPER.readTree(responseBody);
    } else {
      for (String line : responseBody.split("\n")) {
        if (!line.startsWith("data: {")) continue;
        JsonNode chunk = Json.MAPPER.readTree(line.substring(6));
        if (chunk.path("usage").isObject()) withUsage = chunk;
      }
    }
    assertThat(withUsage).as("a response with usage").isNotNull();
    JsonNode u = withUsage.path("usage");
    return new Tally(1, u.path("prompt_tokens").asLong(), u.path("completion_tokens").asLong(),
        u.path("total_tokens").asLong(), Math.round(withUsage.path("x_rec_llm").path("cost_usd").asDouble() * 1e9));
  }

  /** Text whose token count varies with {@code i}, so that a lost or doubled call shows in the totals. */
  static String text(int thread, int i) {
    return "thread " + thread + " call " + i + " " + "word ".repeat(i % 7);
  }
}
