package io.recllm.gateway.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.TreeSet;

/**
 * The methods a path accepts, read from the router's own routes when it answers 405, so that the
 * {@code Allow} header cannot drift from what is mounted (chat, models, usage, dashboard, metrics ...).
 */
final class AllowedMethods {

  private AllowedMethods() {}

  static List<String> of(Router router, RoutingContext ctx) {
    String path = ctx.normalizedPath();
    TreeSet<String> allowed = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      if (route.methods() == null || route.methods().isEmpty() || !matches(route, path)) continue;
      for (HttpMethod m : route.methods()) allowed.add(m.name());
    }
    return List.copyOf(allowed);
  }

  private static boolean matches(Route route, String path) {
    String p = route.getPath();
    if (p == null || route.isRegexPath()) return false;
    if (route.isExactPath()) return p.equals(path);
    // "/dashboard/*" is stored as "/dashboard/" and also serves "/dashboard"
    return path.startsWith(p) || (p.endsWith("/") && path.equals(p.substring(0, p.length() - 1)));
  }
}
