package io.recllm.gateway.provider.bedrock;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * A small AWS event-stream encoder for tests, written from the framing spec independently of the SDK
 * the gateway decodes with: {@code [total u32][headers u32][crc32(prelude)][headers][payload][crc32(all before)]},
 * string headers as {@code [name len u8][name][7][value len u16][value]}. Header order as in Bedrock's
 * recorded frames: {@code :event-type} (or {@code :exception-type}), {@code :content-type}, {@code :message-type}.
 */
final class EventStreamFrames {

  private EventStreamFrames() {}

  static byte[] event(String eventType, String json) {
    return frame(Map.of(":event-type", eventType), "event", json);
  }

  static byte[] exception(String exceptionType, String json) {
    return frame(Map.of(":exception-type", exceptionType), "exception", json);
  }

  private static byte[] frame(Map<String, String> first, String messageType, String json) {
    List<String[]> headers = new ArrayList<>();
    first.forEach((k, v) -> headers.add(new String[] {k, v}));
    headers.add(new String[] {":content-type", "application/json"});
    headers.add(new String[] {":message-type", messageType});
    return encode(headers, json.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] encode(List<String[]> headers, byte[] payload) {
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    for (String[] header : headers) {
      byte[] name = header[0].getBytes(StandardCharsets.UTF_8);
      byte[] value = header[1].getBytes(StandardCharsets.UTF_8);
      h.write(name.length);
      h.writeBytes(name);
      h.write(7);
      h.write(value.length >> 8);
      h.write(value.length & 0xff);
      h.writeBytes(value);
    }
    byte[] headerBytes = h.toByteArray();
    int total = 12 + headerBytes.length + payload.length + 4;
    ByteBuffer out = ByteBuffer.allocate(total);
    out.putInt(total).putInt(headerBytes.length);
    out.putInt((int) crc(out.array(), 0, 8));
    out.put(headerBytes).put(payload);
    out.putInt((int) crc(out.array(), 0, total - 4));
    return out.array();
  }

  static byte[] concat(byte[]... frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] f : frames) out.writeBytes(f);
    return out.toByteArray();
  }

  private static long crc(byte[] bytes, int offset, int length) {
    CRC32 crc = new CRC32();
    crc.update(bytes, offset, length);
    return crc.getValue();
  }
}
