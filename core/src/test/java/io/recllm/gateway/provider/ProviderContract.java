package io.recllm.gateway.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.fakes.FakeUpstream;
import io.recllm.gateway.fakes.Fixtures;
import io.recllm.gateway.fakes.GatewayHarness;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.usage.UsageRecord;
import io.vertx.core.Future;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every provider type must do, checked through a real gateway: a plain call, its usage, the stop
 * reasons stop, length and tool_calls, a tool call round trip, a stream with usage, upstream errors
 * (4xx, 429 with its retry-after, 5xx) and a timeout mapped to the right {@link GatewayException} and
 * status, and the client's key never reaching the upstream.
 *
 * <p>An adapter that calls an HTTP upstream extends {@link UpstreamProviderContract} and gives its
 * recorded answers. A type without an upstream (the mock) implements the {@code arrange...} hooks
 * itself; a hook returning empty skips the check it feeds, for behaviour the type cannot have.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ProviderContract {

  /** Name of the provider under test in the gateway config. */
  protected static final String PROVIDER = "contract";
  /** The gateway key clients send; it must never reach an upstream. */
  protected static final String GATEWAY_KEY = "sk-gateway-key-of-the-client-7f3a";
  protected static final String QUESTION = "What is the capital of France?";
  protected static final String TOOL_CALL_ID = "call_contract_0001";
  protected static final String TOOL_RESULT = "Sunny, 22 C";

  protected GatewayHarness gw;

  /** Where a call goes, as {@code provider:model}. */
  public record Target(String provider, String model) {
    String id() {
      return provider + ":" + model;
    }
  }

  /**
   * What the client must get for an arranged answer: its text (null for a tool call), the first tool
   * call's function name (tool calls only), the finish reason and the usage.
   */
  public record Expected(Target target, String content, String toolName, String finishReason,
                            long promptTokens, long completionTokens) {}

  /** An arranged upstream error: where to call and the {@code retry-after} the client must get (429). */
  public record ArrangedError(Target target, String retryAfter) {}

  // ---- hooks

  /** YAML lines under {@code providers:} (indented two spaces), at least one provider named {@link #PROVIDER}. */
  protected abstract String providersYaml();

  /** Environment for the config's {@code ${VAR}} references. */
  protected Map<String, String> env() {
    return Map.of();
  }

  /** Makes the next call to the returned target answer {@link #QUESTION} with a plain text answer. */
  protected abstract Expected arrangePlain();

  /** Makes the next call answer with that OpenAI finish reason (stop, length, tool_calls); empty when the type cannot. */
  protected abstract Optional<Expected> arrangeFinishing(String finishReason);

  /** Makes the next call answer the conversation of {@link #toolRoundTripRequest}; empty when the type has no tools. */
  protected abstract Optional<Expected> arrangeAnswerAfterToolResult();

  /** Makes the next streaming call answer with text chunks, a finish reason and usage. */
  protected abstract Expected arrangeStream();

  /** Makes the next call fail with that upstream status. */
  protected abstract ArrangedError arrangeError(int status);

  /** Makes the next call wait for an answer longer than its provider's first-byte timeout; empty without an upstream. */
  protected abstract Optional<Target> arrangeStall();

  /** Every request the upstream received since the last test; null for a type without an upstream. */
  protected abstract List<FakeUpstream.Received> upstreamRequests();

  /** The key the provider is configured with, which the upstream must receive instead of the client's. */
  protected String providerKey() {
    return null;
  }

  /** Starts what the providers call (a fake upstream); runs before the gateway starts. */
  protected void startUpstream() throws Exception {}

  protected void stopUpstream() throws Exception {}

  /** Called before each test, e.g. to forget the upstream's requests. */
  protected void resetUpstream() {}

  // ---- set-up

  @BeforeAll
  final void startGateway() throws Exception {
    startUpstream();
    gw = GatewayHarness.start("api_key: " + GATEWAY_KEY + "\nproviders:\n" + providersYaml() + "\nusage: { store: memory }\n",
        env());
  }

  @AfterAll
  final void stopGateway() throws Exception {
    try {
      if (gw != null) gw.close();
    } finally {
      stopUpstream();
    }
  }

  @BeforeEach
  final void clear() {
    resetUpstream();
    gw.records.clear();
  }

  // ---- the contract

  @Test
  void plainCallAnswersInOpenAiShape() throws Exception {
    Expected e = arrangePlain();
    HttpResponse<String> resp = post(chatRequest(e.target(), false));
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    JsonNode body = json(resp.body());
    assertThat(body.path("object").asText()).isEqualTo("chat.completion");
    assertThat(body.path("id").asText()).isNotBlank();
    assertThat(body.path("model").asText()).isNotBlank();
    JsonNode choice = body.path("choices").path(0);
    assertThat(choice.path("index").asInt(-1)).isZero();
    assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
    assertThat(choice.path("message").path("content").asText()).isEqualTo(e.content());
    assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
    if (upstreamRequests() != null) assertThat(upstreamRequests()).hasSize(1);
  }

  @Test
  void usageIsAnsweredAndRecorded() throws Exception {
    Expected e = arrangePlain();
    HttpResponse<String> resp = post(chatRequest(e.target(), false));
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    JsonNode usage = json(resp.body()).path("usage");
    assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(e.promptTokens());
    assertThat(usage.path("completion_tokens").asLong()).isEqualTo(e.completionTokens());
    assertThat(usage.path("total_tokens").asLong()).isEqualTo(e.promptTokens() + e.completionTokens());
    UsageRecord r = gw.recordFor(resp);
    assertThat(r.provider()).isEqualTo(e.target().provider());
    assertThat(r.model()).isEqualTo(e.target().model());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.usage().promptTokens()).isEqualTo(e.promptTokens());
    assertThat(r.usage().completionTokens()).isEqualTo(e.completionTokens());
    assertThat(r.usage().estimated()).as("the provider's own count, not an estimate").isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"stop", "length", "tool_calls"})
  void stopReasonsMapToOpenAiFinishReasons(String finishReason) throws Exception {
    Optional<Expected> arranged = arrangeFinishing(finishReason);
    assumeTrue(arranged.isPresent(), "this provider type cannot finish with " + finishReason);
    Expected e = arranged.get();
    HttpResponse<String> resp = post(chatRequest(e.target(), false));
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    JsonNode choice = json(resp.body()).path("choices").path(0);
    assertThat(choice.path("finish_reason").asText()).isEqualTo(finishReason);
    JsonNode message = choice.path("message");
    if (finishReason.equals("tool_calls")) {
      JsonNode call = message.path("tool_calls").path(0);
      assertThat(call.path("id").asText()).isNotBlank();
      assertThat(call.path("type").asText()).isEqualTo("function");
      assertThat(call.path("function").path("name").asText()).isEqualTo(e.toolName());
      assertThat(json(call.path("function").path("arguments").asText()).isObject())
          .as("arguments are a JSON object in a string").isTrue();
    } else {
      assertThat(message.path("content").asText()).isEqualTo(e.content());
    }
    assertThat(gw.recordFor(resp).finishReason()).isEqualTo(finishReason);
  }

  @Test
  void toolCallRoundTripSendsTheCallAndItsResultBack() throws Exception {
    Optional<Expected> arranged = arrangeAnswerAfterToolResult();
    assumeTrue(arranged.isPresent(), "this provider type has no tool calls");
    Expected e = arranged.get();
    HttpResponse<String> resp = post(toolRoundTripRequest(e.target()));
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    assertThat(json(resp.body()).path("choices").path(0).path("message").path("content").asText()).isEqualTo(e.content());
    List<FakeUpstream.Received> sent = upstreamRequests();
    assertThat(sent).as("the upstream's requests").isNotNull().hasSize(1);
    JsonNode upstreamBody = json(sent.get(0).body());
    // whatever the wire format, the assistant's call and the tool's result both go back under the call's id
    assertThat(stringValues(upstreamBody).stream().filter(TOOL_CALL_ID::equals).count())
        .as("the tool call id, in the assistant's call and in the result: " + upstreamBody).isGreaterThanOrEqualTo(2);
    assertThat(stringValues(upstreamBody)).as(upstreamBody.toString())
        .contains("get_weather")
        .anySatisfy(v -> assertThat(v).contains(TOOL_RESULT))
        .anySatisfy(v -> assertThat(v).contains("Denver"));
  }

  @Test
  void streamDeliversChunksThenUsageThenDone() throws Exception {
    Expected e = arrangeStream();
    HttpResponse<String> resp = post(chatRequest(e.target(), true));
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    assertThat(resp.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    List<String> data = Fixtures.sseData(resp.body());
    assertThat(data).isNotEmpty();
    assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
    StringBuilder text = new StringBuilder();
    String finish = null;
    JsonNode usage = null;
    for (String d : data.subList(0, data.size() - 1)) {
      JsonNode chunk = json(d);
      assertThat(chunk.path("object").asText()).as(d).isEqualTo("chat.completion.chunk");
      assertThat(chunk.has("error")).as(d).isFalse();
      JsonNode choice = chunk.path("choices").path(0);
      if (!choice.path("delta").path("content").isMissingNode() && !choice.path("delta").path("content").isNull()) {
        text.append(choice.path("delta").path("content").asText());
      }
      if (choice.hasNonNull("finish_reason")) finish = choice.get("finish_reason").asText();
      if (chunk.path("usage").isObject()) {
        assertThat(usage).as("one usage chunk").isNull();
        usage = chunk.get("usage");
      }
    }
    assertThat(text.toString()).isEqualTo(e.content());
    assertThat(finish).isEqualTo(e.finishReason());
    assertThat(usage).as("the usage chunk the client asked for").isNotNull();
    assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(e.promptTokens());
    assertThat(usage.path("completion_tokens").asLong()).isEqualTo(e.completionTokens());
    UsageRecord r = gw.recordFor(resp);
    assertThat(r.stream()).isTrue();
    assertThat(r.usage().promptTokens()).isEqualTo(e.promptTokens());
    assertThat(r.usage().completionTokens()).isEqualTo(e.completionTokens());
    assertThat(r.usage().estimated()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 404, 429, 500, 503})
  void upstreamErrorsMapToTheirExceptionAndStatus(int status) throws Exception {
    ArrangedError arranged = arrangeError(status);
    GatewayException e = failure(llm().chatCompletion(arranged.target().provider(), arranged.target().model(),
        (ObjectNode) json(chatRequest(arranged.target(), false))));
    assertThat(e.provider()).isEqualTo(arranged.target().provider());
    assertThat(e.getMessage()).isNotBlank();
    int expectedStatus = status >= 500 ? 500 : status;
    assertThat(e.status()).isEqualTo(expectedStatus);
    switch (status) {
      case 404 -> assertThat(e).isInstanceOf(GatewayException.NotFound.class);
      case 429 -> {
        assertThat(e).isInstanceOf(GatewayException.RateLimited.class);
        assertThat(e.retryAfter()).isEqualTo(arranged.retryAfter());
        assertThat(e.retryable()).isTrue();
      }
      case 500, 503 -> {
        assertThat(e).isInstanceOf(GatewayException.ProviderFailure.class);
        assertThat(e.upstreamStatus()).isEqualTo(status);
        assertThat(e.retryable()).isTrue();
      }
      default -> {
        assertThat(e).isInstanceOf(GatewayException.UpstreamRejected.class);
        assertThat(e.upstreamStatus()).isEqualTo(status);
        assertThat(e.retryable()).isFalse();
      }
    }

    for (boolean stream : new boolean[] {false, true}) {
      arrangeError(status);
      HttpResponse<String> resp = post(chatRequest(arranged.target(), stream));
      assertThat(resp.statusCode()).as("stream=" + stream + ": " + resp.body()).isEqualTo(expectedStatus);
      JsonNode error = json(resp.body()).path("error");
      assertThat(error.path("type").asText()).isEqualTo(e.type());
      assertThat(error.path("message").asText()).isNotBlank();
      if (status == 429) assertThat(resp.headers().firstValue("retry-after")).hasValue(arranged.retryAfter());
    }
  }

  @Test
  void anUpstreamThatDoesNotAnswerTimesOut() throws Exception {
    Optional<Target> arranged = arrangeStall();
    assumeTrue(arranged.isPresent(), "this provider type has no upstream to wait for");
    Target t = arranged.get();
    GatewayException e = failure(llm().chatCompletion(t.provider(), t.model(), (ObjectNode) json(chatRequest(t, false))));
    assertThat(e).isInstanceOf(GatewayException.Timeout.class);
    assertThat(e.status()).isEqualTo(504);
    assertThat(e.code()).isEqualTo("first_byte_timeout");
    HttpResponse<String> resp = post(chatRequest(t, true));
    assertThat(resp.statusCode()).isEqualTo(504);
    assertThat(json(resp.body()).path("error").path("type").asText()).isEqualTo("timeout_error");
  }

  @Test
  void theClientsKeyNeverReachesTheUpstream() throws Exception {
    assumeTrue(upstreamRequests() != null, "this provider type has no upstream");
    Target plain = arrangePlain().target();
    assertThat(post(chatRequest(plain, false)).statusCode()).isEqualTo(200);
    Target streamed = arrangeStream().target();
    assertThat(post(chatRequest(streamed, true)).statusCode()).isEqualTo(200);
    List<FakeUpstream.Received> sent = upstreamRequests();
    assertThat(sent).hasSize(2);
    for (FakeUpstream.Received r : sent) {
      r.headers().forEach(h -> assertThat(h.getValue()).as("upstream header " + h.getKey()).doesNotContain(GATEWAY_KEY));
      assertThat(r.body()).doesNotContain(GATEWAY_KEY);
      if (providerKey() != null) {
        assertThat(r.headers().entries()).as("the provider's own key is sent")
            .anySatisfy(h -> assertThat(h.getValue()).contains(providerKey()));
      }
    }
  }

  // ---- helpers for the checks and for subclasses

  /** A one-question chat request to {@code target}; streams ask for usage. */
  protected static String chatRequest(Target target, boolean stream) {
    ObjectNode r = Json.object();
    r.put("model", target.id());
    r.putArray("messages").addObject().put("role", "user").put("content", QUESTION);
    if (stream) {
      r.put("stream", true);
      r.putObject("stream_options").put("include_usage", true);
    }
    return r.toString();
  }

  /** A user question, the assistant's call of {@code get_weather}, and the tool's result. */
  protected static String toolRoundTripRequest(Target target) {
    ObjectNode r = Json.object();
    r.put("model", target.id());
    var messages = r.putArray("messages");
    messages.addObject().put("role", "user").put("content", "What's the weather in Denver?");
    ObjectNode assistant = messages.addObject().put("role", "assistant");
    assistant.putNull("content");
    ObjectNode call = assistant.putArray("tool_calls").addObject().put("id", TOOL_CALL_ID).put("type", "function");
    call.putObject("function").put("name", "get_weather").put("arguments", "{\"city\":\"Denver\"}");
    messages.addObject().put("role", "tool").put("tool_call_id", TOOL_CALL_ID).put("content", TOOL_RESULT);
    ObjectNode function = r.putArray("tools").addObject().put("type", "function").putObject("function");
    function.put("name", "get_weather").put("description", "Current weather of a city");
    ObjectNode parameters = function.putObject("parameters").put("type", "object");
    parameters.putObject("properties").putObject("city").put("type", "string");
    parameters.putArray("required").add("city");
    return r.toString();
  }

  protected HttpResponse<String> post(String body) throws Exception {
    return gw.post("/v1/chat/completions", body, "authorization", "Bearer " + GATEWAY_KEY);
  }

  protected LlmClient llm() {
    return gw.gateway.llmClient();
  }

  protected static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  /** The exception a direct call to the provider SPI failed with; generous bound: the machine may be busy. */
  private static GatewayException failure(Future<?> call) {
    try {
      Object result = call.await(60, TimeUnit.SECONDS);
      return fail("expected a failure, got " + result);
    } catch (GatewayException e) {
      return e;
    } catch (Exception e) {
      return fail("expected a GatewayException, got " + e, e);
    }
  }

  private static List<String> stringValues(JsonNode node) {
    List<String> out = new java.util.ArrayList<>();
    collect(node, out);
    return out;
  }

  private static void collect(JsonNode node, List<String> out) {
    if (node.isTextual()) out.add(node.asText());
    node.forEach(child -> collect(child, out));
  }
}
