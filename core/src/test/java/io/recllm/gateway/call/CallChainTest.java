package io.recllm.gateway.call;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.ModelRef;
import io.recllm.gateway.core.TokenUsage;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.LlmClient;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallChainTest {

  private final ObjectNode body = Json.object().put("model", "gpt-4o");
  private final List<String> upstream = new ArrayList<>();

  /** Answers every model but "down", which fails with a 503. */
  private final LlmClient client = new LlmClient() {
    @Override
    public Future<ChatResult> chatCompletion(String provider, String model, ObjectNode request) {
      upstream.add(provider + ":" + model);
      if (model.equals("down")) {
        return Future.failedFuture(new GatewayException.ProviderFailure("upstream_error", "upstream said 503", 503, true, null));
      }
      return Future.succeededFuture(new ChatResult(Json.object().put("model", model), TokenUsage.of(1, 2), null));
    }

    @Override
    public Future<ChatStream> streamChatCompletion(String provider, String model, ObjectNode request) {
      upstream.add("stream " + provider + ":" + model);
      return Future.succeededFuture(null);
    }
  };

  private Call call(String provider, String model) {
    return Call.builder("req-1", new ModelRef(provider, model), body).build();
  }

  @Test
  void emptyChainCallsTheTargetAndNotesWhoAnswered() {
    Call call = call("openai", "gpt-4o");
    ChatResult r = new CallChain(List.of(), client).complete(call).result();

    assertThat(r.body().path("model").asText()).isEqualTo("gpt-4o");
    assertThat(upstream).containsExactly("openai:gpt-4o");
    assertThat(call.answeredBy()).isEqualTo(new ModelRef("openai", "gpt-4o"));
    assertThat(call.attempts()).singleElement().satisfies(a -> {
      assertThat(a.status()).isEqualTo(200);
      assertThat(a.succeeded()).isTrue();
    });
  }

  @Test
  void stepsRunInStageOrderWhateverTheOrderTheyWereGivenIn() {
    List<String> seen = new ArrayList<>();
    CallStep retry = recording(Stage.RETRY, "retry", seen);
    CallStep auth = recording(Stage.AUTH, "auth", seen);
    CallStep routing = recording(Stage.ROUTING, "routing", seen);
    CallStep secondAuth = recording(Stage.AUTH, "auth-2", seen);
    CallChain chain = new CallChain(List.of(retry, auth, routing, secondAuth), client);

    chain.complete(call("openai", "gpt-4o"));

    assertThat(seen).containsExactly("auth", "auth-2", "routing", "retry");
    assertThat(chain.steps()).containsExactly(auth, secondAuth, routing, retry);
  }

  @Test
  void aStepCanAnswerWithoutGoingUpstream() {
    ChatResult cached = new ChatResult(Json.object().put("model", "cached"), TokenUsage.NONE, null);
    CallStep cache = new CallStep() {
      @Override
      public Stage stage() {
        return Stage.CACHE;
      }

      @Override
      public Future<ChatResult> complete(Call call, Next next) {
        return Future.succeededFuture(cached);
      }
    };
    Call call = call("openai", "gpt-4o");

    assertThat(new CallChain(List.of(cache), client).complete(call).result()).isSameAs(cached);
    assertThat(upstream).isEmpty();
    assertThat(call.attempts()).isEmpty();
    assertThat(call.answeredBy()).isNull();
  }

  @Test
  void aStepThatTriesAnotherTargetLeavesEveryAttemptAndTheAnsweringModel() {
    CallStep fallback = new CallStep() {
      @Override
      public Stage stage() {
        return Stage.ROUTING;
      }

      @Override
      public Future<ChatResult> complete(Call call, Next next) {
        return next.complete(call).recover(e -> {
          call.target(new ModelRef("anthropic", "claude-sonnet-4-5"));
          return next.complete(call);
        });
      }
    };
    Call call = call("openai", "down");

    ChatResult r = new CallChain(List.of(fallback), client).complete(call).result();

    assertThat(r.body().path("model").asText()).isEqualTo("claude-sonnet-4-5");
    assertThat(upstream).containsExactly("openai:down", "anthropic:claude-sonnet-4-5");
    assertThat(call.requested()).isEqualTo(new ModelRef("openai", "down"));
    assertThat(call.answeredBy()).isEqualTo(new ModelRef("anthropic", "claude-sonnet-4-5"));
    assertThat(call.accountedTo()).isEqualTo(call.answeredBy());
    assertThat(call.attempts()).extracting(Attempt::provider, Attempt::status, Attempt::errorType)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("openai", 503, "api_error"),
            org.assertj.core.groups.Tuple.tuple("anthropic", 200, null));
  }

  @Test
  void aThrowingStepFailsTheCallNotTheCaller() {
    CallStep broken = new CallStep() {
      @Override
      public Stage stage() {
        return Stage.TRANSFORMS;
      }

      @Override
      public Future<ChatResult> complete(Call call, Next next) {
        throw new IllegalStateException("boom");
      }
    };
    Future<ChatResult> f = new CallChain(List.of(broken), client).complete(call("openai", "gpt-4o"));

    assertThat(f.failed()).isTrue();
    assertThat(f.cause()).isInstanceOf(IllegalStateException.class).hasMessage("boom");
    assertThat(upstream).isEmpty();
  }

  @Test
  void aClientThatReturnsNoFutureFailsTheCall() {
    Call call = call("openai", "gpt-4o");
    Future<ChatResult> f = new CallChain(List.of(), (provider, model, request) -> null).complete(call);

    assertThat(f.failed()).isTrue();
    assertThat(f.cause()).hasMessageContaining("returned no future");
    assertThat(call.attempts()).singleElement().extracting(Attempt::status).isEqualTo(500);
  }

  @Test
  void aThrowingClientFailsTheCallAndCountsAsAnAttempt() {
    LlmClient throwing = (provider, model, request) -> {
      throw new GatewayException.InvalidRequest("bad", "model", "refused before sending");
    };
    Call call = call("openai", "gpt-4o");
    Future<ChatResult> f = new CallChain(List.of(), throwing).complete(call);

    assertThat(f.cause()).isInstanceOf(GatewayException.InvalidRequest.class);
    assertThat(call.attempts()).singleElement().extracting(Attempt::status).isEqualTo(400);
  }

  @Test
  void streamsGoThroughTheSameSteps() {
    List<String> seen = new ArrayList<>();
    Call call = Call.builder("req-2", new ModelRef("openai", "gpt-4o"), body).stream(true).build();
    new CallChain(List.of(recording(Stage.LIMITS, "limits", seen)), client).stream(call);

    assertThat(seen).containsExactly("limits");
    assertThat(upstream).containsExactly("stream openai:gpt-4o");
  }

  @Test
  void attributesAreTypedSlotsByKeyIdentity() {
    Call call = call("openai", "gpt-4o");
    Call.Key<String> a = new Call.Key<>("a");
    Call.Key<Integer> b = new Call.Key<>("b");
    Call.Key<String> alsoNamedA = new Call.Key<>("a");

    call.put(a, "x");
    call.put(b, 7);
    call.put(a, "y");

    assertThat(call.get(a)).isEqualTo("y");
    assertThat(call.get(b)).isEqualTo(7);
    assertThat(call.get(alsoNamedA)).isNull();
  }

  @Test
  void theDeadlineCountsFromTheStart() {
    long start = System.nanoTime() - 1_000_000_000L;
    Call call = Call.builder("r", new ModelRef("openai", "m"), body).startNanos(start).totalTimeoutMillis(1500).build();
    assertThat(call.deadlineNanos()).isEqualTo(start + 1_500_000_000L);
    assertThat(call.remainingNanos()).isBetween(0L, 500_000_000L);
    assertThat(Call.builder("r", new ModelRef("openai", "m"), body).build().remainingNanos()).isEqualTo(Long.MAX_VALUE);
  }

  private static CallStep recording(Stage stage, String name, List<String> seen) {
    return new CallStep() {
      @Override
      public Stage stage() {
        return stage;
      }

      @Override
      public Future<ChatResult> complete(Call call, Next next) {
        seen.add(name);
        return next.complete(call);
      }

      @Override
      public Future<ChatStream> stream(Call call, Next next) {
        seen.add(name);
        return next.stream(call);
      }
    };
  }
}
