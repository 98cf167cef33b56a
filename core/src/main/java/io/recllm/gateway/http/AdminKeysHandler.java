package io.recllm.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.call.Caller;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.keys.KeySpec;
import io.recllm.gateway.keys.Keys;
import io.recllm.gateway.keys.VirtualKey;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.Callable;

/**
 * The admin API for virtual keys, behind {@code admin_key} only (the master key and virtual keys are
 * refused): {@code POST/GET /admin/keys}, {@code GET/PATCH/DELETE /admin/keys/{id}},
 * {@code POST /admin/keys/{id}/rotate}. A key's secret is in the answer of its creation and rotation only.
 * The store is written off the event loop.
 */
final class AdminKeysHandler {

  private final Keys keys;
  private final GatewayAuth clientAuth;

  private AdminKeysHandler(Keys keys, GatewayAuth clientAuth) {
    this.keys = keys;
    this.clientAuth = clientAuth;
  }

  static void mount(Router router, Keys keys, GatewayAuth clientAuth) {
    AdminKeysHandler admin = new AdminKeysHandler(keys, clientAuth);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(64 * 1024);
    router.route("/admin/*").handler(admin::authorize);
    router.post("/admin/keys").handler(body).handler(ctx -> admin.run(ctx, 201, () -> {
      return keys.create(json(ctx), AdminKeysHandler::invalid).toJson();
    }));
    router.get("/admin/keys").handler(ctx -> admin.run(ctx, 200, () -> {
      ObjectNode list = Json.object();
      list.put("object", "list");
      long now = System.currentTimeMillis();
      var data = list.putArray("data");
      for (VirtualKey k : keys.all()) data.add(KeySpec.toJson(k, now));
      return list;
    }));
    router.get("/admin/keys/:id").handler(ctx -> admin.run(ctx, 200, () -> {
      VirtualKey k = keys.byId(ctx.pathParam("id"));
      if (k == null) throw new GatewayException.NotFound("key_not_found", "No virtual key with id '" + ctx.pathParam("id") + "'", 0);
      return KeySpec.toJson(k, System.currentTimeMillis());
    }));
    router.patch("/admin/keys/:id").handler(body).handler(ctx -> admin.run(ctx, 200, () ->
        KeySpec.toJson(keys.update(ctx.pathParam("id"), json(ctx), AdminKeysHandler::invalid), System.currentTimeMillis())));
    router.delete("/admin/keys/:id").handler(ctx -> admin.run(ctx, 200, () ->
        KeySpec.toJson(keys.revoke(ctx.pathParam("id")), System.currentTimeMillis())));
    router.post("/admin/keys/:id/rotate").handler(ctx -> admin.run(ctx, 200, () -> keys.rotate(ctx.pathParam("id")).toJson()));
  }

  private void authorize(RoutingContext ctx) {
    String presented = GatewayAuth.presentedKey(ctx);
    if (presented != null && keys.isAdminKey(presented)) {
      ctx.next();
      return;
    }
    if (presented != null && isClientKey(presented)) {
      ErrorResponses.send(ctx.response(), new GatewayException.PermissionDenied("admin_key_required",
          "The admin API takes the admin key only, not a client key"));
      return;
    }
    ErrorResponses.send(ctx.response(), new GatewayException.AuthenticationFailed(
        presented == null ? "Missing admin key: send it as 'Authorization: Bearer <admin key>'" : "Incorrect admin key provided"));
  }

  private boolean isClientKey(String presented) {
    if (clientAuth.isMaster(presented)) return true;
    try {
      Caller c = keys.resolve(presented);
      return c != null;
    } catch (GatewayException revokedOrExpired) {
      return true;
    }
  }

  private void run(RoutingContext ctx, int status, Callable<ObjectNode> op) {
    ctx.vertx().executeBlocking(op, false).onComplete(ar -> {
      if (ar.failed()) {
        ErrorResponses.send(ctx.response(), ar.cause() instanceof IllegalStateException ise
            ? new GatewayException.Internal(ise.getMessage(), ise) : ErrorResponses.wrap(ar.cause()));
        return;
      }
      ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(ar.result().toString());
    });
  }


  private static JsonNode json(RoutingContext ctx) {
    try {
      return ctx.body().buffer() == null ? Json.object() : Json.MAPPER.readTree(ctx.body().buffer().getBytes());
    } catch (Exception e) {
      throw new GatewayException.InvalidRequest("invalid_json", null, "The request body is not valid JSON");
    }
  }

  private static RuntimeException invalid(String param, String message) {
    return new GatewayException.InvalidRequest("invalid_value", param, message);
  }
}
