package io.recllm.gateway.provider;

import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY as curl and most SDKs read them (upper or lower case), so the
 * gateway works unchanged behind a corporate proxy.
 */
public record ProxySettings(ProxyOptions proxy, List<String> nonProxyHosts) {

  public static ProxySettings forScheme(String scheme, Map<String, String> env) {
    String spec = "https".equals(scheme) ? first(env, "HTTPS_PROXY", "https_proxy") : first(env, "HTTP_PROXY", "http_proxy");
    if (spec == null || spec.isBlank()) return new ProxySettings(null, List.of());
    URI uri = URI.create(spec.contains("://") ? spec : "http://" + spec);
    ProxyOptions options = new ProxyOptions()
        .setType("socks5".equals(uri.getScheme()) || "socks5h".equals(uri.getScheme()) ? ProxyType.SOCKS5 : ProxyType.HTTP)
        .setHost(uri.getHost())
        .setPort(uri.getPort() > 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80));
    if (uri.getUserInfo() != null) {
      String[] parts = uri.getUserInfo().split(":", 2);
      options.setUsername(parts[0]);
      if (parts.length > 1) options.setPassword(parts[1]);
    }
    return new ProxySettings(options, nonProxyHosts(first(env, "NO_PROXY", "no_proxy")));
  }

  /** {@code example.com} and {@code .example.com} both cover the domain and its subdomains. */
  static List<String> nonProxyHosts(String noProxy) {
    List<String> hosts = new ArrayList<>();
    if (noProxy == null) return hosts;
    for (String raw : noProxy.split(",")) {
      String h = raw.trim();
      if (h.isEmpty()) continue;
      if (h.equals("*")) { hosts.add("*"); continue; }
      int colon = h.lastIndexOf(':');
      if (colon > 0 && h.indexOf(':') == colon) h = h.substring(0, colon); // drop a port
      if (h.startsWith(".")) h = h.substring(1);
      hosts.add(h);
      if (!h.startsWith("*.")) hosts.add("*." + h);
    }
    return hosts;
  }

  private static String first(Map<String, String> env, String a, String b) {
    String v = env.get(a);
    return v != null && !v.isBlank() ? v : env.get(b);
  }

  public boolean bypasses(String host) {
    for (String h : nonProxyHosts) {
      if (h.equals("*") || h.equals(host) || (h.startsWith("*.") && host.endsWith(h.substring(1)))) return true;
    }
    return false;
  }
}
