package io.recllm.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recllm.gateway.json.Json;
import io.recllm.gateway.provider.ChatResult;
import io.vertx.core.buffer.Buffer;

/**
 * The bytes of a non-streaming answer. When the upstream's own bytes are at hand, the gateway's
 * {@code x_rec_llm} member is spliced in before the object's closing brace, which costs a copy instead
 * of a full serialisation of the answer.
 */
final class ResponseBodies {

  private ResponseBodies() {}

  /** @param extension the {@code x_rec_llm} object, or null to answer the body unchanged */
  static Buffer encode(ChatResult result, ObjectNode extension) throws JsonProcessingException {
    Buffer raw = result.raw();
    if (raw != null && (extension == null || !result.body().has("x_rec_llm"))) { // an upstream gateway's own: replaced below
      if (extension == null) return raw;
      int close = lastClosingBrace(raw);
      if (close > 0) {
        byte[] member = ("\"x_rec_llm\":" + extension).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        boolean empty = onlyWhitespaceBetweenBraces(raw, close);
        Buffer out = Buffer.buffer(raw.length() + member.length + 1);
        out.appendBuffer(raw, 0, close);
        if (!empty) out.appendByte((byte) ',');
        out.appendBytes(member);
        out.appendBuffer(raw, close, raw.length() - close);
        return out;
      }
    }
    ObjectNode body = result.body();
    if (extension != null) body.set("x_rec_llm", extension);
    return Buffer.buffer(Json.MAPPER.writeValueAsBytes(body));
  }

  /**
   * {@code objectJson} with {@code "name": value} added before its closing brace, or null when that
   * cannot be done by splicing (not an object, or the member is there already and must be replaced).
   */
  static String withMember(String objectJson, String name, ObjectNode value) {
    int close = objectJson.length() - 1;
    while (close >= 0 && isWhitespace(objectJson.charAt(close))) close--;
    if (close <= 0 || objectJson.charAt(close) != '}' || objectJson.contains('"' + name + '"')) return null;
    int before = close - 1;
    while (before >= 0 && isWhitespace(objectJson.charAt(before))) before--;
    if (before < 0) return null;
    boolean empty = objectJson.charAt(before) == '{';
    return objectJson.substring(0, close) + (empty ? "\"" : ",\"") + name + "\":" + value + objectJson.substring(close);
  }

  private static boolean isWhitespace(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  /** Index of the top-level object's closing brace: the last non-whitespace byte, or -1. */
  private static int lastClosingBrace(Buffer raw) {
    for (int i = raw.length() - 1; i >= 0; i--) {
      byte b = raw.getByte(i);
      if (b == '}') return i;
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') return -1;
    }
    return -1;
  }

  private static boolean onlyWhitespaceBetweenBraces(Buffer raw, int close) {
    for (int i = close - 1; i >= 0; i--) {
      byte b = raw.getByte(i);
      if (b == '{') return true;
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') return false;
    }
    return false;
  }
}
