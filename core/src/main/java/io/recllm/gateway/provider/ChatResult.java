package io.recllm.gateway.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.core.TokenUsage;
import io.vertx.core.buffer.Buffer;

/**
 * A finished non-streaming call: the OpenAI-shaped {@code chat.completion} body, the usage read from
 * it (or translated), and the upstream's own request id when it sent one. {@code raw}, when not null,
 * is the upstream's exact JSON text of {@code body}: the gateway then answers with those bytes instead
 * of serialising the tree again. Whoever changes {@code body} must drop {@code raw}.
 */
public record ChatResult(ObjectNode body, TokenUsage usage, String upstreamRequestId, Buffer raw) {

  public ChatResult(ObjectNode body, TokenUsage usage, String upstreamRequestId) {
    this(body, usage, upstreamRequestId, null);
  }

  public String finishReason() {
    var choices = body.path("choices");
    return choices.isArray() && !choices.isEmpty() ? choices.get(0).path("finish_reason").asText(null) : null;
  }

  public String responseModel() {
    return body.path("model").asText(null);
  }
}
