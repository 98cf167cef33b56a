package io.recllm.gateway.provider;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.json.Json;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A finished non-streaming call: the OpenAI-shaped {@code chat.completion} body, the usage read from
 * it (or translated), and the upstream's own request id when it sent one. {@code raw}, when not null,
 * is the upstream's exact JSON text of {@code body}: the gateway then answers with those bytes instead
 * of serialising the tree again. Whoever changes {@code body} must drop {@code raw}.
 *
 * <p>An answer made with {@link #ofRaw} is only scanned for the few facts the gateway needs (model,
 * finish reason, service tier, usage); its tree is built if someone asks for {@link #body()}, which
 * the gateway itself does only when it logs content.
 */
public final class ChatResult {

  private ObjectNode body;
  private final TokenUsage usage;
  private final String upstreamRequestId;
  private final Buffer raw;
  private final String responseModel;
  private final String finishReason;
  private final String serviceTier;

  public ChatResult(ObjectNode body, TokenUsage usage, String upstreamRequestId, Buffer raw) {
    this.body = body;
    this.usage = usage;
    this.upstreamRequestId = upstreamRequestId;
    this.raw = raw;
    this.responseModel = body.path("model").asText(null);
    JsonNode choices = body.path("choices");
    this.finishReason = choices.isArray() && !choices.isEmpty() ? choices.get(0).path("finish_reason").asText(null) : null;
    this.serviceTier = body.path("service_tier").asText(null);
  }

  public ChatResult(ObjectNode body, TokenUsage usage, String upstreamRequestId) {
    this(body, usage, upstreamRequestId, null);
  }

  private ChatResult(Buffer raw, String upstreamRequestId, String responseModel, String finishReason,
                     String serviceTier, TokenUsage usage) {
    this.raw = raw;
    this.upstreamRequestId = upstreamRequestId;
    this.responseModel = responseModel;
    this.finishReason = finishReason;
    this.serviceTier = serviceTier;
    this.usage = usage;
  }

  /**
   * An OpenAI {@code chat.completion} exactly as the upstream sent it.
   *
   * @throws IllegalArgumentException when the bytes are not a JSON object
   */
  public static ChatResult ofRaw(Buffer raw, String upstreamRequestId) {
    try (JsonParser p = Json.MAPPER.createParser(raw.getBytes())) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("not a JSON object");
      String model = null;
      String finish = null;
      String tier = null;
      JsonNode usage = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "model" -> model = t == JsonToken.VALUE_STRING ? p.getText() : skip(p);
          case "service_tier" -> tier = t == JsonToken.VALUE_STRING ? p.getText() : skip(p);
          case "usage" -> usage = t == JsonToken.START_OBJECT ? p.readValueAsTree() : skipNode(p);
          case "choices" -> {
            if (t == JsonToken.START_ARRAY) finish = firstFinishReason(p);
            else p.skipChildren();
          }
          default -> p.skipChildren();
        }
      }
      return new ChatResult(raw, upstreamRequestId, model, finish, tier, TokenUsage.fromOpenAi(usage));
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
  }

  private static String firstFinishReason(JsonParser p) throws IOException {
    String finish = null;
    boolean first = true;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
      if (first && t == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken v = p.nextToken();
          if (name.equals("finish_reason") && v == JsonToken.VALUE_STRING) finish = p.getText();
          else p.skipChildren();
        }
      } else {
        p.skipChildren();
      }
      first = false;
    }
    return finish;
  }

  private static String skip(JsonParser p) throws IOException {
    p.skipChildren();
    return null;
  }

  private static JsonNode skipNode(JsonParser p) throws IOException {
    p.skipChildren();
    return null;
  }

  /** The answer as a tree; for an answer made with {@link #ofRaw}, parsed on first use. */
  public ObjectNode body() {
    if (body == null) {
      try {
        body = (ObjectNode) Json.MAPPER.readTree(raw.getBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e); // ofRaw() already read it once
      }
    }
    return body;
  }

  public TokenUsage usage() {
    return usage;
  }

  public String upstreamRequestId() {
    return upstreamRequestId;
  }

  /** The upstream's exact bytes of {@link #body()}, or null when the body was built or changed here. */
  public Buffer raw() {
    return raw;
  }

  /** The first choice's finish reason, or null. */
  public String finishReason() {
    return finishReason;
  }

  public String responseModel() {
    return responseModel;
  }

  public String serviceTier() {
    return serviceTier;
  }

  @Override
  public String toString() {
    return "ChatResult[model=" + responseModel + ", finishReason=" + finishReason + ", usage=" + usage
        + ", upstreamRequestId=" + upstreamRequestId + "]";
  }
}
