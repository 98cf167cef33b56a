package io.recllm.gateway.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A finished non-streaming call: the OpenAI-shaped {@code chat.completion} body, the usage read from
 * it (or translated), and the upstream's own request id when it sent one.
 */
public record ChatResult(ObjectNode body, TokenUsage usage, String upstreamRequestId) {

  public String finishReason() {
    var choices = body.path("choices");
    return choices.isArray() && !choices.isEmpty() ? choices.get(0).path("finish_reason").asText(null) : null;
  }

  public String responseModel() {
    return body.path("model").asText(null);
  }
}
