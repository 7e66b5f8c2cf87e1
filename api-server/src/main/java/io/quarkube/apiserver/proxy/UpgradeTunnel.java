package io.quarkube.apiserver.proxy;

import io.quarkube.apiserver.audit.AuditRoutes;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.machinery.httpstream.ConnectionUpgrade;
import io.vertx.core.Context;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Streams (exec, attach, port-forward) go through the API server as upstream's UpgradeAwareHandler does: the client's
 * upgrade request (WebSocket {@code *.channel.k8s.io} / {@code SPDY/3.1+portforward.k8s.io}, or plain SPDY/3.1) is
 * repeated to the kubelet, the kubelet's {@code 101} with its negotiated protocol goes back to the client, and from
 * then on bytes are copied both ways. The kubelet speaks the protocols, so the API server never parses frames.
 */
final class UpgradeTunnel {
  private static final Logger LOG = Logger.getLogger(UpgradeTunnel.class);
  /** Request headers not passed on: the client's credentials and what the HTTP client sets itself. */
  private static final Set<String> DROPPED = Set.of("authorization", "host", "content-length", "impersonate-user",
      "impersonate-group", "impersonate-uid", "transfer-encoding", "proxy-authorization");
  /** Answer headers that are the tunnel's own. */
  private static final Set<String> DROPPED_ANSWER = Set.of("content-length", "transfer-encoding");

  private UpgradeTunnel() {}

  static void open(RoutingContext ctx, KubeletClient kubelets, String node, KubeletClient.Target target,
      String uri) {
    String upgrade = ctx.request().getHeader("Upgrade");
    if (upgrade == null || upgrade.isEmpty()) {
      throw ApiException.badRequest("Upgrade request required");
    }
    // Always GET towards the kubelet, which serves these on GET and POST alike (as upstream's): Vert.x's client turns
    // a connection into raw bytes after a 101 only for a GET upgrade, and would go on parsing a POST's as HTTP.
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(target.host())
        .setPort(target.port()).setURI(uri);
    for (Map.Entry<String, String> h : ctx.request().headers()) {
      if (!DROPPED.contains(h.getKey().toLowerCase(Locale.ROOT)) && !h.getKey().toLowerCase(Locale.ROOT)
          .startsWith("impersonate-extra-")) {
        options.addHeader(h.getKey(), h.getValue());
      }
    }
    // Both sockets are paused in callbacks on the event loop, the moment they exist: bytes that arrive before this
    // worker thread joins them must wait, not be dropped. An error answer is paused the same way for its body.
    HttpClientResponse answer;
    try {
      // The request object outlives the upgrade: when the tunnel closes, Vert.x reports "Connection was closed" to
      // it, and without a handler of its own logs that as an error for every exec/attach/port-forward.
      answer = kubelets.http().request(options).compose(r -> r.exceptionHandler(e -> LOG.debugf(
          "tunnel to %s %s ended: %s", node, uri, e.toString())).connect()).map(r -> {
        if (r.statusCode() == 101) {
          r.netSocket().pause();
        } else {
          r.pause();
        }
        return r;
      }).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw KubeletErrors.unreachable(node, target, e);
    }
    if (answer.statusCode() != 101) {
      KubeletErrors.forward(ctx, answer);
      return;
    }
    NetSocket kubelet = answer.netSocket();
    for (Map.Entry<String, String> h : answer.headers()) {
      if (!DROPPED_ANSWER.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        ctx.response().headers().add(h.getKey(), h.getValue());
      }
    }
    // The client's socket is made and joined on the request's event loop, in one go: a socket without a handler
    // drops what arrives, and the client may send as soon as it has the 101.
    Context context = ((HttpServerRequestInternal) ctx.request()).context();
    CompletableFuture<Void> joined = new CompletableFuture<>();
    context.runOnContext(v -> ConnectionUpgrade.toNetSocket(ctx.request()).onComplete(ar -> {
      if (ar.failed()) {
        kubelet.close();
        joined.completeExceptionally(ar.cause());
        return;
      }
      NetSocket client = ar.result();
      Runnable audited = io.quarkube.apiserver.endpoints.RequestEnd.onClose(ctx, AuditRoutes.upgraded(ctx));
      client.closeHandler(x -> audited.run());
      // pipeTo resumes the sockets, and ends each side when the other one ends.
      client.pipeTo(kubelet);
      kubelet.pipeTo(client);
      joined.complete(null);
    }));
    try {
      joined.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      kubelet.close();
      throw ApiException.internal("upgrading the connection failed: " + e);
    }
  }
}
