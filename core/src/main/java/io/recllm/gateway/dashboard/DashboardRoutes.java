package io.recllm.gateway.dashboard;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * {@code GET /dashboard}: the usage page and its assets, all from the jar (uPlot from its WebJar), so it
 * works offline. The page itself holds no data; it reads {@code /v1/usage}, which the gateway key
 * protects, and asks for the key when one is needed. That is why these routes come before the auth check.
 */
public final class DashboardRoutes {

  /** Keep in step with the org.webjars.npm:uplot version in pom.xml. */
  static final String UPLOT_ASSETS = "META-INF/resources/webjars/uplot/1.6.30/dist";

  private DashboardRoutes() {}

  public static void mount(Router router) {
    // relative redirect: right both at /dashboard and under an application's mount prefix
    router.get("/dashboard").handler(ctx -> {
      if (ctx.request().path().endsWith("/")) ctx.next(); // Vert.x matches /dashboard/ here too
      else ctx.redirect("dashboard/");
    });
    router.get("/dashboard/vendor/uplot/*").handler(StaticHandler.create(UPLOT_ASSETS).setCachingEnabled(true));
    router.get("/dashboard/*").handler(StaticHandler.create("dashboard").setIndexPage("index.html")
        .setCachingEnabled(false)); // a new gateway version must not be served old page code
  }
}
