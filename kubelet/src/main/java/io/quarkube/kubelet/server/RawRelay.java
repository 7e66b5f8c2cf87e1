package io.quarkube.kubelet.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Passes the bytes of an upgraded connection to containerd on to the client unchanged (SPDY that the client itself
 * speaks, as in port-forward). Bytes that arrive before the client side is ready are held until {@link #attach}.
 */
final class RawRelay extends ChannelInboundHandlerAdapter {
  private final List<byte[]> pending = new ArrayList<>();
  private Consumer<byte[]> sink;
  private Runnable onClose;
  private boolean closed;

  synchronized void attach(Consumer<byte[]> sink, Runnable onClose) {
    this.sink = sink;
    this.onClose = onClose;
    pending.forEach(sink);
    pending.clear();
    if (closed) {
      onClose.run();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof ByteBuf buf && buf.isReadable()) {
        byte[] bytes = ByteBufUtil.getBytes(buf);
        synchronized (this) {
          if (sink == null) {
            pending.add(bytes);
          } else {
            sink.accept(bytes);
          }
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public synchronized void channelInactive(ChannelHandlerContext ctx) {
    closed = true;
    if (onClose != null) {
      onClose.run();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
