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
public final class Api {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Api() {}

  /** What the server answered. */
  public record Response(int code, String contentType, String body, List<String> warnings) {
    public JsonNode json() {
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

  public static Response get(String path, String accept) {
    return send("GET", path, null, null, accept);
  }

  public static Response send(String method, String path, String contentType, String body, String accept) {
    return send(Cluster.client(), method, path, contentType, body, accept);
  }

  /** {@link #send} through the given client (one configured not to retry server errors, say). */
  public static Response send(io.fabric8.kubernetes.client.KubernetesClient client, String method, String path,
      String contentType, String body, String accept) {
    HttpClient http = client.getHttpClient();
    String base = client.getMasterUrl().toString().replaceAll("/$", "");
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

  /**
   * Checks discovery as upstream's "API operations" conformance tests do: the group/version in /apis, the version in
   * /apis/&lt;group&gt;, and each resource (or subresource, "ingresses/status") in /apis/&lt;group&gt;/&lt;version&gt;.
   */
  public static void assertDiscovered(String group, String version, String... resources) {
    JsonNode groups = get("/apis", "application/json").json();
    boolean listed = false;
    for (JsonNode g : groups.path("groups")) {
      for (JsonNode v : g.path("versions")) {
        listed |= g.path("name").asText().equals(group) && v.path("version").asText().equals(version);
      }
    }
    if (!listed) {
      throw new AssertionError(group + "/" + version + " not in /apis: " + groups);
    }
    JsonNode groupDoc = get("/apis/" + group, "application/json").json();
    boolean versioned = false;
    for (JsonNode v : groupDoc.path("versions")) {
      versioned |= v.path("version").asText().equals(version);
    }
    if (!versioned) {
      throw new AssertionError(version + " not in /apis/" + group + ": " + groupDoc);
    }
    java.util.Set<String> names = new java.util.HashSet<>();
    get("/apis/" + group + "/" + version, "application/json").json().path("resources")
        .forEach(r -> names.add(r.path("name").asText()));
    if (!names.containsAll(List.of(resources))) {
      throw new AssertionError(List.of(resources) + " not all in /apis/" + group + "/" + version + ": " + names);
    }
  }

  public static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
