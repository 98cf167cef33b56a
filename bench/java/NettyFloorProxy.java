import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The least a JVM proxy can do per call without Vert.x: Netty alone, with the same two epoll event
 * loops. Each client connection gets its own keep-alive upstream connection on the same event loop;
 * the request goes up as received, the answer comes back piece by piece as it arrives (so streams
 * stream). No routing, JSON, telemetry or usage. It answers one question: how much of the gateway's
 * distance to nginx is Vert.x's and how much is the JVM's and Netty's.
 *
 * <p>Run with the gateway's fat jar on the class path (it carries Netty and its epoll transport):
 * {@code java -cp rec-llm-gateway-all.jar NettyFloorProxy <port> <upstreamPort>}. Loopback only.
 */
public class NettyFloorProxy {

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int upstreamPort = Integer.parseInt(args[1]);
    EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    new ServerBootstrap().group(loops).channel(EpollServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 8192)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Downstream(upstreamPort));
          }
        })
        .bind("127.0.0.1", port).sync();
    System.out.println("listening on " + port + " (Netty, epoll)");
  }

  /** One client connection: forwards each request to its own upstream connection, one at a time. */
  static final class Downstream extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final int upstreamPort;
    private Channel upstream;

    Downstream(int upstreamPort) {
      this.upstreamPort = upstreamPort;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      FullHttpRequest up = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, req.method(), req.uri(), req.content().retain());
      up.headers().set(HttpHeaderNames.HOST, "127.0.0.1:" + upstreamPort);
      up.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
      up.headers().set(HttpHeaderNames.CONTENT_LENGTH, req.content().readableBytes());
      String accept = req.headers().get(HttpHeaderNames.ACCEPT);
      up.headers().set(HttpHeaderNames.ACCEPT, accept == null ? "*/*" : accept);
      if (upstream != null && upstream.isActive()) {
        upstream.writeAndFlush(up);
        return;
      }
      Channel client = ctx.channel();
      new Bootstrap().group(client.eventLoop()).channel(EpollSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              ch.pipeline().addLast(new HttpClientCodec(), new Upstream(client));
            }
          })
          .connect("127.0.0.1", upstreamPort).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
              up.release();
              client.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY));
              return;
            }
            upstream = f.channel();
            upstream.writeAndFlush(up);
          });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (upstream != null) upstream.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // wrk drops its connections mid-answer at the end of each run
    }
  }

  /** The upstream side: the answer's head and pieces go to the client as they come, flushed per piece. */
  static final class Upstream extends SimpleChannelInboundHandler<HttpObject> {
    private final Channel client;

    Upstream(Channel client) {
      this.client = client;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpResponse resp) {
        resp.headers().remove(HttpHeaderNames.CONNECTION);
        resp.headers().remove("keep-alive");
        resp.headers().remove(HttpHeaderNames.SERVER);
        resp.headers().remove(HttpHeaderNames.DATE);
      }
      if (msg instanceof HttpContent content) content.retain();
      // head and body of a small answer usually arrive in one read: write them together, flush once
      if (msg instanceof LastHttpContent || !(msg instanceof HttpResponse)) client.writeAndFlush(msg);
      else client.write(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      client.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
