package io.quarkube.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The transport floor: a minimal Vert.x HTTPS server on loopback, with the API server's own certificate (same TLS
 * setup), that answers GET /bytes with fixed bytes and holds GET /stream responses open (chunked) to push one line to
 * all of them at once. The same client measures it and the API server, so figure ÷ floor is what the API server adds.
 */
final class EchoServer implements AutoCloseable {
  private final Vertx vertx;
  private final HttpServer server;
  /** The open streams by the event loop of their connection. */
  private final Map<Context, List<HttpServerResponse>> streams = new ConcurrentHashMap<>();
  private volatile Buffer payload = Buffer.buffer("{}");

  EchoServer(Path pki) throws Exception {
    // As many event loops as the API server has cores to use (Vert.x's default is 2 × cores).
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2 * Runtime.getRuntime().availableProcessors()));
    // TLS records encrypted into pooled buffers, as the API server's (PooledTlsBuffers).
    HttpServerOptions opts = new HttpServerOptions().setSsl(true).setHost("127.0.0.1").setPort(0)
        .setSslEngineOptions(new JdkSSLEngineOptions().setPooledHeapBuffers(true))
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(pki.resolve("apiserver.crt").toString())
            .setKeyPath(pki.resolve("apiserver.key").toString()));
    server = vertx.createHttpServer(opts).requestHandler(req -> {
      if (req.path().equals("/stream")) {
        HttpServerResponse resp = req.response().setChunked(true).putHeader("Content-Type", "application/json");
        resp.write("\n"); // sends the headers now; clients skip blank lines
        // Keyed by the connection's event-loop context (a request runs on a duplicate of it).
        List<HttpServerResponse> onLoop = streams.computeIfAbsent(((ContextInternal) Vertx.currentContext()).unwrap(),
            c -> new CopyOnWriteArrayList<>());
        onLoop.add(resp);
        resp.closeHandler(v -> onLoop.remove(resp));
      } else {
        req.response().putHeader("Content-Type", "application/json").end(payload);
      }
    }).listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  int port() {
    return server.actualPort();
  }

  void payload(byte[] bytes) {
    payload = Buffer.buffer(bytes);
  }

  /**
   * Writes one line to every open stream: one task per event loop writes it to all the streams of that loop, as the
   * API server's watch fan-out does (LoopWrites), instead of one hand-off per write.
   */
  void push(String line) {
    Buffer b = Buffer.buffer(line + "\n");
    streams.forEach((loop, onLoop) -> loop.runOnContext(v -> {
      for (HttpServerResponse r : onLoop) {
        r.write(b);
      }
    }));
  }

  @Override
  public void close() throws Exception {
    for (HttpServerResponse r : streams.values().stream().flatMap(List::stream).toList()) {
      try {
        r.end();
      } catch (RuntimeException e) {
        // already closed
      }
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
