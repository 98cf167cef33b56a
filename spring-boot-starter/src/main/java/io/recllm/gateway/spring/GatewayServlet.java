package io.recllm.gateway.spring;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.json.Json;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Set;

/**
 * The gateway's routes under the application's own server: each request under the mount path is passed
 * to the gateway's listener on the loopback address and its answer copied back as it comes, so a
 * streamed answer (server-sent events) reaches the client event by event. The gateway keeps every
 * behaviour of its own routes (authentication, limits, errors in OpenAI's format, usage, meters); the
 * price is one local hop, a fraction of a millisecond beside a model's answer.
 *
 * <p>Why not the gateway's Vert.x router inside the servlet container: the routes are written against
 * Vert.x's request and response (back-pressure, SSE, client disconnects), which a servlet request
 * cannot stand in for without re-implementing Vert.x's HTTP server.
 */
final class GatewayServlet extends HttpServlet {

  /** Hop-by-hop headers, and those Java's HTTP client sets itself and refuses to be given. */
  private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length", "expect",
      "date", "from", "via", "warning", "http2-settings");

  private final transient HttpClient http;
  private final String base;

  GatewayServlet(String host, int port) {
    String address = host.contains(":") ? "[" + host + "]" : host;
    if (address.equals("0.0.0.0")) address = "127.0.0.1";
    if (address.equals("[::]")) address = "[::1]";
    this.base = "http://" + address + ":" + port;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    // the raw (still percent-encoded) path after the mount path
    String path = req.getRequestURI().substring(req.getContextPath().length() + req.getServletPath().length());
    if (path.isEmpty()) path = "/";
    String query = req.getQueryString();
    URI target = URI.create(base + path + (query != null ? "?" + query : ""));
    byte[] body = req.getInputStream().readAllBytes(); // bounded by the gateway's own limits.max_body_bytes check
    HttpRequest.Builder forward = HttpRequest.newBuilder(target)
        .method(req.getMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    for (Enumeration<String> names = req.getHeaderNames(); names.hasMoreElements(); ) {
      String name = names.nextElement();
      if (NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) continue;
      for (Enumeration<String> values = req.getHeaders(name); values.hasMoreElements(); ) {
        forward.header(name, values.nextElement());
      }
    }
    HttpResponse<InputStream> answer;
    try {
      answer = http.send(forward.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      unavailable(resp, "the request was interrupted");
      return;
    } catch (IOException e) {
      unavailable(resp, "the gateway is not reachable: " + e.getMessage());
      return;
    }
    try (InputStream in = answer.body()) { // closing it early (client gone) cancels the call at the gateway
      resp.setStatus(answer.statusCode());
      answer.headers().map().forEach((name, values) -> {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith(":") || NOT_FORWARDED.contains(lower)) return;
        values.forEach(v -> resp.addHeader(name, v));
      });
      answer.headers().firstValueAsLong("content-length").ifPresent(resp::setContentLengthLong);
      boolean streamed = answer.headers().firstValue("content-type")
          .map(t -> t.toLowerCase(Locale.ROOT).startsWith("text/event-stream")).orElse(false);
      OutputStream out = resp.getOutputStream();
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        if (streamed) out.flush(); // each event as it arrives, not when the container's buffer fills
      }
    }
  }

  /** In OpenAI's error format, as the gateway's own errors are. */
  private static void unavailable(HttpServletResponse resp, String message) throws IOException {
    if (resp.isCommitted()) return;
    resp.setStatus(503);
    resp.setContentType("application/json");
    ObjectNode error = Json.object();
    error.putObject("error").put("message", message).put("type", "api_error").putNull("param")
        .put("code", "gateway_unavailable");
    resp.getOutputStream().write(Json.MAPPER.writeValueAsBytes(error));
  }

  /** The servlet mapping for a mount path: {@code /llm} and {@code /llm/} both become {@code /llm/*}. */
  static String mapping(String path) {
    String p = path == null ? "" : path.trim();
    while (p.endsWith("/")) p = p.substring(0, p.length() - 1);
    if (!p.isEmpty() && !p.startsWith("/")) p = "/" + p;
    return p + "/*";
  }
}
