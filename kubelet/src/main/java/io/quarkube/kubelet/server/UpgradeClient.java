package io.quarkube.kubelet.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Opens a connection to containerd's streaming server and upgrades it ({@code Upgrade: SPDY/3.1}) by hand: one
 * request, one {@code 101} answer, and from then on the bytes belong to whoever {@code afterUpgrade} installs in the
 * pipeline (the SPDY codec, or a raw relay). Bytes that arrived together with the answer are handed on to them.
 */
final class UpgradeClient {
  private UpgradeClient() {}

  /** The server's answer to the upgrade: status and headers (names in lower case, values in order). */
  record Answer(int status, String statusLine, Map<String, List<String>> headers, String body) {
    String header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null || v.isEmpty() ? null : v.get(0);
    }
  }

  /** Thrown (through the future) when the server does not switch protocols. */
  static final class UpgradeRefused extends RuntimeException {
    final Answer answer;

    UpgradeRefused(Answer answer) {
      super("streaming server answered " + answer.statusLine() + (answer.body().isEmpty() ? "" : ": "
          + answer.body().trim()));
      this.answer = answer;
    }
  }

  record Upgraded(Channel channel, Answer answer) {}

  static CompletableFuture<Upgraded> connect(EventLoopGroup group, URI url, Map<String, List<String>> headers,
      Consumer<ChannelPipeline> afterUpgrade) {
    CompletableFuture<Upgraded> result = new CompletableFuture<>();
    String host = url.getHost();
    int port = url.getPort() > 0 ? url.getPort() : 80;
    StringBuilder request = new StringBuilder();
    request.append("POST ").append(url.getRawPath()).append(url.getRawQuery() == null ? "" : "?" + url.getRawQuery())
        .append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(port).append("\r\nContent-Length: 0\r\n");
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      for (String v : h.getValue()) {
        request.append(h.getKey()).append(": ").append(v).append("\r\n");
      }
    }
    request.append("\r\n");
    Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast("upgrade", new Handshake(request.toString(), afterUpgrade, result));
          }
        });
    b.connect(host, port).addListener(f -> {
      if (!f.isSuccess()) {
        result.completeExceptionally(f.cause());
      }
    });
    return result;
  }

  /** Writes the request when connected, reads the answer's head, then steps aside. */
  private static final class Handshake extends ByteToMessageDecoder {
    private final String request;
    private final Consumer<ChannelPipeline> afterUpgrade;
    private final CompletableFuture<Upgraded> result;

    Handshake(String request, Consumer<ChannelPipeline> afterUpgrade, CompletableFuture<Upgraded> result) {
      this.request = request;
      this.afterUpgrade = afterUpgrade;
      this.result = result;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(request.getBytes(StandardCharsets.ISO_8859_1)));
      super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      int end = headEnd(in);
      if (end < 0) {
        if (in.readableBytes() > 64 * 1024) {
          fail(ctx, new IllegalStateException("streaming server answer has no end of headers"));
        }
        return;
      }
      String head = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.ISO_8859_1);
      in.readerIndex(end + 4);
      String[] lines = head.split("\r\n");
      String statusLine = lines[0];
      String[] parts = statusLine.split(" ", 3);
      int status = parts.length > 1 ? parseInt(parts[1]) : 0;
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
              k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
        }
      }
      if (status != 101) {
        String body = in.toString(StandardCharsets.UTF_8);
        in.skipBytes(in.readableBytes());
        fail(ctx, new UpgradeRefused(new Answer(status, statusLine, headers, body)));
        return;
      }
      afterUpgrade.accept(ctx.pipeline());
      ctx.pipeline().remove(this); // hands what is left in the buffer to the new handlers
      result.complete(new Upgraded(ctx.channel(), new Answer(status, statusLine, headers, "")));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      result.completeExceptionally(new IllegalStateException("streaming server closed the connection"));
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(ctx, cause);
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
      result.completeExceptionally(cause);
      ctx.close();
    }

    private static int headEnd(ByteBuf in) {
      for (int i = in.readerIndex(); i + 3 < in.writerIndex(); i++) {
        if (in.getByte(i) == '\r' && in.getByte(i + 1) == '\n' && in.getByte(i + 2) == '\r'
            && in.getByte(i + 3) == '\n') {
          return i;
        }
      }
      return -1;
    }

    private static int parseInt(String s) {
      try {
        return Integer.parseInt(s.trim());
      } catch (NumberFormatException e) {
        return 0;
      }
    }
  }
}
