package io.recllm.gateway.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Several keys per provider, on a clock the test moves. */
class KeyRingTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final KeyRing<String> ring = new KeyRing<>("openai", List.of("sk-test-fake-1", "sk-test-fake-2", "sk-test-fake-3"),
      Function.identity(), now::get);

  private List<String> take(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(ring.pick().headers());
    return out;
  }

  @Test
  void keysAreTakenInTurn() {
    assertThat(take(4)).containsExactly("sk-test-fake-1", "sk-test-fake-2", "sk-test-fake-3", "sk-test-fake-1");
  }

  @Test
  void aRefusedKeyIsNeverUsedAgain() {
    KeyRing.Key<String> second = keyFor("sk-test-fake-2");
    ring.answered(second, 401, -1);
    now.addAndGet(3_600_000_000_000L);
    assertThat(take(6)).doesNotContain("sk-test-fake-2");
    assertThat(ring.usable()).isEqualTo(2);
  }

  @Test
  void aRateLimitedKeyRestsForItsRetryAfterThenComesBack() {
    KeyRing.Key<String> third = keyFor("sk-test-fake-3");
    ring.answered(third, 429, 2_000_000_000L);
    assertThat(take(6)).doesNotContain("sk-test-fake-3");
    now.addAndGet(2_000_000_000L);
    assertThat(take(3)).contains("sk-test-fake-3");
  }

  @Test
  void whenEveryKeyRestsTheOneThatRestsShortestIsUsed() {
    ring.answered(keyFor("sk-test-fake-1"), 429, 5_000_000_000L);
    ring.answered(keyFor("sk-test-fake-2"), 429, 1_000_000_000L);
    ring.answered(keyFor("sk-test-fake-3"), 403, -1);
    assertThat(take(3)).containsOnly("sk-test-fake-2");
  }

  @Test
  void theKeysNeverAppearInItsDescription() {
    assertThat(ring.toString()).doesNotContain("sk-test");
  }

  @Test
  void retryAfterMsIsTakenAsAFractionOfASecond() {
    assertThat(UpstreamApi.retryAfter("1500", "2")).isEqualTo("1.5");
    assertThat(UpstreamApi.retryAfter("20", null)).isEqualTo("0.02");
    assertThat(UpstreamApi.retryAfter(null, "7")).isEqualTo("7");
    assertThat(UpstreamApi.retryAfter("soon", "7")).as("an unreadable retry-after-ms").isEqualTo("7");
  }

  private KeyRing.Key<String> keyFor(String key) {
    for (int i = 0; i < 3; i++) {
      KeyRing.Key<String> k = ring.pick();
      if (k.headers().equals(key)) return k;
    }
    throw new AssertionError(key);
  }
}
