package io.quarkube.machinery.httpstream;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A server taking over the connection of an upgrade request, as the API server and the kubelet do for streams. */
class ConnectionUpgradeTest {
  private final Vertx vertx = Vertx.vertx();
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    // As the stream handlers: the request is paused while the other side is prepared, then upgraded to an echo.
    server = vertx.createHttpServer().requestHandler(request -> {
      request.pause();
      vertx.setTimer(50, t -> {
        request.response().putHeader("Connection", "Upgrade").putHeader("Upgrade", "SPDY/3.1");
        ConnectionUpgrade.toNetSocket(request).onComplete(ar -> {
          if (ar.failed()) {
            request.response().setStatusCode(500).end(ar.cause().getMessage());
          } else {
            ar.result().handler(ar.result()::write);
          }
        });
      });
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST", "GET"})
  void anUpgradeOfAnyMethodBecomesARawConnection(String method) throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.actualPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write((method + " /exec HTTP/1.1\r\nHost: node\r\nConnection: Upgrade\r\n"
          + "Upgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n"
          + (method.equals("POST") ? "Content-Length: 0\r\n" : "") + "\r\n").getBytes(US_ASCII));
      String head = head(s.getInputStream());
      assertTrue(head.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), head);
      assertTrue(head.contains("Upgrade: SPDY/3.1"), head);

      byte[] frame = new byte[] {(byte) 0x80, 3, 0, 1, 0, 0, 0, 4, 'p', 'i', 'n', 'g'};
      s.getOutputStream().write(frame);
      assertEquals(new String(frame, US_ASCII), new String(s.getInputStream().readNBytes(frame.length), US_ASCII),
          "bytes after the 101 are the connection's own, not HTTP");
    }
  }

  private static String head(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (!out.toString(US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      out.write(b);
    }
    return out.toString(US_ASCII);
  }
}
