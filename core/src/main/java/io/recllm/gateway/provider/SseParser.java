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
  private String data;          // the first data line; most events have only one
  private StringBuilder moreData; // set when an event has several data lines
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
    // An empty read says nothing, not even that a CR at the end of the last one was not half a CRLF.
    if (length == 0) return;
    int end = offset + length;
    int i = offset;
    if (lastWasCr && i < end && bytes[i] == '\n') i++; // second half of a CRLF split across buffers
    lastWasCr = false;
    while (i < end) {
      int eol = i;
      while (eol < end && bytes[eol] != '\n' && bytes[eol] != '\r') eol++;
      append(bytes, i, eol - i);
      if (eol == end) return; // the line continues in the next buffer
      endLine();
      if (bytes[eol] == '\r') {
        if (eol + 1 < end) {
          if (bytes[eol + 1] == '\n') eol++;
        } else {
          lastWasCr = true;
        }
      }
      i = eol + 1;
    }
  }

  /** The upstream closed: an event without its final blank line is still delivered. */
  public void end() {
    if (lineLen > 0) endLine();
    dispatch();
  }

  private void append(byte[] bytes, int from, int count) {
    if (count == 0) return;
    eventBytes += count;
    if (eventBytes > maxEventBytes) {
      throw new IllegalStateException("server-sent event larger than " + maxEventBytes + " bytes");
    }
    if (lineLen + count > line.length) line = Arrays.copyOf(line, Math.max(line.length * 2, lineLen + count));
    System.arraycopy(bytes, from, line, lineLen, count);
    lineLen += count;
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
    if (colon == 4 && line[0] == 'd' && line[1] == 'a' && line[2] == 't' && line[3] == 'a') {
      field = "data"; // the hot case: no need to decode the field name
      int start = lineLen > 5 && line[5] == ' ' ? 6 : 5;
      value = new String(line, start, lineLen - start, StandardCharsets.UTF_8);
    } else if (colon < 0) {
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
        if (data == null) {
          data = value;
        } else {
          if (moreData == null) moreData = new StringBuilder(data);
          moreData.append('\n').append(value);
        }
      }
      case "event" -> event = value;
      case "id" -> id = value;
      default -> { } // "retry" and unknown fields mean nothing to a gateway
    }
  }

  private void dispatch() {
    if (data != null) {
      String eventName = event;
      String eventData = moreData != null ? moreData.toString() : data;
      String eventId = id;
      data = null;
      moreData = null;
      event = null;
      eventBytes = 0;
      sink.accept(new SseEvent(eventName, eventData, eventId));
    } else {
      event = null;
      eventBytes = 0;
    }
  }
}
