package io.recllm.gateway.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a {@link GatewayException} becomes what a client sees: an HTTP status with
 * OpenAI's error JSON, or, once a stream has started, an SSE {@code data: {"error":...}} event.
 */
public final class ErrorResponses {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

  private ErrorResponses() {}

  public static ObjectNode body(GatewayException e) {
    ObjectNode root = Json.object();
    ObjectNode error = root.putObject("error");
    error.put("message", e.getMessage());
    error.put("type", e.type());
    if (e.param() == null) error.putNull("param"); else error.put("param", e.param());
    if (e.code() == null) error.putNull("code"); else error.put("code", e.code());
    return root;
  }

  public static void send(HttpServerResponse response, GatewayException e) {
    log(e);
    if (response.headWritten() || response.ended() || response.closed()) return;
    response.setStatusCode(e.status());
    response.putHeader("content-type", "application/json");
    if (e.retryAfter() != null) response.putHeader("retry-after", wholeSeconds(e.retryAfter()));
    if (e instanceof GatewayException.MethodNotAllowed m) response.putHeader("allow", m.allow());
    response.end(Buffer.buffer(body(e).toString()));
  }

  /** {@code retry-after} in whole seconds, rounded up: an upstream's {@code retry-after-ms} arrives as a fraction. */
  static String wholeSeconds(String retryAfter) {
    int dot = retryAfter.indexOf('.');
    if (dot < 0 || !retryAfter.matches("\\d+\\.\\d+")) return retryAfter;
    long whole = Long.parseLong(retryAfter.substring(0, dot));
    return String.valueOf(retryAfter.substring(dot + 1).matches("0+") ? whole : whole + 1);
  }

  /** The SSE event for a failure after the stream's first byte. */
  public static Buffer sseEvent(GatewayException e) {
    log(e);
    return Buffer.buffer("data: " + body(e) + "\n\n");
  }

  /** Anything that is not already a gateway error is a bug: log it whole, tell the client little. */
  public static GatewayException wrap(Throwable t) {
    if (t instanceof GatewayException g) return g;
    LOG.error("Unexpected failure", t);
    return new GatewayException.Internal("The gateway failed unexpectedly; see its log", t);
  }

  private static void log(GatewayException e) {
    if (e.status() >= 500 && !(e instanceof GatewayException.LimitsUnavailable) && LOG.isWarnEnabled()) {
      LOG.warn("{} {} provider={} model={}: {}", e.status(), e.type(), e.provider(), e.model(), e.getMessage());
    } else if (LOG.isDebugEnabled()) {
      LOG.debug("{} {} provider={} model={}: {}", e.status(), e.type(), e.provider(), e.model(), e.getMessage());
    }
  }
}
