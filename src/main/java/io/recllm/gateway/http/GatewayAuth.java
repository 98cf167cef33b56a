package io.recllm.gateway.http;

import io.recllm.gateway.error.GatewayException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The gateway key check. Keys are compared as SHA-256 digests with {@link MessageDigest#isEqual}, so
 * neither content nor length leaks through timing. The client's key is never passed upstream: adapters
 * build their own headers from the provider's configured key.
 */
final class GatewayAuth implements Handler<RoutingContext> {

  private final byte[] expectedDigest;

  GatewayAuth(String key) {
    this.expectedDigest = sha256(key);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("authorization");
    String presented = null;
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) presented = header.substring(7).trim();
    if (presented == null) {
      String alt = ctx.request().getHeader("x-api-key"); // Anthropic-style clients
      if (alt != null) presented = alt.trim();
    }
    if (presented == null || presented.isEmpty()) {
      refuse(ctx, new GatewayException.AuthenticationFailed(
          "Missing gateway API key: send it as 'Authorization: Bearer <key>'"));
      return;
    }
    if (!MessageDigest.isEqual(expectedDigest, sha256(presented))) {
      refuse(ctx, new GatewayException.AuthenticationFailed("Incorrect gateway API key provided"));
      return;
    }
    ctx.next();
  }

  /** Anthropic's SDKs read only Anthropic's error shape: their route gets it. */
  private static void refuse(RoutingContext ctx, GatewayException e) {
    if (ctx.request().path().startsWith("/v1/messages")) MessagesErrors.send(ctx.response(), e);
    else ErrorResponses.send(ctx.response(), e);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
