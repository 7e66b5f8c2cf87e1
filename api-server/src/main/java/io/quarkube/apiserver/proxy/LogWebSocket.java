package io.quarkube.apiserver.proxy;

import io.quarkube.apiserver.audit.AuditRoutes;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.util.Base64;
import java.util.List;

/**
 * A container log streamed over a WebSocket, as upstream's apiserver serves {@code pods/log} to clients that upgrade
 * (dashboards, browsers): with subprotocol {@code binary.k8s.io} (or none) each chunk is a binary message; with
 * {@code base64.binary.k8s.io} a text message holding it in base64, for clients that cannot take binary frames. There
 * is no channel byte: a log has one stream. The kubelet side stays a plain HTTP stream.
 */
@Singleton
public class LogWebSocket implements HttpServerOptionsCustomizer {
  static final String BINARY = "binary.k8s.io";
  static final String BASE64 = "base64.binary.k8s.io";

  /** The server names the subprotocol it picked only for those it lists (browsers insist on hearing one back). */
  @Override
  public void customizeHttpsServer(HttpServerOptions options) {
    options.setWebSocketSubProtocols(List.of(BINARY, BASE64));
  }

  @Override
  public void customizeHttpServer(HttpServerOptions options) {
    customizeHttpsServer(options);
  }

  static boolean wanted(RoutingContext ctx) {
    String upgrade = ctx.request().getHeader("Upgrade");
    return upgrade != null && upgrade.equalsIgnoreCase("websocket");
  }

  /**
   * Upgrades the request and forwards the kubelet's answer into it. Called as the answer arrives, so its handlers are
   * in place before it can end; what comes before the socket is open waits in a small buffer (the kubelet pauses
   * meanwhile), after that the kubelet pauses whenever the socket's queue is full.
   */
  static void stream(RoutingContext ctx, HttpClientResponse upstream) {
    Forwarder forwarder = new Forwarder(upstream);
    upstream.handler(forwarder::chunk);
    upstream.endHandler(x -> forwarder.end());
    upstream.exceptionHandler(e -> forwarder.end());
    upstream.pause();
    Context context = ((HttpServerRequestInternal) ctx.request()).context();
    context.runOnContext(v -> ctx.request().toWebSocket().onComplete(ar -> {
      if (ar.failed()) {
        upstream.request().connection().close();
      } else {
        forwarder.attach(ar.result(),
            io.quarkube.apiserver.endpoints.RequestEnd.onClose(ctx, AuditRoutes.upgraded(ctx)));
      }
    }));
  }

  /** Carries the log's chunks into the socket: binary messages, or base64 text for {@code base64.binary.k8s.io}. */
  private static final class Forwarder {
    private final HttpClientResponse upstream;
    private final java.util.ArrayDeque<Buffer> early = new java.util.ArrayDeque<>();
    private ServerWebSocket ws;
    private boolean base64;
    private boolean ended;

    Forwarder(HttpClientResponse upstream) {
      this.upstream = upstream;
    }

    /** @param closed run when the socket closes (the audit log's end of the request) */
    synchronized void attach(ServerWebSocket socket, Runnable closed) {
      ws = socket;
      base64 = BASE64.equals(socket.subProtocol());
      socket.closeHandler(x -> {
        closed.run();
        upstream.request().connection().close();
      });
      socket.drainHandler(x -> upstream.resume());
      while (!early.isEmpty()) {
        send(early.poll());
      }
      if (ended) {
        socket.close();
      } else {
        upstream.resume();
      }
    }

    synchronized void chunk(Buffer chunk) {
      if (ws == null) {
        early.add(chunk.copy());
        return;
      }
      send(chunk);
      if (ws.writeQueueFull()) {
        upstream.pause();
      }
    }

    synchronized void end() {
      ended = true;
      if (ws != null) {
        ws.close();
      }
    }

    private void send(Buffer chunk) {
      if (base64) {
        ws.writeTextMessage(Base64.getEncoder().encodeToString(chunk.getBytes()));
      } else {
        ws.writeBinaryMessage(Buffer.buffer(chunk.getBytes()));
      }
    }
  }
}
