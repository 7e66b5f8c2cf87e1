package io.quarkube.conformance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.apimachinery.Api;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Upstream's "Kubectl client Proxy server" tests: {@code kubectl proxy} on a port the kernel picks (the port it
 * prints) and on a unix socket passes the API through, so {@code /api/} answers the core API's versions.
 */
class KubectlProxyTest {
  private static final Pattern SERVING = Pattern.compile("Starting to serve on 127\\.0\\.0\\.1:(\\d+)");
  private final Kubectl kubectl = Kubectl.stock();

  @Conformance("cli.proxy")
  @Test
  void proxyOnPortZeroServesTheApi() throws Exception {
    Process proxy = kubectl.start("proxy", "-p", "0", "--disable-filter");
    try {
      int port = CompletableFuture.supplyAsync(() -> servingPort(proxy)).get(60, TimeUnit.SECONDS);
      // HTTP/1.1 as upstream's curl: the client's h2c upgrade offer would go through the proxy as a stream upgrade
      HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/api/")).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      assertCoreVersions(r.body());
    } finally {
      proxy.destroy();
      proxy.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Conformance("cli.proxy")
  @Test
  void proxyOnAUnixSocketServesTheApi() throws Exception {
    Path dir = Files.createTempDirectory("kubectl-proxy-unix");
    Path socket = dir.resolve("test");
    Process proxy = kubectl.start("proxy", "--unix-socket=" + socket);
    try {
      Await.until(Duration.ofSeconds(60), "kubectl proxy listens on " + socket, () -> Files.exists(socket));
      String response = getOverUnixSocket(socket, "/api/");
      assertTrue(response.startsWith("HTTP/1.1 200"), response);
      int end = response.indexOf("\r\n\r\n");
      String body = response.substring(end + 4);
      assertCoreVersions(response.substring(0, end).toLowerCase().contains("transfer-encoding: chunked")
          ? dechunk(body) : body);
    } finally {
      proxy.destroy();
      proxy.waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(socket);
      Files.deleteIfExists(dir);
    }
  }

  /** Upstream's check: the body is APIVersions listing v1. */
  private static void assertCoreVersions(String body) {
    JsonNode versions = Api.parse(body);
    assertEquals("APIVersions", versions.path("kind").asText(), body);
    assertTrue(versions.path("versions").toString().contains("\"v1\""), body);
  }

  private static String dechunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (true) {
      int lineEnd = chunked.indexOf("\r\n", at);
      int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
      if (size == 0) {
        return out.toString();
      }
      out.append(chunked, lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
  }

  private static int servingPort(Process proxy) {
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(proxy.getInputStream(), StandardCharsets.UTF_8));
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        Matcher m = SERVING.matcher(line);
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
      }
      throw new IllegalStateException("kubectl proxy ended without saying where it serves");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One HTTP/1.1 request over the socket; the proxy closes the connection after answering it. */
  private static String getOverUnixSocket(Path socket, String path) throws IOException {
    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      ch.write(ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII)));
      StringBuilder response = new StringBuilder();
      ByteBuffer buf = ByteBuffer.allocate(8192);
      while (ch.read(buf) >= 0) {
        buf.flip();
        response.append(StandardCharsets.UTF_8.decode(buf));
        buf.clear();
      }
      return response.toString();
    }
  }
}
