package io.quarkube.conformance.apimachinery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.quarkube.conformance.Cluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Raw HTTP to the API server with the admin's credentials (the Fabric8 client's own HTTP client), for what typed
 * clients hide: Accept headers, status codes, Warning headers, subresources without a typed call.
 */
final class Api {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Api() {}

  /** What the server answered. */
  record Response(int code, String contentType, String body, List<String> warnings) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + code + " " + contentType + "): " + body, e);
      }
    }

    @Override
    public String toString() {
      return code + " " + contentType + " " + (body.length() > 500 ? body.substring(0, 500) + "…" : body);
    }
  }

  static Response get(String path, String accept) {
    return send("GET", path, null, null, accept);
  }

  static Response send(String method, String path, String contentType, String body, String accept) {
    HttpClient http = Cluster.client().getHttpClient();
    String base = Cluster.client().getMasterUrl().toString().replaceAll("/$", "");
    HttpRequest.Builder b = http.newHttpRequestBuilder().uri(base + path);
    if (accept != null) {
      b.header("Accept", accept);
    }
    if (body != null) {
      b.method(method, contentType, body);
    } else if (!method.equals("GET")) {
      b.method(method, "application/json", "");
    }
    try {
      HttpResponse<String> r = http.sendAsync(b.build(), String.class).get(60, TimeUnit.SECONDS);
      return new Response(r.code(), String.valueOf(r.header("Content-Type")), r.body() == null ? "" : r.body(),
          r.headers("Warning"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(method + " " + path, e);
    }
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
