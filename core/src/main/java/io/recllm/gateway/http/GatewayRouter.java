package io.recllm.gateway.http;

import io.recllm.gateway.config.ProviderConfig;
import io.recllm.gateway.core.Endpoint;
import io.recllm.gateway.core.GatewayVersion;
import io.recllm.gateway.dashboard.DashboardRoutes;
import io.recllm.gateway.error.GatewayException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;

/** All routes of the gateway, in the order a request meets them: request id, CORS, health, auth, API. */
public final class GatewayRouter {

  private GatewayRouter() {}

  public static Router create(Vertx vertx, GatewayServices services) {
    Router router = Router.router(vertx);
    router.route().handler(RequestIds::assign);
    router.route().handler(new CorsSupport(services.config().corsAllowedOrigins()));
    Drain drain = services.drain();
    router.route().handler(drain::closeConnectionsWhileStopping);
    router.route().handler(drain::refuseWhileStopping);
    router.get("/health").handler(ctx -> health(ctx, drain));
    router.get("/ready").handler(ctx -> ready(ctx, services));
    DashboardRoutes.mount(router);
    services.telemetry().mountMetrics(router, false); // open like /health unless telemetry.metrics_auth
    GatewayAuth auth = new GatewayAuth(services.config().apiKey(), services.keys());
    if (services.keys() != null && services.keys().keys().adminEnabled()) {
      AdminKeysHandler.mount(router, services.keys().keys(), auth);
    }
    if (services.config().authEnabled() || services.keys() != null) {
      router.route().handler(auth);
    }
    services.telemetry().mountMetrics(router, true);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(services.config().maxBodyBytes());
    Handler<RoutingContext> readBody = ctx -> {
      body.handle(ctx);
      // A client gone mid-body (or closed by limits.body_timeout_ms) is nobody's error, yet the body handler
      // would report it as an unhandled failure with a stack trace.
      if (!ctx.request().isEnded()) {
        ctx.request().exceptionHandler(t -> {
          if (!(t instanceof HttpClosedException)) ctx.fail(t);
        });
      }
    };
    ChatCompletionsHandler chat = new ChatCompletionsHandler(services);
    ChatCompletionsHandler embeddings = new ChatCompletionsHandler(services, Endpoint.EMBEDDINGS);
    ChatCompletionsHandler completions = new ChatCompletionsHandler(services, Endpoint.COMPLETIONS);
    ChatCompletionsHandler responses = new ChatCompletionsHandler(services, Endpoint.RESPONSES);
    ModelsHandler models = new ModelsHandler(services.config().providers().values(),
        (name, type) -> services.pricing().knownModels(type), services.resilience().routes().keySet());
    for (String prefix : List.of("/v1", "")) { // some clients put the base URL without /v1
      router.post(prefix + "/chat/completions").handler(drain::admit); // before the body is read
      router.post(prefix + "/chat/completions").handler(readBody).handler(chat);
      router.post(prefix + "/embeddings").handler(drain::admit);
      router.post(prefix + "/embeddings").handler(readBody).handler(embeddings);
      router.post(prefix + "/completions").handler(drain::admit);
      router.post(prefix + "/completions").handler(readBody).handler(completions);
      router.post(prefix + "/responses").handler(drain::admit);
      router.post(prefix + "/responses").handler(readBody).handler(responses);
      router.get(prefix + "/models").handler(models);
    }
    StoredResponsesHandler stored = new StoredResponsesHandler(services);
    router.get("/v1/responses/:id").handler(stored::retrieve);
    router.delete("/v1/responses/:id").handler(stored::delete);
    router.get("/v1/responses/:id/input_items").handler(stored::inputItems);
    router.post("/v1/responses/:id/cancel").handler(stored::cancel);
    MessagesHandler messages = new MessagesHandler(services);
    router.post("/v1/messages").handler(drain::admit);
    router.post("/v1/messages").handler(readBody).handler(messages);
    router.post("/v1/messages/count_tokens").handler(readBody).handler(messages::countTokens);
    UsageHandler usage = new UsageHandler(services.usage(), services.keys());
    router.get("/v1/usage").handler(usage::summary);
    router.get("/v1/usage/requests").handler(usage::requests);
    // provider health for the dashboard: circuit state, error rate, latency EWMA, retries and fallbacks
    router.get("/v1/usage/providers").handler(ctx -> ctx.response().putHeader("content-type", "application/json")
        .end(services.resilience().health().toJson().toString()));

    router.errorHandler(404, ctx -> ErrorResponses.send(ctx.response(), new GatewayException.NotFound("unknown_url",
        "Unknown request URL: " + ctx.request().method() + " " + ctx.request().path()
            + ". The gateway serves POST /v1/chat/completions, POST /v1/embeddings, POST /v1/completions, POST /v1/responses (and GET/DELETE /v1/responses/{id}), POST /v1/messages, GET /v1/models, GET /v1/usage, GET /v1/usage/requests"
            + ", GET /v1/usage/providers"
            + ", GET /dashboard, GET /metrics, GET /health and GET /ready.", 0)));
    router.errorHandler(405, ctx -> ErrorResponses.send(ctx.response(), new GatewayException.MethodNotAllowed(
        ctx.request().method().name(), ctx.request().path(), AllowedMethods.of(router, ctx))));
    router.errorHandler(413, ctx -> ErrorResponses.send(ctx.response(),
        new GatewayException.PayloadTooLarge(services.config().maxBodyBytes())));
    router.errorHandler(500, GatewayRouter::internalError);
    return router;
  }

  /** Liveness: 200 {@code {"status":"ok","version":...}} while serving; 503 from the start of a stop. */
  private static void health(RoutingContext ctx, Drain drain) {
    JsonObject body = new JsonObject().put("status", drain.stopping() ? "stopping" : "ok")
        .put("version", GatewayVersion.current());
    ctx.response().setStatusCode(drain.stopping() ? 503 : 200).putHeader("content-type", "application/json")
        .end(body.encode());
  }

  /**
   * Readiness: the usage store is open and at least one provider can be called (it has its key, or needs
   * none). Providers that lack their key are listed with the variable to set, but do not make the gateway
   * unready: the others still serve. A usage store whose writes fail (a database down) does not either,
   * since calls are still answered and their records wait in the queue; taking every replica out of a
   * load balancer because a shared database is down would turn a recording outage into a full one.
   */
  private static void ready(RoutingContext ctx, GatewayServices services) {
    JsonArray usable = new JsonArray();
    JsonObject missingKey = new JsonObject();
    for (ProviderConfig p : services.config().providers().values()) {
      if (p.requiresKey() && !p.hasKey()) missingKey.put(p.name(), p.apiKeyEnv());
      else usable.add(p.name());
    }
    boolean storeOpen = services.usage().isOpen();
    String status = services.drain().stopping() ? "stopping" : storeOpen && !usable.isEmpty() ? "ready" : "not_ready";
    JsonObject body = new JsonObject().put("status", status).put("version", GatewayVersion.current())
        .put("store", new JsonObject().put("location", services.usage().store()).put("open", storeOpen))
        .put("providers", new JsonObject().put("usable", usable).put("missing_key", missingKey));
    ctx.response().setStatusCode("ready".equals(status) ? 200 : 503).putHeader("content-type", "application/json")
        .end(body.encode());
  }

  private static void internalError(RoutingContext ctx) {
    ErrorResponses.send(ctx.response(), ErrorResponses.wrap(ctx.failure() != null ? ctx.failure()
        : new IllegalStateException("request failed without a cause")));
  }

}
