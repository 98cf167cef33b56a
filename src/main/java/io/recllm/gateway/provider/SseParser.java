package io.recllm.gateway.provider;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Server-sent-events framing: bytes in, events out. Network buffers may split an event, a line or a
 * multi-byte character anywhere, so bytes are kept until a full line is seen and decoded only then.
 * Accepts LF, CRLF and CR line ends, ignores comments ({@code : ping}) and joins multi-line data with
 * LF, as the WHATWG EventSource spec says. Not thread-safe: one parser per stream.
 */
public final class SseParser {

  /** An event larger than this is an upstream fault, not something to buffer without end. */
  public static final int DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;

  private final Consumer<SseEvent> sink;
  private final int maxEventBytes;
  private byte[] line = new byte[256];
  private int lineLen;
  private boolean lastWasCr;
  private String event;
  private String id;
  private StringBuilder data;
  private int eventBytes;

  public SseParser(Consumer<SseEvent> sink) {
    this(sink, DEFAULT_MAX_EVENT_BYTES);
  }

  public SseParser(Consumer<SseEvent> sink, int maxEventBytes) {
    this.sink = sink;
    this.maxEventBytes = maxEventBytes;
  }

  public void feed(Buffer buffer) {
    feed(buffer.getBytes());
  }

  public void feed(byte[] bytes) {
    feed(bytes, 0, bytes.length);
  }

  public void feed(byte[] bytes, int offset, int length) {
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      byte b = bytes[i];
      if (b == '\n') {
        if (lastWasCr) { lastWasCr = false; continue; } // second half of CRLF
        endLine();
      } else if (b == '\r') {
        lastWasCr = true;
        endLine();
      } else {
        lastWasCr = false;
        append(b);
      }
    }
  }

  /** The upstream closed: an event without its final blank line is still delivered. */
  public void end() {
    if (lineLen > 0) endLine();
    dispatch();
  }

  private void append(byte b) {
    if (lineLen == line.length) line = Arrays.copyOf(line, line.length * 2);
    line[lineLen++] = b;
    if (++eventBytes > maxEventBytes) {
      throw new IllegalStateException("server-sent event larger than " + maxEventBytes + " bytes");
    }
  }

  private void endLine() {
    if (lineLen == 0) {
      dispatch();
      return;
    }
    if (line[0] == ':') { // comment / keep-alive
      lineLen = 0;
      return;
    }
    int colon = -1;
    for (int i = 0; i < lineLen; i++) {
      if (line[i] == ':') { colon = i; break; }
    }
    String field;
    String value;
    if (colon < 0) {
      field = new String(line, 0, lineLen, StandardCharsets.UTF_8);
      value = "";
    } else {
      field = new String(line, 0, colon, StandardCharsets.US_ASCII);
      int start = colon + 1;
      if (start < lineLen && line[start] == ' ') start++;
      value = new String(line, start, lineLen - start, StandardCharsets.UTF_8);
    }
    lineLen = 0;
    switch (field) {
      case "data" -> {
        if (data == null) data = new StringBuilder(value.length());
        else data.append('\n');
        data.append(value);
      }
      case "event" -> event = value;
      case "id" -> id = value;
      default -> { } // "retry" and unknown fields mean nothing to a gateway
    }
  }

  private void dispatch() {
    if (data != null) {
      String eventName = event;
      String eventData = data.toString();
      String eventId = id;
      data = null;
      event = null;
      eventBytes = 0;
      sink.accept(new SseEvent(eventName, eventData, eventId));
    } else {
      event = null;
      eventBytes = 0;
    }
  }
}
