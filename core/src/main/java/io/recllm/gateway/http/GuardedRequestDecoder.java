package io.recllm.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.recllm.gateway.error.GatewayException;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpObject;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Vert.x's HTTP/1.1 request decoder, plus what it leaves to the application:
 * <ul>
 *   <li>Read timeouts. A request's headers must arrive within {@code limits.header_timeout_ms} and its body
 *   within {@code limits.body_timeout_ms} (408, then close); a keep-alive connection with no request in
 *   progress is closed after {@code limits.idle_connection_ms}. A request whose answer is still being
 *   waited for or streamed is never timed out here: the upstream timeouts cover it.</li>
 *   <li>Unambiguous framing (RFC 9112 §6.1, §6.3): Transfer-Encoding must be exactly {@code chunked}, once,
 *   without Content-Length, and not in HTTP/1.0. Anything else could be read differently by a proxy in
 *   front, which would let a request hidden in the body through: 400, and nothing after it on the
 *   connection is read.</li>
 *   <li>Malformed requests (too long a request line or headers, bad syntax, bad chunks) get OpenAI's error
 *   JSON instead of a bare status.</li>
 * </ul>
 * One instance per connection, used only on its event loop. No timer per connection: the event loop's
 * {@link ConnectionSweeper} checks the deadlines every tick, and a request costs a few field writes.
 */
final class GuardedRequestDecoder extends VertxHttpRequestDecoder {

  private static final int WAITING = 0; // no request being read: idle, or a request is with the handlers
  private static final int HEADERS = 1;
  private static final int BODY = 2;
  private static final long NONE = Long.MAX_VALUE;
  /** After an error answer: how long to keep reading (and discarding) so the client gets it before the close. */
  private static final long LINGER_MS = 1000;

  private final ClientConnections connections;
  private final int maxInitialLineLength;
  private final int maxHeaderSize;
  private ChannelHandlerContext ctx;
  private int state = WAITING;
  private boolean fresh = true;
  private long since;
  /** A phase began during the current read; its clock starts when the read ends. */
  private boolean clockPending;
  /** Requests whose head was passed on and whose response has not ended. */
  private int outstanding;
  private boolean responseStarted;
  private boolean finished;
  private Failure pending;
  private int pendingOwn;
  private ConnectionSweeper sweeper;
  /** Links of the sweeper's list. */
  GuardedRequestDecoder previous;
  GuardedRequestDecoder next;

  GuardedRequestDecoder(HttpServerOptions options, ClientConnections connections) {
    super(options);
    this.connections = connections;
    this.maxInitialLineLength = options.getMaxInitialLineLength();
    this.maxHeaderSize = options.getMaxHeaderSize();
  }

  /**
   * Sees the answers go out, to know when no request is in progress. Type checks against interfaces are
   * kept off the per-chunk path: on JDK 17 they contend when many types are checked on the same objects.
   */
  ChannelOutboundHandlerAdapter responseTracker() {
    return new ChannelOutboundHandlerAdapter() {
      @Override
      public void write(ChannelHandlerContext c, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof VertxHttpObject o) {
          if (!responseStarted && o instanceof HttpResponse r && r.status().code() >= 200) responseStarted = true;
          c.write(msg, promise);
          if (o.isEnded()) responseEnded();
        } else {
          c.write(msg, promise);
        }
      }
    };
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    super.handlerAdded(ctx);
    this.ctx = ctx;
    since = System.nanoTime();
    sweeper = connections.sweeperFor(ctx.executor());
    if (sweeper != null) sweeper.add(this);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
    if (finished) {
      buffer.skipBytes(buffer.readableBytes());
      return;
    }
    if (state == WAITING && buffer.isReadable()) {
      state = HEADERS;
      if (fresh) fresh = false; // a new connection's header time counts from the connect
      else clockPending = true;
    }
    int from = out.size();
    super.decode(ctx, buffer, out);
    for (int i = from; i < out.size(); i++) {
      Object msg = out.get(i);
      // The classes the decoder makes, checked by class first (see responseTracker)
      boolean request;
      boolean last;
      if (msg == LastHttpContent.EMPTY_LAST_CONTENT) {
        request = false;
        last = true;
      } else if (msg instanceof DefaultHttpRequest r) {
        if (r.decoderResult().isFailure()) {
          failed(r, i, buffer, out);
          return;
        }
        request = true;
        last = false;
      } else if (msg instanceof DefaultHttpContent c) {
        if (c.decoderResult().isFailure()) {
          failed(c, i, buffer, out);
          return;
        }
        request = false;
        last = msg instanceof DefaultLastHttpContent;
      } else {
        if (((HttpObject) msg).decoderResult().isFailure()) {
          failed(msg, i, buffer, out);
          return;
        }
        request = msg instanceof HttpRequest;
        last = msg instanceof LastHttpContent;
      }
      if (request) {
        outstanding++;
        responseStarted = outstanding > 1 && responseStarted;
        state = BODY;
        clockPending = true;
      }
      if (last) {
        state = WAITING;
        clockPending = true;
      }
    }
  }

  /** Nothing after a malformed message can be trusted: Vert.x never sees it, the rest is discarded. */
  private void failed(Object msg, int i, ByteBuf buffer, List<Object> out) {
    Failure failure = Failure.of(((HttpObject) msg).decoderResult().cause(), maxInitialLineLength, maxHeaderSize);
    int own = msg instanceof HttpRequest ? 0 : 1;
    for (int j = out.size() - 1; j >= i; j--) ReferenceCountUtil.release(out.remove(j));
    buffer.skipBytes(buffer.readableBytes());
    fail(failure, own);
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    // The connection is gone: a half-received request can be neither answered nor handled.
    in.skipBytes(in.readableBytes());
  }

  /** Called once per request head, after the headers were parsed: the place to refuse ambiguous framing. */
  @Override
  protected boolean isContentAlwaysEmpty(HttpMessage msg) {
    HttpHeaders headers = msg.headers();
    if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
      String problem = framingProblem(msg);
      if (problem != null) throw new FramingException(problem); // Netty turns it into a failed request
    }
    return super.isContentAlwaysEmpty(msg);
  }

  static String framingProblem(HttpMessage msg) {
    HttpHeaders headers = msg.headers();
    List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (msg.protocolVersion().majorVersion() == 1 && msg.protocolVersion().minorVersion() == 0) {
      return "Transfer-Encoding is not allowed in an HTTP/1.0 request";
    }
    if (headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      return "A request must not have both Content-Length and Transfer-Encoding";
    }
    if (codings.size() != 1 || !codings.get(0).trim().equalsIgnoreCase("chunked")) {
      return "Transfer-Encoding must be exactly \"chunked\" (got \"" + String.join(", ", codings) + "\")";
    }
    return null;
  }

  /**
   * Answers {@code failure} once the answers before it have gone out (HTTP/1.1 answers go out in order),
   * then closes. {@code own} is 1 when the failure belongs to a request already passed on (a bad chunk),
   * whose own answer must not have started; 0 for a request that never was.
   */
  private void fail(Failure failure, int own) {
    finished = true;
    pending = failure;
    pendingOwn = own;
    answerPendingWhenDue();
  }

  private void answerPendingWhenDue() {
    if (outstanding > pendingOwn) return;
    Failure failure = pending;
    pending = null;
    if (outstanding < pendingOwn || responseStarted) ctx.close(); // its own answer has begun: nothing else fits
    else answerAndClose(failure);
  }

  private void responseEnded() {
    responseStarted = false;
    if (outstanding > 0) outstanding--;
    if (pending != null) {
      answerPendingWhenDue();
      return;
    }
    // A timeout that could not apply while an answer was pending starts now.
    if (state == BODY ? outstanding == 1 : outstanding == 0) since = System.nanoTime();
  }

  /**
   * The end of a read: a phase that began in it starts its clock here, once per read rather than per
   * message, and only when a timer applies to it (not to a request now with the handlers).
   */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    super.channelReadComplete(ctx);
    if (clockPending) {
      clockPending = false;
      if (state != WAITING || outstanding == 0) since = System.nanoTime();
    }
  }

  /** The connection has closed (the pipeline is taken down then). */
  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
    finished = true;
    if (sweeper != null) sweeper.remove(this);
    connections.closed();
    super.handlerRemoved0(ctx);
  }

  private long deadline() {
    long timeout = switch (state) {
      case HEADERS -> outstanding == 0 ? connections.headerTimeoutNanos : 0;
      // more than one: Vert.x stopped reading until the earlier answers are out
      case BODY -> outstanding <= 1 ? connections.bodyTimeoutNanos : 0;
      default -> outstanding == 0 ? (fresh ? connections.headerTimeoutNanos : connections.idleTimeoutNanos) : 0;
    };
    return timeout == 0 ? NONE : since + timeout;
  }

  /** Called by the sweeper, on the event loop, with the time of its tick. */
  void check(long now) {
    if (finished || !ctx.channel().isActive()) return;
    long at = deadline();
    if (at == NONE || now - at < 0) return;
    finished = true;
    switch (state) {
      case HEADERS -> {
        connections.timedOut("headers");
        answerAndClose(Failure.timeout("The request headers did not arrive within limits.header_timeout_ms ("
            + TimeUnit.NANOSECONDS.toMillis(connections.headerTimeoutNanos) + " ms)"));
      }
      case BODY -> {
        connections.timedOut("body");
        if (outstanding == 1 && !responseStarted) {
          answerAndClose(Failure.timeout("The request body did not arrive within limits.body_timeout_ms ("
              + TimeUnit.NANOSECONDS.toMillis(connections.bodyTimeoutNanos) + " ms)"));
        } else {
          ctx.close();
        }
      }
      default -> {
        connections.timedOut(fresh ? "headers" : "idle");
        ctx.close(); // nothing was asked, so nothing is answered
      }
    }
  }

  /**
   * Writes the error past the HTTP encoder (no response is in progress), then closes the sending side
   * and keeps discarding input for a moment: closing at once with unread input would reset the
   * connection, and the client could lose the answer.
   */
  private void answerAndClose(Failure failure) {
    finished = true;
    byte[] body = ErrorResponses.body(new GatewayException.InvalidRequest(failure.code, null, failure.message))
        .toString().getBytes(StandardCharsets.UTF_8);
    byte[] head = ("HTTP/1.1 " + failure.status + " " + failure.reason + "\r\ncontent-type: application/json\r\n"
        + "content-length: " + body.length + "\r\nconnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    ByteBuf buf = ctx.alloc().buffer(head.length + body.length).writeBytes(head).writeBytes(body);
    ctx.writeAndFlush(buf).addListener(f -> {
      if (f.isSuccess() && ctx.channel() instanceof DuplexChannel duplex) duplex.shutdownOutput();
      else ctx.close();
    });
    ctx.executor().schedule(() -> ctx.close(), LINGER_MS, TimeUnit.MILLISECONDS);
  }

  /** A request whose framing could be read in more than one way. */
  static final class FramingException extends IllegalArgumentException {
    FramingException(String message) {
      super(message, null);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this; // an expected client error, raised per bad request: no stack trace
    }
  }

  /** What a client gets for a request the gateway cannot read. */
  record Failure(int status, String reason, String code, String message) {

    static Failure timeout(String message) {
      return new Failure(408, "Request Timeout", "request_timeout", message);
    }

    static Failure of(Throwable cause, int maxInitialLineLength, int maxHeaderSize) {
      if (cause instanceof TooLongHttpLineException) {
        return new Failure(414, "URI Too Long", "request_line_too_long",
            "The request line is longer than " + maxInitialLineLength + " bytes");
      }
      if (cause instanceof TooLongHttpHeaderException) {
        return new Failure(431, "Request Header Fields Too Large", "request_headers_too_large",
            "The request headers are larger than " + maxHeaderSize + " bytes");
      }
      if (cause instanceof FramingException) {
        return new Failure(400, "Bad Request", "invalid_message_framing", cause.getMessage());
      }
      String detail = cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage();
      return new Failure(400, "Bad Request", "invalid_http_request", "The request is not valid HTTP/1.1" + detail);
    }
  }
}
