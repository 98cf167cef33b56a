package io.recllm.gateway.provider.bedrock;

import io.recllm.gateway.error.GatewayException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * AWS credentials for signing, resolved off the event loop and cached. The default chain (environment,
 * profile files, web identity, container and instance metadata) reads files and may call STS or the
 * metadata service, so {@link AwsCredentialsProvider#resolveCredentials()} runs on a worker thread; the
 * result is reused until shortly before it expires (credentials without an expiry are looked up again
 * every {@link #REUSE_WITHOUT_EXPIRY}, which picks up a rotated profile file). Concurrent calls share one
 * lookup, and credentials still valid are used while a refresh is under way. Thread-safe.
 */
final class BedrockCredentials {

  static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofMinutes(5);
  static final Duration REUSE_WITHOUT_EXPIRY = Duration.ofMinutes(10);

  private record Cached(AwsCredentialsIdentity identity, Instant refreshAfter, Instant expiresAt) {}

  private final Vertx vertx;
  private final String providerName;
  private final AwsCredentialsProvider provider;
  private final Clock clock;
  private volatile Cached cached;
  private Future<AwsCredentialsIdentity> pending; // guarded by this

  BedrockCredentials(Vertx vertx, String providerName, AwsCredentialsProvider provider, Clock clock) {
    this.vertx = vertx;
    this.providerName = providerName;
    this.provider = provider;
    this.clock = clock;
  }

  static BedrockCredentials of(Vertx vertx, String providerName, BedrockSettings settings) {
    AwsCredentialsProvider provider;
    if (settings.explicitCredentials()) {
      provider = StaticCredentialsProvider.create(settings.sessionToken() != null
          ? AwsSessionCredentials.create(settings.accessKeyId(), settings.secretAccessKey(), settings.sessionToken())
          : AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey()));
    } else {
      provider = DefaultCredentialsProvider.builder().build();
    }
    return new BedrockCredentials(vertx, providerName, provider, Clock.systemUTC());
  }

  /** Credentials to sign with; completes on the caller's context. */
  Future<AwsCredentialsIdentity> get() {
    Instant now = clock.instant();
    Cached c = cached;
    if (c != null && now.isBefore(c.refreshAfter)) return Future.succeededFuture(c.identity);
    Future<AwsCredentialsIdentity> lookup;
    synchronized (this) {
      lookup = pending;
      if (lookup == null) {
        Future<AwsCredentialsIdentity> started = vertx.executeBlocking(this::resolve, false);
        lookup = started;
        pending = started;
        // a lookup that is already complete runs this at once, before pending could be read again
        started.onComplete(ar -> {
          synchronized (this) {
            if (pending == started) pending = null;
          }
        });
      }
    }
    if (c != null && now.isBefore(c.expiresAt)) return Future.succeededFuture(c.identity);
    Context caller = Vertx.currentContext();
    if (caller == null) return lookup;
    // the lookup completes on the context that started it; a call belongs to its own event loop
    Promise<AwsCredentialsIdentity> onCaller = Promise.promise();
    lookup.onComplete(ar -> caller.runOnContext(v -> onCaller.handle(ar)));
    return onCaller.future();
  }

  private AwsCredentialsIdentity resolve() {
    AwsCredentialsIdentity identity;
    try {
      identity = provider.resolveCredentials();
    } catch (RuntimeException e) {
      throw new GatewayException.ProviderFailure("missing_aws_credentials", "No AWS credentials for provider \""
          + providerName + "\": set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, a web identity"
          + " token, or access_key_id and secret_access_key in its config (" + e.getMessage() + ")", 0, false, null);
    }
    Instant now = clock.instant();
    Instant expiry = identity.expirationTime().orElse(null);
    Instant refreshAfter = expiry != null ? expiry.minus(REFRESH_BEFORE_EXPIRY) : now.plus(REUSE_WITHOUT_EXPIRY);
    cached = new Cached(identity, refreshAfter, expiry != null ? expiry : Instant.MAX);
    return identity;
  }
}
