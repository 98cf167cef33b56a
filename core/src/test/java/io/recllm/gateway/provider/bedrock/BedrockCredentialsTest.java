package io.recllm.gateway.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.error.GatewayException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** Credentials are looked up on a worker thread, never on the event loop, and reused until near expiry. */
class BedrockCredentialsTest {

  static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A provider that blocks, as the default chain may (files, STS, instance metadata), and says where it ran. */
  static final class SlowProvider implements AwsCredentialsProvider {
    final List<String> threads = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();
    volatile Instant expiry;

    @Override
    public software.amazon.awssdk.auth.credentials.AwsCredentials resolveCredentials() {
      threads.add(Thread.currentThread().getName());
      int n = calls.incrementAndGet();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return AwsSessionCredentials.builder().accessKeyId("AKIDFAKE" + n).secretAccessKey("fake-secret")
          .sessionToken("fake-token").expirationTime(expiry).build();
    }
  }

  @Test
  void resolvedOffTheEventLoopOnceForConcurrentCallsAndOnTheCallersLoop() throws Exception {
    SlowProvider provider = new SlowProvider();
    provider.expiry = Instant.now().plus(Duration.ofHours(1));
    BedrockCredentials credentials = new BedrockCredentials(vertx, "bedrock", provider, Clock.systemUTC());
    Context loop = vertx.getOrCreateContext();
    AtomicReference<String> completedOn = new AtomicReference<>();
    List<Future<AwsCredentialsIdentity>> calls = new CopyOnWriteArrayList<>();
    AtomicReference<String> caller = new AtomicReference<>();
    loop.runOnContext(v -> {
      caller.set(Thread.currentThread().getName());
      Future<AwsCredentialsIdentity> first = credentials.get();
      first.onComplete(ar -> completedOn.set(Thread.currentThread().getName()));
      calls.add(first);
      for (int i = 1; i < 5; i++) calls.add(credentials.get());
    });
    while (calls.size() < 5) Thread.sleep(5);
    for (Future<AwsCredentialsIdentity> f : calls) assertThat(f.await(10, TimeUnit.SECONDS).accessKeyId()).isEqualTo("AKIDFAKE1");
    assertThat(provider.calls).hasValue(1);
    assertThat(provider.threads).allSatisfy(t -> assertThat(t).contains("worker").doesNotContain("eventloop"));
    assertThat(completedOn.get()).isEqualTo(caller.get());
    assertThat(credentials.get().await(1, TimeUnit.SECONDS).accessKeyId()).as("cached").isEqualTo("AKIDFAKE1");
    assertThat(provider.calls).hasValue(1);
  }

  @Test
  void refreshedShortlyBeforeTheyExpire() throws Exception {
    SlowProvider provider = new SlowProvider();
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    provider.expiry = now.plus(Duration.ofMinutes(30));
    AtomicReference<Clock> clock = new AtomicReference<>(Clock.fixed(now, ZoneOffset.UTC));
    Clock moving = new Clock() {
      @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
      @Override public Instant instant() { return clock.get().instant(); }
    };
    BedrockCredentials credentials = new BedrockCredentials(vertx, "bedrock", provider, moving);
    assertThat(credentials.get().await(10, TimeUnit.SECONDS).accessKeyId()).isEqualTo("AKIDFAKE1");
    clock.set(Clock.fixed(now.plus(Duration.ofMinutes(20)), ZoneOffset.UTC));
    assertThat(credentials.get().await(10, TimeUnit.SECONDS).accessKeyId()).isEqualTo("AKIDFAKE1");
    clock.set(Clock.fixed(now.plus(Duration.ofMinutes(26)), ZoneOffset.UTC)); // within 5 minutes of expiry
    credentials.get().await(10, TimeUnit.SECONDS); // still valid: may answer with the old ones while refreshing
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (provider.calls.get() < 2 && System.nanoTime() < deadline) Thread.sleep(5);
    assertThat(provider.calls).hasValue(2);
    clock.set(Clock.fixed(now.plus(Duration.ofMinutes(31)), ZoneOffset.UTC));
    provider.expiry = now.plus(Duration.ofHours(2));
    String key = credentials.get().await(10, TimeUnit.SECONDS).accessKeyId();
    assertThat(key).isIn("AKIDFAKE2", "AKIDFAKE3");
  }

  @Test
  void noCredentialsAnywhereIsAClearProviderFailure() {
    AwsCredentialsProvider none = () -> {
      throw SdkClientException.create("Unable to load credentials from any of the providers in the chain");
    };
    BedrockCredentials credentials = new BedrockCredentials(vertx, "aws", none, Clock.systemUTC());
    try {
      credentials.get().await(10, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure");
    } catch (GatewayException e) {
      assertThat(e.code()).isEqualTo("missing_aws_credentials");
      assertThat(e.status()).isEqualTo(500);
      assertThat(e.getMessage()).contains("provider \"aws\"").contains("AWS_ACCESS_KEY_ID").contains("Unable to load credentials");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
