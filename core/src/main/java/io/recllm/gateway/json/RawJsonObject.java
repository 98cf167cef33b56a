package io.recllm.gateway.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A parsed client body that remembers the bytes it came from, so an adapter that would send the same
 * JSON upstream can send those bytes instead of serialising the tree again. Only valid while nobody
 * modifies the tree, which the {@code LlmClient} contract already forbids.
 */
public final class RawJsonObject extends ObjectNode {

  private static final long serialVersionUID = 1L;
  private final transient Buffer raw;

  private RawJsonObject(ObjectNode parsed, Map<String, com.fasterxml.jackson.databind.JsonNode> children, Buffer raw) {
    super(Json.MAPPER.getNodeFactory(), children);
    this.raw = raw;
  }

  public static RawJsonObject of(ObjectNode parsed, Buffer raw) {
    Map<String, com.fasterxml.jackson.databind.JsonNode> children = new LinkedHashMap<>(parsed.size() * 2);
    parsed.fields().forEachRemaining(e -> children.put(e.getKey(), e.getValue()));
    return new RawJsonObject(parsed, children, raw);
  }

  public Buffer raw() {
    return raw;
  }
}
