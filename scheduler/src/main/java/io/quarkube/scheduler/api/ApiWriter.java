package io.quarkube.scheduler.api;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Raw writes through the Fabric8 client's HTTP client (its TLS and credentials), for the calls whose exact wire
 * form matters: the binding subresource, strategic-merge status patches, and others where the typed DSL would add a
 * GET first. Asynchronous so the binding pool is not the limit on how many writes are in flight.
 */
public final class ApiWriter {
  public static final String JSON = "application/json";
  public static final String MERGE_PATCH = "application/merge-patch+json";
  public static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";

  private final HttpClient http;
  private final String base;

  public ApiWriter(KubernetesClient client) {
    this.http = client.getHttpClient();
    String url = client.getMasterUrl().toString();
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** A response: status code and body. */
  public record Response(int code, String body) {
    public boolean ok() {
      return code >= 200 && code < 300;
    }
  }

  public CompletableFuture<Response> send(String method, String path, String contentType, String body) {
    HttpRequest.Builder b = http.newHttpRequestBuilder().uri(base + path).timeout(30, TimeUnit.SECONDS)
        .header("Accept", JSON);
    HttpRequest req = switch (method) {
      case "POST" -> b.post(contentType, body).build();
      case "PUT" -> b.put(contentType, body).build();
      case "PATCH" -> b.patch(contentType, body).build();
      case "DELETE" -> b.delete(contentType, body == null ? "" : body).build();
      default -> b.method(method, contentType, body).build();
    };
    return http.sendAsync(req, String.class).thenApply(ApiWriter::toResponse);
  }

  private static Response toResponse(HttpResponse<String> r) {
    return new Response(r.code(), r.body());
  }

  public static String podPath(String namespace, String name) {
    return "/api/v1/namespaces/" + namespace + "/pods/" + name;
  }
}
