package io.quarkube.kubelet.server;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.quarkube.machinery.httpstream.ConnectionUpgrade;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * For clients that speak SPDY themselves ({@code Upgrade: SPDY/3.1}, older kubectl and client-go): the kubelet
 * upgrades a connection to containerd's streaming server with the client's protocol versions, answers the client
 * with containerd's choice, and from then on copies bytes both ways (as upstream's kubelet proxies CRI streams).
 */
final class SpdyPassthrough {
  private SpdyPassthrough() {}

  static boolean isSpdyUpgrade(HttpServerRequest request) {
    String upgrade = request.getHeader("Upgrade");
    return upgrade != null && upgrade.equalsIgnoreCase("SPDY/3.1");
  }

  static boolean isWebSocket(HttpServerRequest request) {
    String upgrade = request.getHeader("Upgrade");
    return upgrade != null && upgrade.equalsIgnoreCase("websocket");
  }

  /** containerd's side, upgraded with the client's protocol versions (blocking; on a worker thread). */
  record Upstream(UpgradeClient.Upgraded upgraded, RawRelay relay) {}

  static Upstream connect(HttpServerRequest request, EventLoopGroup group, URI target) throws Exception {
    List<String> protocols = request.headers().getAll("X-Stream-Protocol-Version");
    RawRelay relay = new RawRelay();
    UpgradeClient.Upgraded up = UpgradeClient.connect(group, target, Map.of("Connection", List.of("Upgrade"),
        "Upgrade", List.of("SPDY/3.1"), "X-Stream-Protocol-Version", protocols), p -> p.addLast("relay", relay))
        .get(30, TimeUnit.SECONDS);
    return new Upstream(up, relay);
  }

  /** Answers the client with containerd's choice and joins the two connections (on the event loop). */
  static void join(RoutingContext rc, Upstream upstream) {
    Channel channel = upstream.upgraded().channel();
    rc.response().putHeader("Connection", "Upgrade").putHeader("Upgrade", "SPDY/3.1");
    String chosen = upstream.upgraded().answer().header("X-Stream-Protocol-Version");
    if (chosen != null) {
      rc.response().putHeader("X-Stream-Protocol-Version", chosen);
    }
    ConnectionUpgrade.toNetSocket(rc.request()).onComplete(ar -> {
      if (ar.failed()) {
        channel.close();
        StreamErrors.send(rc, ar.cause());
        return;
      }
      NetSocket client = ar.result();
      upstream.relay().join(client, client, channel, client::write, client::close);
      client.closeHandler(v -> channel.close());
    });
  }
}
