package io.recllm.gateway.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.error.GatewayException;
import io.recllm.gateway.json.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Errors on the Anthropic-compatible routes in Anthropic's shape, so its SDKs raise their own
 * exceptions: {@code {"type":"error","error":{"type":"invalid_request_error","message":...}}}, with the
 * same status the OpenAI-shaped answer would have; on a started stream, an {@code event: error}.
 */
final class MessagesErrors {

  private MessagesErrors() {}

  static ObjectNode body(GatewayException e) {
    ObjectNode root = Json.object().put("type", "error");
    root.putObject("error").put("type", type(e.status())).put("message", e.getMessage());
    return root;
  }

  static void send(HttpServerResponse response, GatewayException e) {
    if (response.headWritten() || response.ended() || response.closed()) return;
    response.setStatusCode(e.status());
    response.putHeader("content-type", "application/json");
    if (e.retryAfter() != null) response.putHeader("retry-after", e.retryAfter());
    response.end(Buffer.buffer(body(e).toString()));
  }

  static Buffer sseEvent(GatewayException e) {
    return Buffer.buffer("event: error\ndata: " + body(e) + "\n\n");
  }

  /** Anthropic's error types by status (https://docs.anthropic.com/en/api/errors). */
  static String type(int status) {
    return switch (status) {
      case 400, 405, 422 -> "invalid_request_error";
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      case 503, 529 -> "overloaded_error";
      case 504 -> "timeout_error";
      default -> "api_error";
    };
  }
}
