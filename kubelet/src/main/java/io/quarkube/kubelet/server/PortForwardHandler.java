package io.quarkube.kubelet.server;

import io.fabric8.kubernetes.api.model.Pod;
import io.k8s.cri.runtime.v1.PortForwardRequest;
import io.netty.channel.Channel;
import io.quarkube.kubelet.cri.CriClient;
import io.quarkube.kubelet.runtime.SandboxInfo;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code /portForward/<ns>/<pod>}: port-forward is SPDY end to end (streams with headers {@code streamType},
 * {@code port}, {@code requestID}); kubectl 1.30+ carries that SPDY inside a WebSocket
 * ({@code SPDY/3.1+portforward.k8s.io}), older clients upgrade to SPDY directly. Either way the kubelet only has to
 * move the SPDY bytes between the client and containerd's streaming server, which does the forwarding into the
 * pod's network namespace.
 */
final class PortForwardHandler implements Handler<RoutingContext> {
  static final String WEBSOCKET_PROTOCOL = "SPDY/3.1+portforward.k8s.io";
  static final String PROTOCOL = "portforward.k8s.io";

  private final ContainerLocator locator;
  private final CriClient cri;
  private final StreamClients clients;
  private final Vertx vertx;

  PortForwardHandler(ContainerLocator locator, CriClient cri, StreamClients clients, Vertx vertx) {
    this.vertx = vertx;
    this.locator = locator;
    this.cri = cri;
    this.clients = clients;
  }

  /** containerd's side of the forward, connected and upgraded on a worker thread. */
  private record Prepared(boolean webSocket, SpdyPassthrough.Upstream upstream) {}

  @Override
  public void handle(RoutingContext rc) {
    rc.request().pause();
    vertx.executeBlocking(() -> prepare(rc), false).onComplete(ar -> {
      if (ar.failed()) {
        StreamErrors.send(rc, ar.cause());
      } else if (!ar.result().webSocket()) {
        SpdyPassthrough.join(rc, ar.result().upstream());
      } else {
        joinWebSocket(rc, ar.result().upstream());
      }
    });
  }

  private Prepared prepare(RoutingContext rc) throws Exception {
    boolean webSocket = SpdyPassthrough.isWebSocket(rc.request());
    if (!webSocket && !SpdyPassthrough.isSpdyUpgrade(rc.request())) {
      throw Errors.badRequest("Upgrade request required");
    }
    Pod pod = locator.pod(rc.pathParam("namespace"), rc.pathParam("pod"));
    SandboxInfo sandbox = locator.sandbox(pod);
    PortForwardRequest.Builder req = PortForwardRequest.newBuilder().setPodSandboxId(sandbox.id());
    for (String p : rc.queryParams().getAll("port")) {
      try {
        req.addPort(Integer.parseInt(p));
      } catch (NumberFormatException e) {
        throw Errors.badRequest("invalid port " + p);
      }
    }
    URI target = URI.create(cri.runtime(Duration.ofSeconds(30)).portForward(req.build()).getUrl());
    if (!webSocket) {
      return new Prepared(false, SpdyPassthrough.connect(rc.request(), clients.group(), target));
    }
    RawRelay relay = new RawRelay();
    UpgradeClient.Upgraded up = UpgradeClient.connect(clients.group(), target, Map.of("Connection",
        List.of("Upgrade"), "Upgrade", List.of("SPDY/3.1"), "X-Stream-Protocol-Version", List.of(PROTOCOL)),
        p -> p.addLast("relay", relay)).get(30, TimeUnit.SECONDS);
    return new Prepared(true, new SpdyPassthrough.Upstream(up, relay));
  }

  /** The WebSocket's binary messages are the client's SPDY bytes, and containerd's go back the same way. */
  private static void joinWebSocket(RoutingContext rc, SpdyPassthrough.Upstream prepared) {
    Channel upstream = prepared.upgraded().channel();
    rc.request().toWebSocket().onComplete(ar -> {
      if (ar.failed()) {
        upstream.close();
        StreamErrors.send(rc, ar.cause());
        return;
      }
      ServerWebSocket ws = ar.result();
      prepared.relay().join(ws, ws, upstream, ws::writeBinaryMessage, () -> {
        if (!ws.isClosed()) {
          ws.close((short) 1000);
        }
      });
      ws.closeHandler(v -> upstream.close());
      ws.exceptionHandler(e -> upstream.close());
    });
  }
}
