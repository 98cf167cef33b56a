package io.recllm.gateway.cache;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.recllm.gateway.call.Call;
import io.recllm.gateway.call.Caller;
import io.recllm.gateway.json.Json;
import java.io.OutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cache key of a call: the SHA-256 of the canonical JSON (keys sorted at every level) of the target
 * provider and model, the caller's scope, and the body without the members that do not change the
 * answer (whether it is streamed, the end-user id, metadata). Two requests differing in anything else,
 * a message, a tool, a parameter, get different keys.
 */
final class CacheKey {

  /** Body members that change how the answer is delivered or recorded, not what it says. */
  private static final Set<String> IGNORED = Set.of("stream", "stream_options", "user", "metadata", "store", "model");

  private CacheKey() {}

  static String of(Call call, boolean shared) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JVM has SHA-256
    }
    // the canonical JSON goes straight into the digest as the generator flushes it: no copy of the body
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(new DigestOutputStream(OutputStream.nullOutputStream(), sha))) {
      g.writeStartObject();
      g.writeStringField("provider", call.target().provider());
      g.writeStringField("model", call.target().model());
      g.writeStringField("scope", shared ? "*" : scope(call.caller()));
      g.writeFieldName("body");
      g.writeStartObject();
      for (String name : sortedNames(call.body())) {
        if (IGNORED.contains(name)) continue;
        g.writeFieldName(name);
        canonical(call.body().get(name), g);
      }
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static String scope(Caller caller) {
    return caller.kind() + ":" + (caller.keyId() != null ? caller.keyId() : "");
  }

  private static List<String> sortedNames(JsonNode object) {
    List<String> names = new ArrayList<>(object.size());
    for (Map.Entry<String, JsonNode> e : object.properties()) names.add(e.getKey());
    Collections.sort(names);
    return names;
  }

  private static void canonical(JsonNode n, JsonGenerator g) throws IOException {
    if (n.isObject()) {
      g.writeStartObject();
      for (String name : sortedNames(n)) {
        g.writeFieldName(name);
        canonical(n.get(name), g);
      }
      g.writeEndObject();
    } else if (n.isArray()) {
      g.writeStartArray();
      for (JsonNode item : n) canonical(item, g);
      g.writeEndArray();
    } else if (n.isIntegralNumber() && n.canConvertToLong()) {
      g.writeNumber(n.longValue()); // the same text as the general case below, without a BigDecimal
    } else if (n.isNumber()) {
      g.writeNumber(n.decimalValue().stripTrailingZeros().toPlainString()); // 0, 0.0 and 0e0 are one value
    } else {
      g.writeTree(n);
    }
  }
}
