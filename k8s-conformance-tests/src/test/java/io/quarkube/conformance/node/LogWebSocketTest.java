package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.http.WebSocket;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code pods/log} over a WebSocket, as dashboards read it: {@code binary.k8s.io} gives the log in binary messages,
 * {@code base64.binary.k8s.io} in base64 text messages; the socket closes when a non-following log ends.
 */
@Conformance({"node.logs", "node.logs-websocket"})
@ExtendWith(TestNamespace.class)
class LogWebSocketTest {

  @Test
  void logsStreamOverWebSocketInBothSubprotocols(String ns) throws Exception {
    RealNode.client().resource(new PodBuilder().withNewMetadata().withName("talker").withNamespace(ns).endMetadata()
        .withNewSpec().withNodeName(RealNode.name()).withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName("main").withImage("busybox")
        .withCommand("sh", "-c", "echo line-1; echo line-2; echo line-3; sleep 3600").endContainer().endSpec()
        .build()).create();
    RealNode.awaitPhase(ns, "talker", "Running", Duration.ofSeconds(60));
    String path = "/api/v1/namespaces/" + ns + "/pods/talker/log?container=main";
    // the container may still be writing its lines when it is Running: read until all three are there
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Received binary;
    do {
      binary = read(path, "binary.k8s.io");
    } while (!binary.text().contains("line-3") && System.nanoTime() < deadline);
    assertEquals("line-1\nline-2\nline-3\n", binary.text());
    assertTrue(binary.binaryMessages() > 0 && binary.textMessages() == 0, binary.toString());
    Received base64 = read(path, "base64.binary.k8s.io");
    assertEquals("line-1\nline-2\nline-3\n", base64.text());
    assertTrue(base64.textMessages() > 0 && base64.binaryMessages() == 0, base64.toString());
  }

  private record Received(String text, int binaryMessages, int textMessages) {}

  private static Received read(String path, String subprotocol) throws Exception {
    var client = RealNode.client();
    URI uri = URI.create(client.getMasterUrl().toString().replaceFirst("/$", "") + path);
    StringBuilder text = new StringBuilder();
    int[] counts = new int[2];
    CompletableFuture<Void> closed = new CompletableFuture<>();
    client.getHttpClient().newWebSocketBuilder().subprotocol(subprotocol).uri(uri)
        .buildAsync(new WebSocket.Listener() {
          @Override
          public void onOpen(WebSocket ws) {
            ws.request();
          }

          @Override
          public void onMessage(WebSocket ws, ByteBuffer bytes) {
            byte[] b = new byte[bytes.remaining()];
            bytes.get(b);
            synchronized (text) {
              text.append(new String(b, StandardCharsets.UTF_8));
              counts[0]++;
            }
            ws.request();
          }

          @Override
          public void onMessage(WebSocket ws, String message) {
            synchronized (text) {
              text.append(new String(Base64.getDecoder().decode(message), StandardCharsets.UTF_8));
              counts[1]++;
            }
            ws.request();
          }

          @Override
          public void onClose(WebSocket ws, int code, String reason) {
            closed.complete(null);
          }

          @Override
          public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
          }
        }).get(30, TimeUnit.SECONDS);
    closed.get(30, TimeUnit.SECONDS);
    synchronized (text) {
      return new Received(text.toString(), counts[0], counts[1]);
    }
  }
}
