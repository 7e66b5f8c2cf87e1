package io.quarkube.kubelet.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The event loops of the kubelet's connections to containerd's streaming server (exec, attach, port-forward). */
final class StreamClients implements AutoCloseable {
  private final EventLoopGroup group;

  StreamClients() {
    AtomicInteger n = new AtomicInteger();
    this.group = new NioEventLoopGroup(2, r -> {
      Thread t = new Thread(r, "kubelet-stream-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  EventLoopGroup group() {
    return group;
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
