package io.quarkube.kubelet.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HTTPGetActionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The texts of failed probes, which upstream's prober puts after "<Kind> probe failed: " (pkg/probe). */
class ProbeMessagesTest {
  private final ProbeRunner runner = new ProbeRunner(null);

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void aFailedCommandReportsItsOutputOnly() {
    ProbeRunner.Outcome silent = ProbeRunner.execOutcome(1, "");
    assertFalse(silent.success());
    assertEquals("", silent.output(), "test -f /tmp/ready says nothing, and nor does the event");
    assertEquals("cat: can't open '/tmp/ready': No such file or directory\n",
        ProbeRunner.execOutcome(1, "cat: can't open '/tmp/ready': No such file or directory\n").output());
  }

  @Test
  void tcpReportsGoDialErrors() throws IOException {
    int port = closedPort();
    ProbeRunner.Outcome refused = ProbeRunner.tcp("127.0.0.1", port, 1);
    assertFalse(refused.success());
    assertEquals("dial tcp 127.0.0.1:" + port + ": connect: connection refused", refused.output());
  }

  @Test
  void httpReportsTheUrlAndTheDialError() throws IOException {
    int port = closedPort();
    ProbeRunner.Outcome refused = runner.httpGet(new HTTPGetActionBuilder().withPath("/healthz")
        .withPort(new IntOrString(port)).build(), new ContainerBuilder().build(), "127.0.0.1", 1);
    assertFalse(refused.success());
    assertEquals("Get \"http://127.0.0.1:" + port + "/healthz\": dial tcp 127.0.0.1:" + port
        + ": connect: connection refused", refused.output());
  }

  @Test
  void httpReportsABadStatus() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      exchange.sendResponseHeaders(503, -1);
      exchange.close();
    });
    server.start();
    try {
      ProbeRunner.Outcome failed = runner.httpGet(new HTTPGetActionBuilder().withPath("/")
          .withPort(new IntOrString(server.getAddress().getPort())).build(), new ContainerBuilder().build(),
          "127.0.0.1", 10); // generous: a loaded build machine must not turn the answer into a timeout
      assertEquals("HTTP probe failed with statuscode: 503", failed.output());
    } finally {
      server.stop(0);
    }
  }
}
