package io.recllm.gateway.resilience;

import static io.recllm.gateway.resilience.ScriptedClient.connectRefused;
import static io.recllm.gateway.resilience.ScriptedClient.connectTimeout;
import static io.recllm.gateway.resilience.ScriptedClient.firstByteTimeout;
import static io.recllm.gateway.resilience.ScriptedClient.rateLimited;
import static io.recllm.gateway.resilience.ScriptedClient.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recllm.gateway.call.Attempt;
import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallChain;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.core.ModelRef;
import io.vertx.core.Future;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RetryStepTest {

  private static final String TARGET = "openai:gpt-4o";

  private final ManualTime time = new ManualTime();
  private final ScriptedClient upstream = new ScriptedClient(time);

  private CallChain chain(RetrySettings settings) {
    return chain(settings, Map.of());
  }

  private CallChain chain(RetrySettings settings, Map<String, RetrySettings> perProvider) {
    RetryStep retry = new RetryStep(new RetryPolicies(settings, perProvider), null, time, time, () -> 0.5);
    return new CallChain(List.of(retry), upstream);
  }

  private static Call call(String target) {
    return call(target, 0);
  }

  private static Call call(String target, long totalTimeoutMillis) {
    String[] parts = target.split(":", 2);
    return Call.builder("req", new ModelRef(parts[0], parts[1]), Json.object().put("model", target))
        .totalTimeoutMillis(totalTimeoutMillis).build();
  }

  static Stream<Arguments> retryableOutcomes() {
    return Stream.of(
        Arguments.of("429", status(429), 429),
        Arguments.of("500", status(500), 500),
        Arguments.of("502", status(502), 502),
        Arguments.of("503", status(503), 503),
        Arguments.of("504", status(504), 504),
        Arguments.of("529", status(529), 529),
        Arguments.of("connect refused", connectRefused(), 500),
        Arguments.of("connect timeout", connectTimeout(), 504),
        Arguments.of("first byte timeout", firstByteTimeout(), 504));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("retryableOutcomes")
  void retriesTheDefaultOutcomesWithJitteredExponentialBackoff(String name, Supplier<GatewayException> error,
                                                               int attemptStatus) {
    upstream.failNext(TARGET, error, error);
    Call call = call(TARGET);

    ChatResult r = chain(RetrySettings.DEFAULT).complete(call).result();

    assertThat(r.body().path("answered_by").asText()).isEqualTo(TARGET);
    assertThat(upstream.calls).containsExactly(TARGET, TARGET, TARGET);
    assertThat(time.waitsMillis()).as("half of 200 ms, then half of 400 ms").containsExactly(100L, 200L);
    assertThat(call.attempts()).extracting(Attempt::status).containsExactly(attemptStatus, attemptStatus, 200);
    assertThat(call.answeredBy()).isEqualTo(new ModelRef("openai", "gpt-4o"));
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 404, 422})
  void neverRetriesARefusedRequest(int status) {
    upstream.failNext(TARGET, status(status));
    Call call = call(TARGET);

    Future<ChatResult> f = chain(RetrySettings.DEFAULT).complete(call);

    assertThat(f.failed()).isTrue();
    assertThat(((GatewayException) f.cause()).status()).isEqualTo(status);
    assertThat(upstream.calls).containsExactly(TARGET);
    assertThat(time.waits).isEmpty();
    assertThat(call.attempts()).singleElement().extracting(Attempt::status).isEqualTo(status);
    assertThat(call.answeredBy()).isNull();
  }

  @Test
  void aRefusedRequestCannotEvenBeListed() {
    for (String s : List.of("400", "401", "403", "404")) {
      assertThatThrownBy(() -> RetryOn.parse(List.of("429", s)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("[1]: " + s + " is never retried");
    }
  }

  @Test
  void retriesOnlyWhatTheOnListNames() {
    RetrySettings only503 = new RetrySettings(3, 200, 5000, RetryOn.parse(List.of("503")));
    upstream.failNext(TARGET, status(500));
    assertThat(chain(only503).complete(call(TARGET)).failed()).isTrue();
    assertThat(upstream.calls).hasSize(1);

    RetrySettings with409 = new RetrySettings(3, 200, 5000, RetryOn.parse(List.of("409", "connect")));
    upstream.failNext(TARGET, status(409), connectRefused());
    assertThat(chain(with409).complete(call(TARGET)).succeeded()).isTrue();
    assertThat(upstream.calls).hasSize(4);

    upstream.failNext(TARGET, status(409));
    assertThat(chain(RetrySettings.DEFAULT).complete(call(TARGET)).failed()).as("409 is not in the default list").isTrue();
  }

  @Test
  void givesUpAfterMaxAttemptsWithTheLastFailure() {
    upstream.failNext(TARGET, status(502), status(503), status(500), status(504));
    Call call = call(TARGET);

    Future<ChatResult> f = chain(RetrySettings.DEFAULT).complete(call);

    assertThat(((GatewayException) f.cause()).upstreamStatus()).isEqualTo(500);
    assertThat(call.attempts()).extracting(Attempt::status).containsExactly(502, 503, 500);
    assertThat(call.answeredBy()).isNull();
  }

  @Test
  void backoffGrowsUntilTheMaximum() {
    upstream.failAlways(TARGET, status(503));
    chain(new RetrySettings(6, 100, 250, RetryOn.DEFAULT)).complete(call(TARGET));
    assertThat(time.waitsMillis()).containsExactly(50L, 100L, 125L, 125L, 125L);
  }

  @Test
  void waitsAsLongAsRetryAfterSaysInsteadOfTheJitteredBackoff() {
    upstream.failNext(TARGET, rateLimited("2"));
    Call call = call(TARGET);

    assertThat(chain(RetrySettings.DEFAULT).complete(call).succeeded()).isTrue();

    assertThat(time.waitsMillis()).containsExactly(2000L);
    assertThat(call.attempts()).extracting(Attempt::status).containsExactly(429, 200);
  }

  @Test
  void retryAfterMayBeAnHttpDate() {
    String in3s = DateTimeFormatter.RFC_1123_DATE_TIME.format(ManualTime.START.plusSeconds(3).atOffset(ZoneOffset.UTC));
    upstream.failNext(TARGET, rateLimited(in3s));

    assertThat(chain(RetrySettings.DEFAULT).complete(call(TARGET)).succeeded()).isTrue();
    assertThat(time.waitsMillis()).containsExactly(3000L);
  }

  @Test
  void retryAfterIsCappedAtMaxBackoff() {
    upstream.failNext(TARGET, rateLimited("60"));

    assertThat(chain(new RetrySettings(3, 200, 5000, RetryOn.DEFAULT)).complete(call(TARGET)).succeeded()).isTrue();
    assertThat(time.waitsMillis()).containsExactly(5000L);
  }

  @Test
  void aWaitThatWouldReachTheDeadlineIsNotMade() {
    RetrySettings patient = new RetrySettings(3, 200, 120_000, RetryOn.DEFAULT);
    upstream.failNext(TARGET, rateLimited("90"));
    Call call = call(TARGET, 30_000); // the call has 30 s left, the upstream asks for 90

    Future<ChatResult> f = chain(patient).complete(call);

    assertThat(f.cause()).isInstanceOf(GatewayException.RateLimited.class);
    assertThat(((GatewayException) f.cause()).retryAfter()).isEqualTo("90");
    assertThat(upstream.calls).hasSize(1);
    assertThat(time.waits).isEmpty();

    upstream.failNext(TARGET, rateLimited("2"));
    assertThat(chain(patient).complete(call(TARGET, 30_000)).succeeded()).as("2 s fit in 30 s").isTrue();
    assertThat(time.waitsMillis()).containsExactly(2000L);
  }

  @Test
  void aCallPastItsDeadlineIsNotRetried() {
    upstream.failNext(TARGET, status(503));
    Call late = Call.builder("req", new ModelRef("openai", "gpt-4o"), Json.object())
        .startNanos(System.nanoTime() - 10_000_000_000L).totalTimeoutMillis(1_000).build();

    assertThat(chain(RetrySettings.DEFAULT).complete(late).failed()).isTrue();
    assertThat(upstream.calls).hasSize(1);
  }

  @Test
  void aProviderMayHaveItsOwnRetries() {
    upstream.failNext(TARGET, status(503));
    upstream.failNext("anthropic:claude", status(503));
    Map<String, RetrySettings> own = Map.of("anthropic", RetrySettings.NO_RETRIES);

    assertThat(chain(RetrySettings.DEFAULT, own).complete(call(TARGET)).succeeded()).isTrue();
    assertThat(chain(RetrySettings.DEFAULT, own).complete(call("anthropic:claude")).failed()).isTrue();
    assertThat(upstream.calls).containsExactly(TARGET, TARGET, "anthropic:claude");
  }

  @Test
  void aStreamIsRetriedWhileItsFutureFails() {
    upstream.failNext(TARGET, status(529));
    Call call = call(TARGET);

    Future<ChatStream> f = chain(RetrySettings.DEFAULT).stream(call);

    assertThat(f.succeeded()).isTrue();
    assertThat(upstream.calls).containsExactly("stream " + TARGET, "stream " + TARGET);
    assertThat(call.attempts()).extracting(Attempt::status).containsExactly(529, 200);
    assertThat(call.answeredBy()).isEqualTo(new ModelRef("openai", "gpt-4o"));
  }

  @Test
  void aStreamThatFailsAfterTheUpstreamAcceptedItIsNotRetried() {
    Call call = call(TARGET);
    ChatStream stream = chain(RetrySettings.DEFAULT).stream(call).result();
    GatewayException[] seen = new GatewayException[1];
    stream.exceptionHandler(e -> seen[0] = e);

    upstream.streams.get(0).fail(new GatewayException.ProviderFailure("upstream_error", "overloaded", 529, true, null));

    assertThat(seen[0]).isNotNull();
    assertThat(upstream.calls).containsExactly("stream " + TARGET);
    assertThat(call.attempts()).hasSize(1);
  }

  @Test
  void theGatewaysOwnFailuresAreNotRetried() {
    upstream.failNext(TARGET, () -> new GatewayException.ProviderFailure("missing_api_key", "no key", 0, false, null),
        () -> new GatewayException.Internal("bug", null));
    assertThat(chain(RetrySettings.DEFAULT).complete(call(TARGET)).failed()).isTrue();
    assertThat(chain(RetrySettings.DEFAULT).complete(call(TARGET)).failed()).isTrue();
    assertThat(upstream.calls).hasSize(2);
    assertThat(Set.copyOf(time.waits)).isEmpty();
    assertThat(Instant.ofEpochMilli(time.epochMillis())).isEqualTo(ManualTime.START);
  }
}
