package io.recllm.gateway.fakes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Bytes exactly as written on a socket: for requests no HTTP client would send. */
public final class RawHttp implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private boolean closedByPeer;

  private RawHttp(int port) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    in = socket.getInputStream();
  }

  public static RawHttp connect(int port) throws IOException {
    return new RawHttp(port);
  }

  public RawHttp send(String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    return this;
  }

  /**
   * Everything the server sends until it closes the connection, or until {@code timeoutMs} passed
   * without it closing; {@link #closedByPeer()} tells which.
   */
  public String readUntilClosed(long timeoutMs) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long deadline = System.currentTimeMillis() + timeoutMs;
    byte[] buf = new byte[8192];
    while (true) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) break;
      socket.setSoTimeout((int) left);
      int n;
      try {
        n = in.read(buf);
      } catch (SocketTimeoutException e) {
        break;
      } catch (SocketException e) { // reset: closed too
        closedByPeer = true;
        break;
      }
      if (n < 0) {
        closedByPeer = true;
        break;
      }
      out.write(buf, 0, n);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Reads one response with a Content-Length body and returns it whole (head and body). */
  public String readResponse(long timeoutMs) throws IOException {
    socket.setSoTimeout((int) timeoutMs);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int headEnd = -1;
    int length = -1;
    while (headEnd < 0 || out.size() < headEnd + length) {
      int b = in.read();
      if (b < 0) throw new IOException("closed after " + out.toString(StandardCharsets.UTF_8));
      out.write(b);
      if (headEnd < 0 && out.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        headEnd = out.size();
        String head = out.toString(StandardCharsets.ISO_8859_1).toLowerCase();
        int i = head.indexOf("content-length:");
        length = i < 0 ? 0 : Integer.parseInt(head.substring(i + 15, head.indexOf("\r\n", i)).trim());
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Reads until what was read ends with {@code end} (e.g. the last chunk of a chunked answer). */
  public String readUntilEnd(String end, long timeoutMs) throws IOException {
    socket.setSoTimeout((int) timeoutMs);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    while (!out.toString(StandardCharsets.UTF_8).endsWith(end)) {
      int n = in.read(buf);
      if (n < 0) throw new IOException("closed after " + out.toString(StandardCharsets.UTF_8));
      out.write(buf, 0, n);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  public boolean closedByPeer() {
    return closedByPeer;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
