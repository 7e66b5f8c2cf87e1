package io.quarkube.kubelet.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Passes the bytes of an upgraded connection to containerd on to the client unchanged (SPDY that the client itself
 * speaks, as in port-forward). Bytes that arrive before the client side is ready are held until {@link #join}.
 */
final class RawRelay extends ChannelInboundHandlerAdapter {
  private final List<byte[]> pending = new ArrayList<>();
  private Consumer<byte[]> sink;
  private Runnable onClose;
  private volatile Runnable onWritable = () -> { };
  private boolean closed;

  /**
   * Joins the client (its two sides, usually one object; called on its Vert.x context) and the connection to
   * containerd this relay reads, in both directions and with flow control each way: containerd's bytes go to
   * {@code writeToClient} on the client's thread, and reading stops on the side whose peer cannot take more. The
   * caller closes containerd's side when the client closes; {@code closeClient} runs when containerd's side ends.
   */
  void join(ReadStream<Buffer> fromClient, WriteStream<Buffer> toClient, Channel runtime,
      Consumer<Buffer> writeToClient, Runnable closeClient) {
    Context context = Vertx.currentContext();
    OutputValve output = new OutputValve(toClient, runtime.config()::setAutoRead);
    InputValve input = new InputValve(context, fromClient, runtime::isWritable);
    attach(bytes -> context.runOnContext(v -> {
      writeToClient.accept(Buffer.buffer(bytes));
      output.afterWrite();
    }), () -> context.runOnContext(v -> closeClient.run()), input::runtimeDrained);
    fromClient.handler(b -> {
      runtime.writeAndFlush(Unpooled.wrappedBuffer(b.getBytes()));
      input.afterClientMessage();
    });
  }

  /**
   * Starts passing bytes to {@code sink}; {@code onClose} runs when the connection ends, {@code onWritable} (on the
   * connection's thread) whenever it can take writes again after it could not.
   */
  private synchronized void attach(Consumer<byte[]> sink, Runnable onClose, Runnable onWritable) {
    this.sink = sink;
    this.onClose = onClose;
    this.onWritable = onWritable;
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
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      onWritable.run();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
