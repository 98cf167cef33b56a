package io.recllm.gateway.provider;

import io.recllm.gateway.fakes.FakeUpstream;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link ProviderContract} for a type that calls an HTTP upstream: the provider runs against a
 * {@link FakeUpstream} replaying the adapter's recorded answers. A new adapter gives its type name, a
 * model, and its wire data (usually files under {@code src/test/resources/fixtures/<type>/}):
 * a plain answer, an answer finishing with length, one calling a tool (if the type has tools), a
 * stream with usage and an error body per status. Two providers of the type are configured: {@link #PROVIDER}, and
 * {@link #SLOW_PROVIDER} with a short first-byte timeout.
 */
public abstract class UpstreamProviderContract extends ProviderContract {

  protected static final String SLOW_PROVIDER = "contract_slow";
  protected static final String KEY = "sk-provider-key-for-the-upstream-91c2";
  protected static final long FIRST_BYTE_MS = 300;
  protected static final String RETRY_AFTER = "17";

  protected FakeUpstream upstream;

  /** An upstream answer (a JSON body or an SSE transcript) and what the client must see of it. */
  public record Answer(String body, String content, String toolName, String finishReason,
                          long promptTokens, long completionTokens) {

    public static Answer text(String body, String content, String finishReason, long promptTokens, long completionTokens) {
      return new Answer(body, content, null, finishReason, promptTokens, completionTokens);
    }

    public static Answer toolCall(String body, String firstToolName, long promptTokens, long completionTokens) {
      return new Answer(body, null, firstToolName, "tool_calls", promptTokens, completionTokens);
    }
  }

  // ---- hooks for the adapter

  /** The config's {@code type:}. */
  protected abstract String type();

  /** A model name the type knows (its default max tokens, price, ...). */
  protected abstract String model();

  /** Path of {@code base_url} on the upstream, e.g. {@code /v1}; empty by default. */
  protected String basePath() {
    return "";
  }

  /** More keys of the provider's mapping, e.g. {@code , api_version: "2"}; empty by default. */
  protected String extraKeys() {
    return "";
  }

  /** A plain text answer to {@link #QUESTION}, finishing with stop. */
  protected abstract Answer plainAnswer();

  /** An answer cut off by the token limit (finish reason length). */
  protected abstract Answer lengthAnswer();

  /** An answer calling a tool (finish reason tool_calls); null for a type without tool calls, whose tool checks are skipped. */
  protected Answer toolCallAnswer() {
    return null;
  }

  /** The answer to the conversation after a tool's result; the plain answer by default. */
  protected Answer answerAfterToolResult() {
    return plainAnswer();
  }

  /** An SSE transcript of a text answer ending with usage. */
  protected abstract Answer streamWithUsage();

  /** The upstream's error body for that status (400, 401, 404, 429, 500, 503). */
  protected abstract String errorBody(int status);

  /**
   * A problem with a request the real upstream would reject (wrong headers, a malformed body), or null
   * to accept it; the fake then answers 400 with the problem, which fails the check at hand.
   */
  protected String rejection(MultiMap headers, String body) {
    return null;
  }

  // ---- the contract's hooks, answered with the fake upstream

  @Override
  protected String providersYaml() {
    String base = "http://127.0.0.1:" + upstream.port() + basePath();
    return "  " + PROVIDER + ": { type: " + type() + ", base_url: \"" + base + "\", api_key: \"${CONTRACT_KEY}\""
        + extraKeys() + " }\n"
        + "  " + SLOW_PROVIDER + ": { type: " + type() + ", base_url: \"" + base + "\", api_key: \"${CONTRACT_KEY}\""
        + ", timeouts: { first_byte_ms: " + FIRST_BYTE_MS + " }" + extraKeys() + " }\n";
  }

  @Override
  protected Map<String, String> env() {
    return Map.of("CONTRACT_KEY", KEY);
  }

  @Override
  protected String providerKey() {
    return KEY;
  }

  @Override
  protected void startUpstream() throws Exception {
    upstream = FakeUpstream.start();
  }

  @Override
  protected void stopUpstream() throws Exception {
    if (upstream != null) upstream.close();
  }

  @Override
  protected void resetUpstream() {
    upstream.reset();
  }

  @Override
  protected List<FakeUpstream.Received> upstreamRequests() {
    return upstream.requests();
  }

  @Override
  protected Expected arrangePlain() {
    return answerJson(plainAnswer());
  }

  @Override
  protected Optional<Expected> arrangeFinishing(String finishReason) {
    Answer a = switch (finishReason) {
      case "stop" -> plainAnswer();
      case "length" -> lengthAnswer();
      case "tool_calls" -> toolCallAnswer();
      default -> throw new IllegalArgumentException(finishReason);
    };
    return Optional.ofNullable(a).map(this::answerJson);
  }

  @Override
  protected Optional<Expected> arrangeAnswerAfterToolResult() {
    return toolCallAnswer() == null ? Optional.empty() : Optional.of(answerJson(answerAfterToolResult()));
  }

  @Override
  protected Expected arrangeStream() {
    Answer a = streamWithUsage();
    List<String> events = FakeUpstream.splitEvents(a.body());
    upstream.respond((req, body) -> {
      if (rejected(req.headers(), body.toString(), req.response())) return;
      HttpServerResponse r = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
      events.forEach(r::write);
      r.end();
    });
    return expected(a);
  }

  @Override
  protected ArrangedError arrangeError(int status) {
    String body = errorBody(status);
    upstream.respond((req, b) -> {
      HttpServerResponse r = req.response().setStatusCode(status).putHeader("content-type", "application/json");
      if (status == 429) r.putHeader("retry-after", RETRY_AFTER);
      r.end(body);
    });
    return new ArrangedError(new Target(PROVIDER, model()), RETRY_AFTER);
  }

  @Override
  protected Optional<Target> arrangeStall() {
    upstream.stall();
    return Optional.of(new Target(SLOW_PROVIDER, model()));
  }

  private Expected answerJson(Answer a) {
    upstream.respond((req, body) -> {
      if (rejected(req.headers(), body.toString(), req.response())) return;
      req.response().putHeader("content-type", "application/json").end(a.body());
    });
    return expected(a);
  }

  private boolean rejected(MultiMap headers, String body, HttpServerResponse response) {
    String problem = rejection(headers, body);
    if (problem == null) return false;
    response.setStatusCode(400).putHeader("content-type", "application/json")
        .end("{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"fake upstream: " + problem.replace("\"", "'") + "\"}}");
    return true;
  }

  private Expected expected(Answer a) {
    return new Expected(new Target(PROVIDER, model()), a.content(), a.toolName(), a.finishReason(), a.promptTokens(),
        a.completionTokens());
  }
}
