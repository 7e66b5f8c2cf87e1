package io.quarkube.apiserver.proxy;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
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

  /** Upgrades the request and pumps the paused kubelet response into it, pausing while the socket is full. */
  static void stream(RoutingContext ctx, HttpClientResponse upstream) {
    HttpConnection kubelet = upstream.request().connection();
    ctx.vertx().runOnContext(v -> ctx.request().toWebSocket().onComplete(ar -> {
      if (ar.failed()) {
        kubelet.close();
        return;
      }
      ServerWebSocket ws = ar.result();
      boolean base64 = BASE64.equals(ws.subProtocol());
      ws.closeHandler(x -> kubelet.close());
      ws.drainHandler(x -> upstream.resume());
      upstream.handler(chunk -> {
        if (base64) {
          ws.writeTextMessage(Base64.getEncoder().encodeToString(chunk.getBytes()));
        } else {
          ws.writeBinaryMessage(Buffer.buffer(chunk.getBytes()));
        }
        if (ws.writeQueueFull()) {
          upstream.pause();
        }
      });
      upstream.endHandler(x -> ws.close());
      upstream.exceptionHandler(e -> ws.close());
      upstream.resume();
    }));
  }
}
