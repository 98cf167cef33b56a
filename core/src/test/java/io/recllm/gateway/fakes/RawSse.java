package io.recllm.gateway.fakes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A bare HTTP/1.1 client on a socket, for tests that must read slowly or hang up mid-stream. */
public final class RawSse implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;

  public RawSse(int port, String body, int receiveBuffer, String requestId) throws IOException {
    socket = new Socket();
    if (receiveBuffer > 0) socket.setReceiveBufferSize(receiveBuffer);
    socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(20_000);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    OutputStream out = socket.getOutputStream();
    out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "X-Request-Id: " + requestId + "\r\nContent-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
    in = socket.getInputStream();
  }

  /** Reads until {@code text} has been seen {@code times} times; returns everything read. */
  public String readUntil(String text, int times) throws IOException {
    StringBuilder sb = new StringBuilder();
    byte[] buf = new byte[4096];
    int seen = 0;
    int from = 0;
    while (seen < times) {
      int n = in.read(buf);
      if (n < 0) break;
      sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      int idx;
      while ((idx = sb.indexOf(text, from)) >= 0) {
        seen++;
        from = idx + text.length();
      }
    }
    return sb.toString();
  }

  /** Reads everything until the server closes or ends the chunked body. */
  public String readAll() throws IOException {
    StringBuilder sb = new StringBuilder();
    byte[] buf = new byte[65536];
    int n;
    while ((n = in.read(buf)) >= 0) {
      sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      if (sb.length() >= 7 && sb.substring(sb.length() - 7).equals("\r\n0\r\n\r\n")) break; // end of chunked body
    }
    return sb.toString();
  }

  /**
   * Reads until the chunked body ends, counting occurrences of {@code needle} in {@code alreadyRead}
   * and the rest of the stream without keeping it all in memory; returns the count and the last bytes.
   */
  public Counted countUntilEnd(String needle, String alreadyRead) throws IOException {
    byte[] buf = new byte[65536];
    StringBuilder window = new StringBuilder(alreadyRead);
    long count = 0;
    int n;
    while ((n = in.read(buf)) >= 0) {
      window.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
      int idx;
      int from = 0;
      while ((idx = window.indexOf(needle, from)) >= 0) {
        count++;
        from = idx + needle.length();
      }
      boolean ended = window.length() >= 7 && window.substring(window.length() - 7).equals("\r\n0\r\n\r\n");
      // keep only what a needle or the end marker split across reads could still need
      int keep = Math.max(needle.length(), 64);
      String tail = window.substring(Math.max(from, window.length() - keep));
      if (ended) return new Counted(count, window.substring(Math.max(0, window.length() - 256)));
      window.setLength(0);
      window.append(tail);
    }
    return new Counted(count, window.toString());
  }

  /** What {@link #countUntilEnd} saw. */
  public record Counted(long count, String tail) {}

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
