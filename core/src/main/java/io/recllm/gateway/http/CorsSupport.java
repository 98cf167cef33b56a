package io.recllm.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * CORS for browser clients. Preflights from an allowed origin get the requested headers back
 * (authorization, content-type, the OpenAI SDKs' {@code x-stainless-*} family and whatever comes next),
 * since the origin is the gate and listing every SDK header would break with each SDK release.
 * A preflight from an origin that is not allowed gets no CORS headers, so the browser blocks the call.
 */
final class CorsSupport implements Handler<RoutingContext> {

  private static final String ALLOW_METHODS = "GET, POST, DELETE, OPTIONS"; // DELETE: /v1/responses/{id}
  private static final String DEFAULT_ALLOW_HEADERS =
      "authorization, content-type, x-request-id, openai-organization, openai-project, openai-beta, "
          + "x-stainless-arch, x-stainless-lang, x-stainless-os, x-stainless-package-version, x-stainless-retry-count, "
          + "x-stainless-runtime, x-stainless-runtime-version, x-stainless-timeout";
  private static final String EXPOSE_HEADERS = "x-request-id, retry-after";

  private final boolean anyOrigin;
  private final Set<String> origins;

  CorsSupport(List<String> allowedOrigins) {
    this.anyOrigin = allowedOrigins.contains("*");
    this.origins = Set.copyOf(allowedOrigins.stream().map(o -> stripSlash(o).toLowerCase(Locale.ROOT)).toList());
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String origin = req.getHeader("origin");
    if (origin == null) {
      ctx.next();
      return;
    }
    boolean allowed = anyOrigin || origins.contains(stripSlash(origin).toLowerCase(Locale.ROOT));
    boolean preflight = req.method() == HttpMethod.OPTIONS && req.getHeader("access-control-request-method") != null;
    HttpServerResponse resp = ctx.response();
    if (!anyOrigin) resp.putHeader("vary", "Origin");
    if (!allowed) {
      if (preflight) resp.setStatusCode(403).end();
      else ctx.next(); // the browser refuses the answer without CORS headers; non-browser clients are unaffected
      return;
    }
    resp.putHeader("access-control-allow-origin", anyOrigin ? "*" : origin);
    if (preflight) {
      String requested = req.getHeader("access-control-request-headers");
      resp.putHeader("access-control-allow-methods", ALLOW_METHODS)
          .putHeader("access-control-allow-headers", requested != null && !requested.isBlank() ? requested : DEFAULT_ALLOW_HEADERS)
          .putHeader("access-control-max-age", "600")
          .setStatusCode(204)
          .end();
      return;
    }
    resp.putHeader("access-control-expose-headers", EXPOSE_HEADERS);
    ctx.next();
  }

  private static String stripSlash(String origin) {
    return origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin;
  }
}
