package io.quarkube.apiserver.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.openapi.OpenApiDocuments;
import io.quarkube.apiserver.resource.ResourceCatalog;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.quarkube.apiserver.table.TableConverter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in API server on loopback that serves only what this test suite owns (discovery, OpenAPI, tables of
 * canned objects, and an echo for creates) so that the real kubectl 1.32 can be pointed at it. Tests that use it
 * are skipped where kubectl 1.32 is not installed.
 */
public final class KubectlHarness implements AutoCloseable {
  private static final List<Path> KUBECTL_CANDIDATES = List.of(
      Path.of("/usr/lib/google-cloud-sdk/bin/kubectl.1.32"), Path.of("/usr/local/bin/kubectl.1.32"),
      Path.of("/usr/bin/kubectl.1.32"));

  private final ResourceCatalog catalog = ResourceCatalog.builtIn();
  private final DiscoveryDocuments discovery = new DiscoveryDocuments(catalog);
  private final OpenApiDocuments openApi = new OpenApiDocuments(catalog);
  private final TableConverter tables = new TableConverter();
  private final Map<String, List<ObjectNode>> objects = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final HttpServer server;
  private final Path dir;
  private final Instant now;

  public KubectlHarness(Instant now) throws IOException {
    this.now = now;
    this.dir = Files.createTempDirectory("kubectl-harness");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
    String config = "apiVersion: v1\nkind: Config\nclusters:\n- name: t\n  cluster:\n    server: http://127.0.0.1:"
        + server.getAddress().getPort() + "\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: c\n"
        + "  context:\n    cluster: t\n    user: u\n    namespace: default\ncurrent-context: c\n";
    Files.writeString(dir.resolve("config"), config);
  }

  /** The kubectl 1.32 binary, if this machine has one. */
  public static Optional<Path> kubectl() {
    return KUBECTL_CANDIDATES.stream().filter(Files::isExecutable).findFirst();
  }

  /** Objects that list requests for this group/resource answer with. */
  public void serve(String group, String resource, List<ObjectNode> list) {
    objects.put(group + "/" + resource, list);
  }

  /** The bodies of the POST and PATCH requests seen so far. */
  public List<String> bodies() {
    return bodies;
  }

  /** The requests seen so far, as {@code METHOD path?query}. */
  public List<String> requests() {
    return requests;
  }

  /** Runs kubectl with the arguments against this server; returns stdout, failing on a non-zero exit. */
  public String run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(kubectl().orElseThrow().toString());
    cmd.add("--kubeconfig=" + dir.resolve("config"));
    cmd.add("--cache-dir=" + dir.resolve("cache"));
    cmd.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("stderr").toFile()).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("kubectl did not finish: " + cmd);
    }
    String stdout = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new AssertionError("kubectl " + String.join(" ", args) + " exited " + p.exitValue() + ":\n" + stdout
          + Files.readString(dir.resolve("stderr")));
    }
    return stdout;
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String query = ex.getRequestURI().getRawQuery();
      String method = ex.getRequestMethod();
      requests.add(method + " " + path + (query == null ? "" : "?" + query));
      String accept = ex.getRequestHeaders().getFirst("Accept");
      if (method.equals("POST") || method.equals("PATCH")) {
        byte[] body = ex.getRequestBody().readAllBytes();
        bodies.add(new String(body, StandardCharsets.UTF_8));
        if (method.equals("POST")) {
          // a create answers with what it stored: here, what it was sent
          send(ex, 201, "application/json", body);
          return;
        }
        // a patch answers with the object; this stand-in does not apply the patch
      }
      Optional<String> aggregated = DiscoveryDocuments.aggregatedVersion(accept);
      if (path.equals("/version")) {
        json(ex, Json.MAPPER.readTree("{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.4\","
            + "\"platform\":\"linux/amd64\"}"));
      } else if ((path.equals("/api") || path.equals("/apis")) && aggregated.isPresent()) {
        send(ex, 200, DiscoveryDocuments.aggregatedContentType(aggregated.get()),
            Json.bytes(discovery.aggregatedDiscovery(path.equals("/api"), aggregated.get())));
      } else if (path.equals("/api")) {
        json(ex, discovery.apiVersions("127.0.0.1"));
      } else if (path.equals("/apis")) {
        json(ex, discovery.apiGroupList());
      } else if (path.equals("/openapi/v3")) {
        json(ex, openApi.v3Index());
      } else if (path.startsWith("/openapi/v3/")) {
        Optional<byte[]> doc = openApi.v3GroupVersionJson(path);
        if (doc.isPresent()) {
          send(ex, 200, "application/json", doc.get());
        } else {
          notFound(ex);
        }
      } else {
        resourcePath(ex, path, accept);
      }
    }
  }

  private void resourcePath(HttpExchange ex, String path, String accept) throws IOException {
    List<String> parts = new ArrayList<>(Arrays.asList(path.substring(1).split("/")));
    String group;
    String version;
    if (parts.get(0).equals("api") && parts.size() >= 2) {
      group = "";
      version = parts.get(1);
      parts = parts.subList(2, parts.size());
    } else if (parts.get(0).equals("apis") && parts.size() >= 3) {
      group = parts.get(1);
      version = parts.get(2);
      parts = parts.subList(3, parts.size());
    } else if (parts.get(0).equals("apis") && parts.size() == 2) {
      Optional<ObjectNode> g = discovery.apiGroup(parts.get(1));
      if (g.isPresent()) {
        json(ex, g.get());
      } else {
        notFound(ex);
      }
      return;
    } else {
      notFound(ex);
      return;
    }
    if (parts.isEmpty()) {
      Optional<ObjectNode> list = discovery.apiResourceList(group, version);
      if (list.isPresent()) {
        json(ex, list.get());
      } else {
        notFound(ex);
      }
      return;
    }
    if (parts.get(0).equals("namespaces") && parts.size() >= 3) {
      parts = parts.subList(2, parts.size());
    }
    Optional<ResourceDefinition> def = catalog.find(group, version, parts.get(0));
    List<ObjectNode> items = objects.get(group + "/" + parts.get(0));
    if (def.isEmpty() || items == null) {
      notFound(ex);
      return;
    }
    if (parts.size() > 1) {
      String name = parts.get(1);
      Optional<ObjectNode> one = items.stream().filter(o -> o.at("/metadata/name").asText().equals(name))
          .findFirst();
      if (one.isPresent()) {
        json(ex, one.get());
      } else {
        notFound(ex);
      }
      return;
    }
    if (accept != null && accept.contains("as=Table")) {
      String include = ex.getRequestURI().getQuery() != null && ex.getRequestURI().getQuery()
          .contains("includeObject=Object") ? TableConverter.INCLUDE_OBJECT : TableConverter.INCLUDE_METADATA;
      json(ex, tables.toTable(def.get(), items, "42", null, include, now));
      return;
    }
    ObjectNode list = Json.MAPPER.createObjectNode();
    list.put("kind", def.get().listKind());
    list.put("apiVersion", def.get().apiVersion());
    list.putObject("metadata").put("resourceVersion", "42");
    ArrayNode a = list.putArray("items");
    items.forEach(a::add);
    json(ex, list);
  }

  private static void notFound(HttpExchange ex) throws IOException {
    send(ex, 404, "application/json", ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
        + "\"reason\":\"NotFound\",\"code\":404,\"message\":\"the server could not find the requested resource\"}")
        .getBytes(StandardCharsets.UTF_8));
  }

  private static void json(HttpExchange ex, JsonNode body) throws IOException {
    send(ex, 200, "application/json", Json.bytes(body));
  }

  private static void send(HttpExchange ex, int code, String contentType, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(code, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }
}
