package io.quarkube.kubelet.server;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyHeadersFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A SPDY/3.1 client session to containerd's streaming server, as client-go's SPDY executor speaks it: the client
 * opens one stream per channel (headers {@code streamtype: error|stdin|stdout|stderr|resize}), data flows as DATA
 * frames, and a FIN ends a stream (stdin's FIN is "end of input"). Framing and header compression are Netty's SPDY
 * codec; the session logic here is only what remote command streams need (containerd's spdystream has no flow
 * control, so no window updates are kept).
 */
final class SpdyConnection {
  /** Receives what the server sends; called on the connection's event loop, in order. */
  interface Listener {
    void onData(int streamId, byte[] data, boolean last);

    void onClosed(Throwable cause);

    /** The server accepted a stream (SYN_REPLY): only from then on does it keep the data sent on it. */
    default void onReply(int streamId) {}

    /** The connection can take more writes (or not): for pausing the other side. */
    default void onWritable(boolean writable) {}
  }

  private final Channel channel;
  private int nextStreamId = 1;

  private SpdyConnection(Channel channel) {
    this.channel = channel;
  }

  /** Connects and upgrades to SPDY/3.1 with the sub-protocol {@code protocol} (e.g. v4.channel.k8s.io). */
  static CompletableFuture<SpdyConnection> connect(EventLoopGroup group, URI url, String protocol,
      Listener listener) {
    return UpgradeClient.connect(group, url, Map.of("Connection", List.of("Upgrade"), "Upgrade", List.of("SPDY/3.1"),
        "X-Stream-Protocol-Version", List.of(protocol)), pipeline -> {
          pipeline.addLast("spdy", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
          pipeline.addLast("session", new Session(listener));
        }).thenApply(u -> new SpdyConnection(u.channel()));
  }

  /** Opens a stream with these headers; returns its id (odd: client-initiated). */
  synchronized int openStream(Map<String, String> headers) {
    int id = nextStreamId;
    nextStreamId += 2;
    DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
    headers.forEach((k, v) -> syn.headers().add(k, v));
    channel.writeAndFlush(syn);
    return id;
  }

  void write(int streamId, byte[] data, boolean last) {
    SpdyDataFrame frame = new DefaultSpdyDataFrame(streamId, Unpooled.wrappedBuffer(data));
    frame.setLast(last);
    channel.writeAndFlush(frame);
  }

  boolean writable() {
    return channel.isWritable();
  }

  void autoRead(boolean on) {
    channel.config().setAutoRead(on);
  }

  void close() {
    channel.close();
  }

  private static final class Session extends ChannelInboundHandlerAdapter {
    private final Listener listener;
    private boolean closed;

    Session(Listener listener) {
      this.listener = listener;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof SpdyDataFrame data) {
          listener.onData(data.streamId(), ByteBufUtil.getBytes(data.content()), data.isLast());
        } else if (msg instanceof SpdySynReplyFrame reply) {
          listener.onReply(reply.streamId());
          if (reply.isLast()) {
            listener.onData(reply.streamId(), new byte[0], true);
          }
        } else if (msg instanceof SpdyHeadersFrame headers) {
          if (headers.isLast()) {
            listener.onData(headers.streamId(), new byte[0], true);
          }
        } else if (msg instanceof SpdyRstStreamFrame rst) {
          listener.onData(rst.streamId(), new byte[0], true);
        } else if (msg instanceof SpdyPingFrame ping) {
          ctx.writeAndFlush(ReferenceCountUtil.retain(ping)); // a ping from the server is answered with itself
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
      listener.onWritable(ctx.channel().isWritable());
      super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      closed(null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      closed(cause);
      ctx.close();
    }

    private void closed(Throwable cause) {
      if (!closed) {
        closed = true;
        listener.onClosed(cause);
      }
    }
  }
}
