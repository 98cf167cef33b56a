package io.recllm.gateway.resilience;

import static io.recllm.gateway.resilience.ScriptedClient.connectRefused;
import static io.recllm.gateway.resilience.ScriptedClient.firstByteTimeout;
import static io.recllm.gateway.resilience.ScriptedClient.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.recllm.gateway.call.Attempt;
import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.CallChain;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.core.ModelRef;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RoutingStepTest {

  private static final String CLAUDE = "anthropic:claude-sonnet-4-5";
  private static final String GPT = "openai:gpt-4o";
  private static final RetrySettings TWO_TRIES = new RetrySettings(2, 200, 5000, RetryOn.DEFAULT);
  private static final CircuitBreakerSettings OPENS_AFTER_2 = new CircuitBreakerSettings(2, 30_000, 10_000, 1);

  private final ManualTime time = new ManualTime();
  private final ScriptedClient upstream = new ScriptedClient(time);
  private Resilience resilience;

  private CallChain chain(RetrySettings retries, CircuitBreakerSettings breaker, RouteSettings... routes) {
    return chain(retries, breaker, null, routes);
  }

  private CallChain chain(RetrySettings retries, CircuitBreakerSettings breaker, CostEstimate cost,
                          RouteSettings... routes) {
    Map<String, RouteSettings> byName = new LinkedHashMap<>();
    for (RouteSettings r : routes) byName.put(r.name(), r);
    resilience = new Resilience(new ResilienceSettings(retries, Map.of(), breaker, Map.of(), byName), cost, time, time);
    return new CallChain(resilience.steps(), upstream);
  }

  private static RouteSettings route(String name, Strategy strategy, String... targets) {
    return new RouteSettings(name, strategy, Arrays.stream(targets).map(t -> new RouteSettings.Target(ref(t), 1)).toList(),
        null, null);
  }

  private static RouteSettings smart() {
    return route("smart", Strategy.FALLBACK, CLAUDE, GPT);
  }

  private static ModelRef ref(String target) {
    String[] parts = target.split(":", 2);
    return new ModelRef(parts[0], parts[1]);
  }

  /** A call as the gateway makes one: a bare name goes to the default provider, openai. */
  private static Call call(String model) {
    ModelRef requested = model.contains(":") ? ref(model) : new ModelRef("openai", model);
    return Call.builder("req", requested, Json.object().put("model", model)).build();
  }

  private static String answeredBy(Future<ChatResult> f) {
    assertThat(f.succeeded()).as("call failed: %s", f.cause()).isTrue();
    return f.result().body().path("answered_by").asText();
  }

  @Test
  void fallbackTriesTheNextTargetAfterTheFirstOnesRetriesAndRecordsEveryAttempt() {
    CallChain chain = chain(TWO_TRIES, CircuitBreakerSettings.OFF, smart());
    upstream.failAlways(CLAUDE, status(503));
    Call call = call("smart");

    assertThat(answeredBy(chain.complete(call))).isEqualTo(GPT);

    assertThat(upstream.calls).containsExactly(CLAUDE, CLAUDE, GPT);
    assertThat(call.attempts()).extracting(Attempt::provider, Attempt::model, Attempt::status)
        .containsExactly(tuple("anthropic", "claude-sonnet-4-5", 503), tuple("anthropic", "claude-sonnet-4-5", 503),
            tuple("openai", "gpt-4o", 200));
    assertThat(call.answeredBy()).isEqualTo(ref(GPT));
    assertThat(call.target()).isEqualTo(ref(GPT));
    assertThat(call.requested()).isEqualTo(new ModelRef("openai", "smart"));
    assertThat(call.get(RoutingStep.ROUTE).name()).isEqualTo("smart");
    assertThat(time.waits).hasSize(1);
  }

  static Stream<Arguments> reasonsToFallOver() {
    return Stream.of(Arguments.of("429", status(429)), Arguments.of("500", status(500)),
        Arguments.of("529", status(529)), Arguments.of("connect", connectRefused()),
        Arguments.of("timeout", firstByteTimeout()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("reasonsToFallOver")
  void fallsOverOnTheOutcomesRetriesAreMadeFor(String name, Supplier<GatewayException> error) {
    CallChain chain = chain(RetrySettings.NO_RETRIES, CircuitBreakerSettings.OFF, smart());
    upstream.failNext(CLAUDE, error);

    assertThat(answeredBy(chain.complete(call("smart")))).isEqualTo(GPT);
    assertThat(upstream.calls).containsExactly(CLAUDE, GPT);
  }

  @Test
  void aRefusedRequestIsTheAnswerNotAReasonToFallOver() {
    CallChain chain = chain(TWO_TRIES, CircuitBreakerSettings.OFF, smart());
    upstream.failNext(CLAUDE, status(400));
    Call call = call("smart");

    Future<ChatResult> f = chain.complete(call);

    assertThat(((GatewayException) f.cause()).status()).isEqualTo(400);
    assertThat(upstream.calls).containsExactly(CLAUDE);
    assertThat(call.answeredBy()).isNull();
  }

  @Test
  void whenEveryTargetFailsTheLastFailureIsTheAnswer() {
    CallChain chain = chain(TWO_TRIES, CircuitBreakerSettings.OFF, smart());
    upstream.failAlways(CLAUDE, status(503)).failAlways(GPT, status(502));
    Call call = call("smart");

    Future<ChatResult> f = chain.complete(call);

    assertThat(((GatewayException) f.cause()).upstreamStatus()).isEqualTo(502);
    assertThat(call.attempts()).extracting(Attempt::status).containsExactly(503, 503, 502, 502);
    assertThat(call.answeredBy()).isNull();
  }

  @Test
  void aRouteMayHaveItsOwnRetries() {
    RouteSettings once = new RouteSettings("smart", Strategy.FALLBACK, smart().targets(), RetrySettings.NO_RETRIES, null);
    CallChain chain = chain(RetrySettings.DEFAULT, CircuitBreakerSettings.OFF, once);
    upstream.failNext(CLAUDE, status(503)).failNext(GPT, status(503));

    assertThat(chain.complete(call("smart")).failed()).isTrue();
    assertThat(upstream.calls).containsExactly(CLAUDE, GPT);
  }

  @Test
  void modelsThatAreNoRouteGoStraightToTheirProvider() {
    CallChain chain = chain(RetrySettings.NO_RETRIES, CircuitBreakerSettings.OFF, smart());
    Call call = call(GPT);

    assertThat(answeredBy(chain.complete(call))).isEqualTo(GPT);
    assertThat(call.get(RoutingStep.ROUTE)).isNull();
    assertThat(resilience.isRoute("smart")).isTrue();
    assertThat(resilience.isRoute("gpt-4o")).isFalse();
  }

  @Test
  void anOpenCircuitIsSkippedThenProbedAndClosedAgain() {
    CallChain chain = chain(RetrySettings.NO_RETRIES, OPENS_AFTER_2, smart());
    upstream.failNext(CLAUDE, status(503), status(503));
    CircuitBreaker claude = resilience.circuitBreakers().forProvider("anthropic");

    assertThat(answeredBy(chain.complete(call("smart")))).isEqualTo(GPT);
    assertThat(answeredBy(chain.complete(call("smart")))).isEqualTo(GPT);
    assertThat(claude.state()).isEqualTo(CircuitBreaker.State.OPEN);

    Call whileOpen = call("smart");
    assertThat(answeredBy(chain.complete(whileOpen))).isEqualTo(GPT);
    assertThat(whileOpen.attempts()).extracting(Attempt::provider).containsExactly("openai");
    assertThat(upstream.calls).containsExactly(CLAUDE, GPT, CLAUDE, GPT, GPT);

    time.advanceMillis(10_000);
    assertThat(claude.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    Call probe = call("smart");
    assertThat(answeredBy(chain.complete(probe))).isEqualTo(CLAUDE);
    assertThat(probe.answeredBy()).isEqualTo(ref(CLAUDE));
    assertThat(claude.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(answeredBy(chain.complete(call("smart")))).isEqualTo(CLAUDE);
  }

  @Test
  void aFailedProbeOpensTheCircuitAgainAndTheCallFallsOver() {
    CallChain chain = chain(RetrySettings.NO_RETRIES, OPENS_AFTER_2, smart());
    upstream.failAlways(CLAUDE, status(503));
    chain.complete(call("smart"));
    chain.complete(call("smart"));
    time.advanceMillis(10_000);

    assertThat(answeredBy(chain.complete(call("smart")))).isEqualTo(GPT);
    assertThat(resilience.circuitBreakers().forProvider("anthropic").state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(upstream.callsTo(CLAUDE)).isEqualTo(3);
  }

  @Test
  void aCircuitThatOpensDuringRetriesEndsThemAndTheRouteFallsOver() {
    CallChain chain = chain(RetrySettings.DEFAULT, OPENS_AFTER_2, smart());
    upstream.failAlways(CLAUDE, status(503));
    Call call = call("smart");

    assertThat(answeredBy(chain.complete(call))).isEqualTo(GPT);
    assertThat(upstream.calls).containsExactly(CLAUDE, CLAUDE, GPT);
    assertThat(call.attempts()).extracting(Attempt::status).containsExactly(503, 503, 200);
    assertThat(time.waits).as("no wait for a retry the open circuit would refuse").hasSize(1);
  }

  @Test
  void whenEveryCircuitIsOpenTheCallFailsFastWith503ProviderUnavailable() {
    CallChain chain = chain(RetrySettings.NO_RETRIES, new CircuitBreakerSettings(1, 30_000, 10_000, 1), smart());
    upstream.failAlways(CLAUDE, status(503)).failAlways(GPT, status(500));
    assertThat(chain.complete(call("smart")).failed()).isTrue();
    int before = upstream.calls.size();
    time.advanceMillis(2_500);
    Call call = call("smart");

    Future<ChatResult> f = chain.complete(call);

    GatewayException e = (GatewayException) f.cause();
    assertThat(e.status()).isEqualTo(503);
    assertThat(e.code()).isEqualTo("provider_unavailable");
    assertThat(e.type()).isEqualTo("api_error");
    assertThat(e.retryAfter()).isEqualTo("8");
    assertThat(e.getMessage()).contains("route \"smart\"").contains("anthropic, openai");
    assertThat(upstream.calls).hasSize(before);
    assertThat(call.attempts()).isEmpty();
    assertThat(call.answeredBy()).isNull();
  }

  @Test
  void aDirectCallToAProviderWhoseCircuitIsOpenFailsFastToo() {
    CallChain chain = chain(RetrySettings.NO_RETRIES, new CircuitBreakerSettings(1, 30_000, 10_000, 1), smart());
    upstream.failNext(GPT, status(503));
    assertThat(chain.complete(call(GPT)).failed()).isTrue();
    Call call = call(GPT);

    GatewayException e = (GatewayException) chain.complete(call).cause();

    assertThat(e.status()).isEqualTo(503);
    assertThat(e.code()).isEqualTo("provider_unavailable");
    assertThat(e.provider()).isEqualTo("openai");
    assertThat(e.retryAfter()).isEqualTo("10");
    assertThat(upstream.calls).containsExactly(GPT);
    assertThat(call.attempts()).isEmpty();

    GatewayException scrubbed = e.redacted(text -> text.replace("openai", "[provider]"), null);
    assertThat(scrubbed).isNotSameAs(e).isInstanceOf(GatewayException.ProviderFailure.class);
    assertThat(scrubbed.getMessage()).doesNotContain("openai");
    assertThat(List.of(scrubbed.status(), scrubbed.code(), scrubbed.retryAfter()))
        .containsExactly(503, "provider_unavailable", "10");
  }

  @Test
  void aRoutesOwnCircuitBreakerLeavesOtherCallsToTheProviderAlone() {
    RouteSettings strict = new RouteSettings("smart", Strategy.FALLBACK, smart().targets(), null,
        new CircuitBreakerSettings(1, 30_000, 10_000, 1));
    CallChain chain = chain(RetrySettings.NO_RETRIES, OPENS_AFTER_2, strict);
    upstream.failNext(CLAUDE, status(503));

    assertThat(answeredBy(chain.complete(call("smart")))).isEqualTo(GPT);
    assertThat(answeredBy(chain.complete(call(CLAUDE)))).as("the provider's own breaker saw one failure of two")
        .isEqualTo(CLAUDE);
    assertThat(answeredBy(chain.complete(call("smart")))).as("the route's breaker is open").isEqualTo(GPT);
    assertThat(upstream.calls).containsExactly(CLAUDE, GPT, CLAUDE, GPT);
  }

  @Test
  void weightedSpreadsCallsByWeightSmoothly() {
    RouteSettings cheap = new RouteSettings("cheap", Strategy.WEIGHTED, List.of(
        new RouteSettings.Target(ref("openai:gpt-4o-mini"), 3),
        new RouteSettings.Target(ref("openai-eu:gpt-4o-mini"), 1)), null, null);
    CallChain chain = chain(RetrySettings.NO_RETRIES, CircuitBreakerSettings.OFF, cheap);

    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) answers.add(answeredBy(chain.complete(call("cheap"))).startsWith("openai-eu") ? "eu" : "us");

    assertThat(answers).containsExactly("us", "us", "eu", "us", "us", "us", "eu", "us");
  }

  @Test
  void weightedFallsOverToTheOtherTarget() {
    RouteSettings cheap = new RouteSettings("cheap", Strategy.WEIGHTED, List.of(
        new RouteSettings.Target(ref("openai:gpt-4o-mini"), 3),
        new RouteSettings.Target(ref("openai-eu:gpt-4o-mini"), 1)), null, null);
    CallChain chain = chain(RetrySettings.NO_RETRIES, CircuitBreakerSettings.OFF, cheap);
    upstream.failNext("openai:gpt-4o-mini", status(503));

    assertThat(answeredBy(chain.complete(call("cheap")))).isEqualTo("openai-eu:gpt-4o-mini");
    assertThat(upstream.calls).containsExactly("openai:gpt-4o-mini", "openai-eu:gpt-4o-mini");
  }

  @Test
  void leastLatencyMeasuresEachTargetThenPrefersTheFastestAverage() {
    CallChain chain = chain(RetrySettings.NO_RETRIES, CircuitBreakerSettings.OFF,
        route("fast", Strategy.LEAST_LATENCY, "p1:m", "p2:m", "p3:m"));
    upstream.latency("p1:m", Duration.ofMillis(300)).latency("p2:m", Duration.ofMillis(100))
        .latency("p3:m", Duration.ofMillis(200));

    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 5; i++) answers.add(answeredBy(chain.complete(call("fast"))));
    assertThat(answers).as("unmeasured targets first, then the fastest")
        .containsExactly("p1:m", "p2:m", "p3:m", "p2:m", "p2:m");

    upstream.latency("p2:m", Duration.ofMillis(2000));
    assertThat(answeredBy(chain.complete(call("fast")))).isEqualTo("p2:m");
    assertThat(answeredBy(chain.complete(call("fast")))).as("p2 averages 670 ms now").isEqualTo("p3:m");

    Call stream = Call.builder("s", new ModelRef("openai", "fast"), Json.object().put("model", "fast")).stream(true).build();
    chain.stream(stream);
    assertThat(stream.answeredBy()).as("streams are measured apart: none yet").isEqualTo(ref("p1:m"));
  }

  @Test
  void lowestCostPicksTheCheapestEstimateAndFallsOverToTheNextCheapest() {
    Map<String, Double> usd = Map.of("p1:m", 0.5, "p2:m", 0.1, "p3:m", 0.3);
    List<Call> priced = new ArrayList<>();
    CostEstimate estimate = (target, call) -> {
      priced.add(call);
      return usd.get(target.provider() + ":" + target.model());
    };
    CallChain chain = chain(RetrySettings.NO_RETRIES, CircuitBreakerSettings.OFF, estimate,
        route("thrifty", Strategy.LOWEST_COST, "p1:m", "p2:m", "p3:m"));

    assertThat(answeredBy(chain.complete(call("thrifty")))).isEqualTo("p2:m");

    upstream.failNext("p2:m", status(503));
    Call call = call("thrifty");
    assertThat(answeredBy(chain.complete(call))).isEqualTo("p3:m");
    assertThat(upstream.calls).containsExactly("p2:m", "p2:m", "p3:m");
    assertThat(priced).contains(call);
  }

  @Test
  void lowestCostRanksUnpricedTargetsLast() {
    CostEstimate estimate = (target, call) -> target.provider().equals("p1") ? Double.NaN : 1.0;
    CallChain chain = chain(RetrySettings.NO_RETRIES, CircuitBreakerSettings.OFF, estimate,
        route("thrifty", Strategy.LOWEST_COST, "p1:m", "p2:m"));
    assertThat(answeredBy(chain.complete(call("thrifty")))).isEqualTo("p2:m");
  }

  @Test
  void leastBusyAvoidsTheTargetWithCallsInFlight() {
    CallChain chain = chain(RetrySettings.NO_RETRIES, CircuitBreakerSettings.OFF,
        route("spread", Strategy.LEAST_BUSY, "p1:m", "p2:m"));
    upstream.hold("p1:m");
    TargetStats stats = resilience.targetStats();

    Future<ChatResult> first = chain.complete(call("spread"));
    assertThat(upstream.calls).containsExactly("p1:m");
    assertThat(stats.get(ref("p1:m")).inFlight()).isEqualTo(1);

    assertThat(answeredBy(chain.complete(call("spread")))).isEqualTo("p2:m");
    assertThat(answeredBy(chain.complete(call("spread")))).isEqualTo("p2:m");

    upstream.held.get(0).complete(new ChatResult(Json.object().put("answered_by", "p1:m"), TokenUsage.NONE, null));
    assertThat(answeredBy(first)).isEqualTo("p1:m");
    assertThat(stats.get(ref("p1:m")).inFlight()).isZero();
    assertThat(stats.get(ref("p2:m")).inFlight()).isZero();
  }

  @Test
  void aStreamCountsAsInFlightUntilItEnds() {
    CallChain chain = chain(RetrySettings.NO_RETRIES, CircuitBreakerSettings.OFF,
        route("spread", Strategy.LEAST_BUSY, "p1:m", "p2:m"));
    Call call = Call.builder("s", new ModelRef("openai", "spread"), Json.object().put("model", "spread")).stream(true).build();

    Future<ChatStream> started = chain.stream(call);
    assertThat(started.isComplete()).as("held back until the first chunk").isFalse();
    upstream.streams.get(0).chunk("Hi");
    ChatStream stream = started.result();
    TargetStats.Entry entry = resilience.targetStats().get(call.answeredBy());
    assertThat(entry.inFlight()).isEqualTo(1);
    boolean[] ended = new boolean[1];
    List<String> texts = new ArrayList<>();
    stream.handler(c -> texts.add(c.text())).endHandler(v -> ended[0] = true).resume();
    assertThat(texts).hasSize(1);

    upstream.streams.get(0).end();

    assertThat(ended[0]).isTrue();
    assertThat(entry.inFlight()).isZero();
  }

  @Test
  void aStreamFallsOverOnlyWhileItsFutureFails() {
    CallChain chain = chain(RetrySettings.NO_RETRIES, CircuitBreakerSettings.OFF, smart());
    upstream.failNext(CLAUDE, status(529));
    Call call = Call.builder("s", new ModelRef("openai", "smart"), Json.object().put("model", "smart")).stream(true).build();

    Future<ChatStream> started = chain.stream(call);
    upstream.streams.get(0).chunk("Hi");
    ChatStream stream = started.result();
    GatewayException[] seen = new GatewayException[1];
    stream.exceptionHandler(e -> seen[0] = e).resume();
    assertThat(upstream.calls).containsExactly("stream " + CLAUDE, "stream " + GPT);
    assertThat(call.answeredBy()).isEqualTo(ref(GPT));
    assertThat(call.attempts()).extracting(Attempt::status).containsExactly(529, 200);

    upstream.streams.get(0).fail(new GatewayException.ProviderFailure("upstream_error", "reset", 503, true, null));

    assertThat(seen[0]).isNotNull();
    assertThat(upstream.calls).as("after the first chunk, a failure ends the stream").hasSize(2);
  }

  @Test
  void aStreamThatBreaksBeforeItsFirstChunkFallsOver() {
    CallChain chain = chain(RetrySettings.NO_RETRIES, CircuitBreakerSettings.OFF, smart());
    Call call = Call.builder("s", new ModelRef("openai", "smart"), Json.object().put("model", "smart")).stream(true).build();

    Future<ChatStream> started = chain.stream(call);
    upstream.streams.get(0).fail(new GatewayException.ProviderFailure("upstream_error", "reset", 0, true, null));
    upstream.streams.get(1).chunk("Hi");

    assertThat(started.succeeded()).isTrue();
    assertThat(upstream.calls).containsExactly("stream " + CLAUDE, "stream " + GPT);
    assertThat(call.answeredBy()).isEqualTo(ref(GPT));
    assertThat(call.attempts()).extracting(Attempt::succeeded).containsExactly(false, true);
  }
}
