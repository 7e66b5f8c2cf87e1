package io.quarkube.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * The benchmarks' HTTP client: java.net.http over HTTP/1.1 with a keep-alive connection pool and the admin client
 * certificate. Deliberately thin (no typed client, no JSON decoding on the hot path) so the figures are the server's,
 * and the same client is used against the loopback echo server that gives the transport floor.
 */
public final class Api implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final HttpClient http;
  private final ExecutorService executor;

  public Api(String base, SSLContext tls) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "bench-http");
      t.setDaemon(true);
      return t;
    });
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls).executor(executor)
        .connectTimeout(Duration.ofSeconds(60)).build();
  }

  public HttpClient http() {
    return http;
  }

  public URI uri(String path) {
    return URI.create(base + path);
  }

  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(120));
  }

  public HttpResponse<byte[]> send(HttpRequest req) throws IOException, InterruptedException {
    return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
  }

  /** POST JSON; fails on anything but 2xx. */
  public HttpResponse<byte[]> post(String path, byte[] json) throws IOException, InterruptedException {
    return expectOk(send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(json)).build()), "POST " + path);
  }

  public HttpResponse<byte[]> get(String path, String accept) throws IOException, InterruptedException {
    return expectOk(send(request(path).header("Accept", accept).GET().build()), "GET " + path);
  }

  public JsonNode getJson(String path) throws IOException, InterruptedException {
    return JSON.readTree(get(path, "application/json").body());
  }

  public HttpResponse<byte[]> patch(String path, String contentType, byte[] body)
      throws IOException, InterruptedException {
    return expectOk(send(request(path).header("Content-Type", contentType)
        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body)).build()), "PATCH " + path);
  }

  /** DELETE; 404 counts as done. */
  public int delete(String path, String body) throws IOException, InterruptedException {
    // Deleting a collection of thousands of objects takes the server a while: give it ten minutes.
    HttpRequest.Builder b = request(path).timeout(Duration.ofMinutes(10)).header("Content-Type", "application/json");
    b.method("DELETE", body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<byte[]> r = send(b.build());
    if (r.statusCode() != 404) {
      expectOk(r, "DELETE " + path);
    }
    return r.statusCode();
  }

  static HttpResponse<byte[]> expectOk(HttpResponse<byte[]> r, String what) throws IOException {
    if (r.statusCode() / 100 != 2) {
      String body = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
      throw new IOException(what + " answered " + r.statusCode() + ": " + body.substring(0, Math.min(300, body.length())));
    }
    return r;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
