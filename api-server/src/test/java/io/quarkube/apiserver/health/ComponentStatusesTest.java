package io.quarkube.apiserver.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.ComponentCondition;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** componentstatuses' probes: upstream's HTTP prober's outcomes and texts. */
class ComponentStatusesTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void healthyComponentReportsItsHealthzBody() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/healthz", ex -> {
      byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, ok.length);
      ex.getResponseBody().write(ok);
      ex.close();
    });
    server.start();
    try {
      ComponentCondition c = ComponentStatuses.httpCheck(http, "127.0.0.1",
          Optional.of(server.getAddress().getPort()), 10259, "scheduler");
      assertEquals("Healthy", c.getType());
      assertEquals("True", c.getStatus());
      assertEquals("ok", c.getMessage());
      assertNull(c.getError());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void failingHealthzIsUnhealthyWithTheStatusCode() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/healthz", ex -> {
      ex.sendResponseHeaders(500, -1);
      ex.close();
    });
    server.start();
    try {
      ComponentCondition c = ComponentStatuses.httpCheck(http, "127.0.0.1",
          Optional.of(server.getAddress().getPort()), 10259, "scheduler");
      assertEquals("False", c.getStatus());
      assertEquals("HTTP probe failed with statuscode: 500", c.getMessage());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void nothingListeningIsUnhealthyWithGosConnectionRefused() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ComponentCondition c = ComponentStatuses.httpCheck(http, "127.0.0.1", Optional.of(port), 10257, "controllers");
    assertEquals("False", c.getStatus());
    assertEquals("Get \"http://127.0.0.1:" + port + "/healthz\": dial tcp 127.0.0.1:" + port
        + ": connect: connection refused", c.getMessage());
  }

  @Test
  void unconfiguredPortIsUnhealthy() {
    ComponentCondition c = ComponentStatuses.httpCheck(http, "127.0.0.1", Optional.empty(), 10259, "scheduler");
    assertEquals("False", c.getStatus());
    assertTrue(c.getMessage().startsWith("Get \"https://127.0.0.1:10259/healthz\": "), c.getMessage());
    assertTrue(c.getMessage().contains("quarkube.scheduler.health-port"), c.getMessage());
  }
}
