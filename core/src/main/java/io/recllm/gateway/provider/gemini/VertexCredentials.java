package io.recllm.gateway.provider.gemini;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import io.recllm.gateway.error.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * OAuth2 access tokens for Vertex AI, from a service-account JSON (or Application Default
 * Credentials), with google-auth-library. Fetching a token is blocking HTTP, so it runs on a worker
 * thread; the token is reused until {@link #REFRESH_BEFORE} before it expires, and calls arriving
 * while a fetch is under way wait for that one fetch.
 */
final class VertexCredentials {

  static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
  /** Refresh this long before expiry, so no call goes out with a token about to lapse. */
  static final Duration REFRESH_BEFORE = Duration.ofMinutes(5);

  private final Vertx vertx;
  private final String provider;
  private volatile GoogleCredentials credentials;
  private final AtomicReference<Future<String>> fetching = new AtomicReference<>();
  private volatile AccessToken token;

  VertexCredentials(Vertx vertx, String provider, GoogleCredentials credentials) {
    this.vertx = vertx;
    this.provider = provider;
    this.credentials = credentials;
  }

  /**
   * Reads the service-account file now (a bad file stops the start); with no file, Application
   * Default Credentials are looked up on the first call, off the event loop.
   */
  static VertexCredentials load(Vertx vertx, String provider, String credentialsFile) {
    if (credentialsFile == null) return new VertexCredentials(vertx, provider, null);
    try (InputStream in = Files.newInputStream(Path.of(credentialsFile))) {
      return new VertexCredentials(vertx, provider, ServiceAccountCredentials.fromStream(in).createScoped(List.of(SCOPE)));
    } catch (IOException e) {
      throw new UncheckedIOException("provider \"" + provider + "\": cannot read the service account in \""
          + credentialsFile + "\": " + e.getMessage(), e);
    }
  }

  /** The {@code Authorization} header value for the next call. */
  Future<String> authorization() {
    AccessToken t = token;
    if (fresh(t)) return Future.succeededFuture("Bearer " + t.getTokenValue());
    Future<String> running = fetching.get();
    if (running != null) return running;
    Future<String> fetch = vertx.executeBlocking(this::fetch, false);
    if (!fetching.compareAndSet(null, fetch)) return fetching.get() != null ? fetching.get() : fetch;
    fetch.onComplete(ar -> fetching.set(null));
    return fetch;
  }

  private String fetch() {
    try {
      GoogleCredentials c = credentials;
      if (c == null) credentials = c = GoogleCredentials.getApplicationDefault().createScoped(List.of(SCOPE));
      // only called when the token in hand is not fresh by our margin, which is wider than the library's
      c.refresh();
      AccessToken t = c.getAccessToken();
      if (t == null) throw new IOException("no access token was issued");
      token = t;
      return "Bearer " + t.getTokenValue();
    } catch (IOException | RuntimeException e) {
      throw new GatewayException.ProviderFailure("vertex_auth_failed", "Provider \"" + provider
          + "\" could not get a Vertex AI access token: " + e.getMessage(), 0, true, e);
    }
  }

  private static boolean fresh(AccessToken t) {
    if (t == null) return false;
    if (t.getExpirationTime() == null) return true; // a token without expiry stays valid
    return t.getExpirationTime().getTime() - System.currentTimeMillis() > REFRESH_BEFORE.toMillis();
  }
}
