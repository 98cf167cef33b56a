package io.recllm.gateway.http;

import io.recllm.gateway.call.Caller;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.keys.KeyServices;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The gateway key check: the master key ({@code api_key}) or, when keys are in use, a virtual key. Keys
 * are compared as SHA-256 digests with {@link MessageDigest#isEqual}, so neither content nor length leaks
 * through timing. The {@link Caller} found is kept on the request for the handlers. The client's key is
 * never passed upstream: adapters build their own headers from the provider's configured key.
 */
final class GatewayAuth implements Handler<RoutingContext> {

  private static final String CALLER = "rec-llm-gateway.caller";

  private final byte[] expectedDigest;
  private final KeyServices keys;

  GatewayAuth(String key, KeyServices keys) {
    this.expectedDigest = key == null || key.isEmpty() ? null : sha256(key);
    this.keys = keys;
  }

  /** Who made this request, as the auth handler found; anonymous when no key is configured. */
  static Caller caller(RoutingContext ctx) {
    Caller c = ctx.get(CALLER);
    return c != null ? c : Caller.ANONYMOUS;
  }

  /** The key a client sent: {@code Authorization: Bearer} or, from Anthropic-style clients, {@code x-api-key}. */
  static String presentedKey(RoutingContext ctx) {
    String header = ctx.request().getHeader("authorization");
    String presented = null;
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) presented = header.substring(7).trim();
    if (presented == null) {
      String alt = ctx.request().getHeader("x-api-key");
      if (alt != null) presented = alt.trim();
    }
    return presented == null || presented.isEmpty() ? null : presented;
  }

  boolean isMaster(String presented) {
    return expectedDigest != null && MessageDigest.isEqual(expectedDigest, sha256(presented));
  }

  @Override
  public void handle(RoutingContext ctx) {
    String presented = presentedKey(ctx);
    if (presented == null) {
      refuse(ctx, new GatewayException.AuthenticationFailed(
          "Missing gateway API key: send it as 'Authorization: Bearer <key>'"));
      return;
    }
    if (isMaster(presented)) {
      // without virtual keys nothing asks who called: the request stays as cheap as before keys existed
      if (keys != null) ctx.put(CALLER, Caller.MASTER);
      ctx.next();
      return;
    }
    Caller virtual;
    try {
      virtual = keys == null ? null : keys.keys().resolve(presented);
    } catch (GatewayException e) {
      refuse(ctx, e);
      return;
    }
    if (virtual == null) {
      refuse(ctx, new GatewayException.AuthenticationFailed("Incorrect gateway API key provided"));
      return;
    }
    ctx.put(CALLER, virtual);
    String id = virtual.keyId();
    ctx.addHeadersEndHandler(v -> keys.rateHeaders().accept(id, ctx.response().headers()));
    ctx.next();
  }

  /** Anthropic's SDKs read only Anthropic's error shape: their route gets it. */
  private static void refuse(RoutingContext ctx, GatewayException e) {
    if (ctx.request().path().startsWith("/v1/messages")) MessagesErrors.send(ctx.response(), e);
    else ErrorResponses.send(ctx.response(), e);
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
