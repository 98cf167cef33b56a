package io.recllm.gateway.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.config.ConfigLoader;
import io.recllm.gateway.config.GatewayConfig;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatChunk;
import io.recllm.gateway.provider.ChatResult;
import io.recllm.gateway.provider.ChatStream;
import io.recllm.gateway.provider.LlmClient;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The scrubbing rule itself, and the provider wrapper on failures that no HTTP test produces easily. */
class SecretScrubberTest {

  static final String LONG_KEY = "sk-proj-FAKEtestOnlyKEY0042";

  @Test
  void everyOccurrenceIsMaskedKeepingOnlyTheEndsOfLongSecrets() {
    SecretScrubber s = new SecretScrubber();
    s.add(LONG_KEY);
    s.add("short-but-ok"); // 12 characters: shown as [REDACTED]
    assertThat(s.scrub("a " + LONG_KEY + " b " + LONG_KEY)).isEqualTo("a sk-...0042 b sk-...0042");
    assertThat(s.scrub("key=short-but-ok;")).isEqualTo("key=[REDACTED];");
    assertThat(s.scrub("nothing here")).isEqualTo("nothing here");
    assertThat(s.scrub((String) null)).isNull();
  }

  @Test
  void secretsShorterThanEightCharactersAreIgnoredSoCommonWordsSurvive() {
    SecretScrubber s = new SecretScrubber();
    assertThat(s.add("test")).isFalse();
    assertThat(s.add("local12")).isFalse();
    assertThat(s.add(null)).isFalse();
    assertThat(s.add("   ")).isFalse();
    assertThat(s.add("local123")).isTrue();
    assertThat(s.size()).isEqualTo(1);
    assertThat(s.scrub("a test on local12 with local123")).isEqualTo("a test on local12 with [REDACTED]");
  }

  @Test
  void jsonEscapedAndUrlEncodedFormsAreMaskedToo() {
    SecretScrubber s = new SecretScrubber();
    String key = "AKIA/x+y\"z\\w0123456789";
    s.add(key);
    assertThat(s.scrub("{\"k\":\"AKIA\\/x+y\\\"z\\\\w0123456789\"}")).isEqualTo("{\"k\":\"AKI...6789\"}");
    assertThat(s.scrub("?key=AKIA%2Fx%2By%22z%5Cw0123456789&a=1")).isEqualTo("?key=AKI...6789&a=1");
  }

  @Test
  void aSecretCutOffAtTheEndOfAQuotedTextIsMasked() {
    SecretScrubber s = new SecretScrubber();
    s.add(LONG_KEY);
    assertThat(s.scrub("body: sk-proj-FAKEt...")).isEqualTo("body: sk-...0042...");
    assertThat(s.scrub("body: sk-proj-FAKEt\u2026")).isEqualTo("body: sk-...0042\u2026");
    assertThat(s.scrub("body: sk-proj-FAKEt")).isEqualTo("body: sk-...0042");
    assertThat(s.scrub("ends with sk-proj")).as("7 characters are too few to tell").isEqualTo("ends with sk-proj");
  }

  @Test
  void aLongerSecretContainingAShorterOneIsMaskedWhole() {
    SecretScrubber s = new SecretScrubber();
    s.add("inner-secret-1");
    s.add("prefix-inner-secret-1-suffix");
    assertThat(s.scrub("x prefix-inner-secret-1-suffix y inner-secret-1")).isEqualTo("x pre...ffix y [REDACTED]");
  }

  @Test
  void theConfigurationsSecretsAreKnownFromTheStart() {
    GatewayConfig config = ConfigLoader.load("""
        api_key: ${GW}
        providers:
          openai: { type: openai, base_url: "http://127.0.0.1:1/v1", api_key: "${OPENAI_API_KEY}" }
          azure:  { type: openai, base_url: "http://127.0.0.1:1/v1", headers: { api-key: "azure-header-secret-0001", x-team: "team-visible-name" } }
          proxy:  { type: openai, base_url: "http://127.0.0.1:1/v1", headers: { Authorization: "Bearer proxy-token-0002" } }
        """, Map.of("GW", "gw-key-0003", "OPENAI_API_KEY", LONG_KEY));
    SecretScrubber s = SecretScrubber.of(config);
    assertThat(s.scrub("gw-key-0003 " + LONG_KEY + " azure-header-secret-0001 proxy-token-0002 team-visible-name"))
        .isEqualTo("[REDACTED] sk-...0042 azu...0001 [REDACTED] team-visible-name");
  }

  @Test
  void everyKeyOfAProviderWithSeveralIsASecret() {
    GatewayConfig config = ConfigLoader.load("""
        providers:
          openai: { type: openai, base_url: "http://127.0.0.1:1/v1", api_keys: [ "sk-test-fake-first-key-0001", "sk-test-fake-second-key-0002" ] }
        """, Map.of());
    assertThat(SecretScrubber.of(config).scrub("sk-test-fake-first-key-0001 sk-test-fake-second-key-0002"))
        .isEqualTo("sk-...0001 sk-...0002");
  }

  @Test
  void aGatewayFailureKeepsItsKindStatusAndPlaceAndLosesOnlyTheSecret() {
    SecretScrubber s = new SecretScrubber();
    s.add(LONG_KEY);
    GatewayException e = new GatewayException.RateLimited("tokens", "rate_limit_exceeded", "slow down, " + LONG_KEY, "7")
        .at("openai", "gpt-4o");
    GatewayException scrubbed = s.scrub(e);
    assertThat(scrubbed).isInstanceOf(GatewayException.RateLimited.class).isNotSameAs(e);
    assertThat(scrubbed.getMessage()).isEqualTo("slow down, sk-...0042");
    assertThat(scrubbed.status()).isEqualTo(429);
    assertThat(scrubbed.type()).isEqualTo("tokens");
    assertThat(scrubbed.code()).isEqualTo("rate_limit_exceeded");
    assertThat(scrubbed.retryAfter()).isEqualTo("7");
    assertThat(scrubbed.retryable()).isTrue();
    assertThat(scrubbed.provider()).isEqualTo("openai");
    assertThat(scrubbed.model()).isEqualTo("gpt-4o");

    GatewayException clean = new GatewayException.Timeout("idle_timeout", "no data for 5 s");
    assertThat(s.scrub(clean)).isSameAs(clean);
  }

  @Test
  void causesAreScrubbedAndOtherFailuresAreReplacedByARedactedStandIn() {
    SecretScrubber s = new SecretScrubber();
    s.add(LONG_KEY);
    IllegalStateException root = new IllegalStateException("token " + LONG_KEY + " refused");
    GatewayException e = new GatewayException.ProviderFailure("upstream_error", "upstream failed", 502, true, root);
    GatewayException scrubbed = s.scrub(e);
    assertThat(scrubbed).isInstanceOf(GatewayException.ProviderFailure.class);
    assertThat(scrubbed.getCause()).isInstanceOf(SecretScrubber.RedactedException.class)
        .hasMessage("java.lang.IllegalStateException: token sk-...0042 refused");
    assertThat(scrubbed.getCause().getStackTrace()).isEqualTo(root.getStackTrace());
    assertThat(scrubbed.getStackTrace()).isEqualTo(e.getStackTrace());

    IllegalArgumentException harmless = new IllegalArgumentException("nothing secret");
    assertThat(s.scrub(harmless)).isSameAs(harmless);
  }

  @Test
  void secretsAddedLaterAreScrubbedFromThenOn() {
    SecretScrubber s = new SecretScrubber();
    String virtualKey = "vk-live-000111222333444";
    assertThat(s.scrub("uses " + virtualKey)).contains(virtualKey);
    s.add(virtualKey);
    assertThat(s.scrub("uses " + virtualKey)).isEqualTo("uses vk-...3444");
  }

  // ---- the provider wrapper

  @Test
  void theWrapperScrubsFailedFuturesSynchronousThrowsAndStreamFailures() {
    SecretScrubber s = new SecretScrubber();
    s.add(LONG_KEY);
    AtomicReference<Handler<GatewayException>> streamFailure = new AtomicReference<>();
    ChatStream stream = new ChatStream() {
      @Override public ChatStream handler(Handler<ChatChunk> h) { return this; }
      @Override public ChatStream endHandler(Handler<Void> h) { return this; }
      @Override public ChatStream exceptionHandler(Handler<GatewayException> h) { streamFailure.set(h); return this; }
      @Override public ChatStream pause() { return this; }
      @Override public ChatStream resume() { return this; }
      @Override public void cancel() { }
    };
    LlmClient leaky = new LlmClient() {
      @Override
      public Future<ChatResult> chatCompletion(String provider, String model, ObjectNode request) {
        if (model.equals("throws")) throw new IllegalStateException("bad key " + LONG_KEY);
        return Future.failedFuture(new RuntimeException("custom client saw " + LONG_KEY));
      }

      @Override
      public Future<ChatStream> streamChatCompletion(String provider, String model, ObjectNode request) {
        if (model.equals("rejected")) {
          return Future.failedFuture(new GatewayException.UpstreamRejected(401, "authentication_error", null, LONG_KEY, LONG_KEY));
        }
        return Future.succeededFuture(stream);
      }
    };
    LlmClient client = new ScrubbingLlmClient(leaky, s);
    ObjectNode req = Json.object();

    Throwable failed = client.chatCompletion("p", "m", req).cause();
    assertThat(failed).hasMessage("java.lang.RuntimeException: custom client saw sk-...0042");
    assertThatThrownBy(() -> client.chatCompletion("p", "throws", req))
        .hasMessage("java.lang.IllegalStateException: bad key sk-...0042");

    GatewayException rejected = (GatewayException) client.streamChatCompletion("p", "rejected", req).cause();
    assertThat(rejected.status()).isEqualTo(401);
    assertThat(List.of(rejected.getMessage(), rejected.param())).containsExactly("sk-...0042", "sk-...0042");

    ChatStream started = client.streamChatCompletion("p", "m", req).result();
    AtomicReference<GatewayException> seen = new AtomicReference<>();
    started.exceptionHandler(seen::set);
    streamFailure.get().handle(new GatewayException.ProviderFailure("upstream_stream_error", "event quoted " + LONG_KEY,
        200, false, null));
    assertThat(seen.get()).isInstanceOf(GatewayException.ProviderFailure.class).hasMessage("event quoted sk-...0042");

    assertThat(ScrubbingLlmClient.unwrap(client)).isSameAs(leaky);
  }
}
