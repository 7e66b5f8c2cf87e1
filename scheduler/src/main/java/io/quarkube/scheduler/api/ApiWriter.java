package io.quarkube.scheduler.api;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Raw writes through the Fabric8 client's HTTP client (its TLS and credentials), for the calls whose exact wire
 * form matters: the binding subresource, strategic-merge status patches, and others where the typed DSL would add a
 * GET first. Asynchronous, with a bound on the calls in flight: the client opens a connection (a TLS handshake on
 * both sides) per concurrent request, and a few busy connections carry a thousand bindings a second as well as a
 * hundred would, at a fraction of the handshakes. Events have their own, smaller lane with a bounded queue, so a
 * burst of events neither delays bindings nor piles up without limit.
 */
public final class ApiWriter {
  public static final String JSON = "application/json";
  public static final String MERGE_PATCH = "application/merge-patch+json";
  public static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
  /** Queued events beyond this are dropped, as client-go's event broadcaster drops when its queue is full. */
  static final int MAX_QUEUED_EVENTS = 1000;

  private final Transport transport;
  private final InFlightLimit writes;
  private final InFlightLimit events;

  /** How a request reaches the API server. */
  interface Transport {
    CompletableFuture<Response> call(String method, String path, String contentType, String body);

    default void close() {}
  }

  /**
   * Writes over Vert.x directly when the client authenticates with a certificate (see {@link DirectHttp}), else
   * through the Fabric8 client's HTTP client.
   */
  public static ApiWriter create(KubernetesClient client, Vertx vertx, int maxInFlightWrites, int maxInFlightEvents)
      throws Exception {
    boolean direct = Boolean.parseBoolean(System.getProperty("quarkube.scheduler.direct-writes", "true"));
    Optional<DirectHttp> directHttp = direct
        ? DirectHttp.of(vertx, client.getConfiguration(), maxInFlightWrites + maxInFlightEvents) : Optional.empty();
    Transport t = directHttp.isPresent() ? directHttp.get() : new FabricHttp(client);
    return new ApiWriter(t, maxInFlightWrites, maxInFlightEvents);
  }

  ApiWriter(Transport transport, int maxInFlightWrites, int maxInFlightEvents) {
    this.transport = transport;
    this.writes = new InFlightLimit(maxInFlightWrites, 0);
    this.events = new InFlightLimit(maxInFlightEvents, MAX_QUEUED_EVENTS);
  }

  public boolean direct() {
    return transport instanceof DirectHttp;
  }

  public void close() {
    transport.close();
  }

  /** A response: status code and body (decoded only when asked for: successful writes never need it). */
  public record Response(int code, byte[] bytes) {
    public boolean ok() {
      return code >= 200 && code < 300;
    }

    public String body() {
      return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
    }
  }

  public CompletableFuture<Response> send(String method, String path, String contentType, String body) {
    return writes.submit(() -> call(method, path, contentType, body));
  }

  /**
   * An event write: in its own lane, dropped (the future fails with a "dropped" exception) when
   * {@value #MAX_QUEUED_EVENTS} event writes are already waiting.
   */
  public CompletableFuture<Response> sendEvent(String method, String path, String contentType, String body) {
    return events.submit(() -> call(method, path, contentType, body));
  }

  private CompletableFuture<Response> call(String method, String path, String contentType, String body) {
    return transport.call(method, path, contentType, body);
  }

  /** Through the Fabric8 client's HTTP client: its interceptors apply tokens, proxies and auth providers. */
  private static final class FabricHttp implements Transport {
    private final HttpClient http;
    private final String base;

    FabricHttp(KubernetesClient client) {
      this.http = client.getHttpClient();
      String url = client.getMasterUrl().toString();
      this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public CompletableFuture<Response> call(String method, String path, String contentType, String body) {
      HttpRequest.Builder b = http.newHttpRequestBuilder().uri(base + path).timeout(30, TimeUnit.SECONDS)
          .header("Accept", JSON);
      HttpRequest req = switch (method) {
        case "POST" -> b.post(contentType, body).build();
        case "PUT" -> b.put(contentType, body).build();
        case "PATCH" -> b.patch(contentType, body).build();
        case "DELETE" -> b.delete(contentType, body == null ? "" : body).build();
        default -> b.method(method, contentType, body).build();
      };
      return http.sendAsync(req, byte[].class).thenApply(ApiWriter::toResponse);
    }
  }

  private static Response toResponse(HttpResponse<byte[]> r) {
    return new Response(r.code(), r.body());
  }

  public static String podPath(String namespace, String name) {
    return "/api/v1/namespaces/" + namespace + "/pods/" + name;
  }
}
