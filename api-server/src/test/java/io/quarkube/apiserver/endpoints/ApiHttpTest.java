package io.quarkube.apiserver.endpoints;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.testing.EtcdTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The HTTP surface of the API server against a real etcd: verbs, Status errors, watch streams. */
@QuarkusTest
@QuarkusTestResource(EtcdTestResource.class)
class ApiHttpTest {

  private static String namespace() {
    String ns = "http-" + UUID.randomUUID().toString().substring(0, 8);
    given().contentType("application/json").body("{\"metadata\":{\"name\":\"" + ns + "\"}}")
        .post("/api/v1/namespaces").then().statusCode(201);
    return ns;
  }

  @Test
  void aLongListIsStreamedInChunksAndIsTheSameJson() {
    String ns = namespace();
    int n = 1_050; // ~1.1 MiB: far more than the 256 KiB a list may take before it is sent in chunks
    String pad = "x".repeat(1000);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        String body = "{\"metadata\":{\"name\":\"cm-" + i + "\"},\"data\":{\"k\":\"" + i + "\",\"pad\":\"" + pad
            + "\"}}";
        done.add(pool.submit(() -> given().contentType("application/json").body(body)
            .post("/api/v1/namespaces/" + ns + "/configmaps").then().statusCode(201)));
      }
      for (var f : done) {
        f.get();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      pool.shutdown();
    }
    var long_ = given().get("/api/v1/namespaces/" + ns + "/configmaps").then().statusCode(200)
        .header("Transfer-Encoding", "chunked").header("Content-Type", containsString("application/json"))
        .body("kind", equalTo("ConfigMapList")).body("items.size()", equalTo(n))
        .body("metadata.resourceVersion", notNullValue()).extract();
    // The same items as pages of the unstreamed form.
    var page = given().queryParam("limit", 500).get("/api/v1/namespaces/" + ns + "/configmaps").then()
        .statusCode(200).body("items.size()", equalTo(500)).extract();
    assertEquals((String) page.path("items[0].metadata.name"), (String) long_.path("items[0].metadata.name"));
    assertEquals((String) page.path("items[499].data.k"), (String) long_.path("items[499].data.k"));
    // As a Table (kubectl get), also written row by row.
    given().accept("application/json;as=Table;v=v1;g=meta.k8s.io, application/json")
        .get("/api/v1/namespaces/" + ns + "/configmaps").then().statusCode(200)
        .body("kind", equalTo("Table"))
        .body("columnDefinitions[0].name", equalTo("Name")).body("rows.size()", equalTo(n))
        .body("rows[0].cells[0]", equalTo((String) long_.path("items[0].metadata.name")))
        .body("rows[0].object.kind", equalTo("PartialObjectMetadata"));
    // From the watch cache (an informer's first list), at least as new as the list above.
    given().queryParam("resourceVersion", (String) long_.path("metadata.resourceVersion"))
        .queryParam("resourceVersionMatch", "NotOlderThan").get("/api/v1/namespaces/" + ns + "/configmaps")
        .then().statusCode(200).body("items.size()", equalTo(n));
    given().queryParam("resourceVersion", "0").queryParam("labelSelector", "none=here")
        .get("/api/v1/namespaces/" + ns + "/configmaps").then().statusCode(200).body("items.size()", equalTo(0));
  }

  @Test
  void systemNamespacesAndVersion() {
    given().get("/version").then().statusCode(200).body("major", equalTo("1")).body("minor", equalTo("32"));
    given().get("/readyz").then().statusCode(200);
    given().get("/api/v1/namespaces").then().statusCode(200).body("kind", equalTo("NamespaceList"))
        .body("items.metadata.name", hasItem("kube-system"));
  }

  @Test
  void aBindingSetsTheNodeAndAddsItsAnnotationsOnce() {
    String ns = namespace();
    String pods = "/api/v1/namespaces/" + ns + "/pods";
    // No controllers here: the namespace's default service account (ServiceAccount admission) is made by hand.
    given().contentType("application/json").body("{\"metadata\":{\"name\":\"default\"}}")
        .post("/api/v1/namespaces/" + ns + "/serviceaccounts").then().statusCode(201);
    given().contentType("application/json").body("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"b","annotations":{"mine":"kept"}},
         "spec":{"containers":[{"name":"c","image":"busybox"}]}}""").post(pods).then().statusCode(201);
    String binding = """
        {"apiVersion":"v1","kind":"Binding","metadata":{"name":"b","annotations":{"scheduled-by":"test"}},
         "target":{"apiVersion":"v1","kind":"Node","name":"node-1"}}""";
    given().contentType("application/json").body(binding).post(pods + "/b/binding").then().statusCode(201);
    given().get(pods + "/b").then().statusCode(200).body("spec.nodeName", equalTo("node-1"))
        .body("metadata.annotations.mine", equalTo("kept"))
        .body("metadata.annotations.scheduled-by", equalTo("test"))
        .body("status.conditions.find { it.type == 'PodScheduled' }.status", equalTo("True"))
        // As upstream's binding: the condition's transition time, no probe time.
        .body("status.conditions.find { it.type == 'PodScheduled' }.lastTransitionTime", notNullValue())
        .body("status.conditions.find { it.type == 'PodScheduled' }.lastProbeTime", nullValue());
    given().contentType("application/json").body(binding).post(pods + "/b/binding").then().statusCode(409)
        .body("reason", equalTo("Conflict"));
  }

  @Test
  void badListOptionsGetUpstreamsAnswers() {
    given().get("/api/v1/configmaps?resourceVersionMatch=NotOlderThan").then().statusCode(422)
        .body("reason", equalTo("Invalid"))
        .body("message", equalTo("ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: "
            + "resourceVersionMatch is forbidden unless resourceVersion is provided"));
    given().get("/api/v1/configmaps?resourceVersion=1&resourceVersionMatch=Soon").then().statusCode(422)
        .body("message", containsString("resourceVersionMatch: Unsupported value: \"Soon\""));
    given().get("/api/v1/configmaps?limit=1&continue=ab!cd").then().statusCode(400)
        .body("message", equalTo("continue key is not valid: illegal base64 data at input byte 2"));
  }

  @Test
  void protobufIsAnsweredWhenAskedForFirst() {
    String ns = namespace();
    String path = "/api/v1/namespaces/" + ns + "/configmaps";
    given().contentType("application/json")
        .body("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"p\"},\"data\":{\"k\":\"v\"}}")
        .post(path).then().statusCode(201);
    String typed = "application/vnd.kubernetes.protobuf, */*";
    var one = given().accept(typed).get(path + "/p").then().statusCode(200)
        .header("Content-Type", "application/vnd.kubernetes.protobuf").extract().asByteArray();
    var decoded = io.quarkube.proto.kube.KubeProtobuf.decode(one);
    assertEquals("ConfigMap", decoded.path("kind").asText());
    assertEquals("v", decoded.at("/data/k").asText());
    var list = io.quarkube.proto.kube.KubeProtobuf.decode(given().accept(typed).get(path).then().statusCode(200)
        .header("Content-Type", "application/vnd.kubernetes.protobuf").extract().asByteArray());
    assertEquals("ConfigMapList", list.path("kind").asText());
    assertEquals("p", list.at("/items/0/metadata/name").asText());
    // JSON first still gets JSON; a Table request is never protobuf
    given().accept("application/json, application/vnd.kubernetes.protobuf").get(path + "/p").then()
        .statusCode(200).header("Content-Type", "application/json").body("data.k", equalTo("v"));
    given().accept("application/json;as=Table;v=v1;g=meta.k8s.io, application/json").get(path).then()
        .statusCode(200).body("kind", equalTo("Table"));
  }

  @Test
  void createGetUpdateConflictDelete() {
    String ns = namespace();
    String path = "/api/v1/namespaces/" + ns + "/configmaps";
    String rv = given().contentType("application/json")
        .body("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"},\"data\":{\"k\":\"v\"}}")
        .post(path).then().statusCode(201).body("metadata.uid", notNullValue())
        .extract().path("metadata.resourceVersion");
    given().contentType("application/json").body("{\"metadata\":{\"name\":\"a\"}}").post(path).then()
        .statusCode(409).body("kind", equalTo("Status")).body("reason", equalTo("AlreadyExists"));
    given().contentType("application/json")
        .body("{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"" + rv + "\"},\"data\":{\"k\":\"2\"}}")
        .put(path + "/a").then().statusCode(200).body("data.k", equalTo("2"));
    given().contentType("application/json")
        .body("{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"" + rv + "\"},\"data\":{\"k\":\"3\"}}")
        .put(path + "/a").then().statusCode(409).body("reason", equalTo("Conflict"));
    given().get(path + "/a").then().statusCode(200).body("data.k", equalTo("2"));
    given().delete(path + "/a").then().statusCode(200);
    given().get(path + "/a").then().statusCode(404).body("reason", equalTo("NotFound"))
        .body("message", equalTo("configmaps \"a\" not found")).body("details.name", equalTo("a"));
  }

  @Test
  void badInputGetsTheRightStatusAndChangesNothing() {
    String ns = namespace();
    String path = "/api/v1/namespaces/" + ns + "/configmaps";
    given().contentType("application/json").body("{not json").post(path).then().statusCode(400)
        .body("reason", equalTo("BadRequest"));
    given().contentType("text/plain").body("x").post(path).then().statusCode(415)
        .body("reason", equalTo("UnsupportedMediaType"));
    given().contentType("application/json").body("{\"metadata\":{\"name\":\"UPPER\"}}").post(path).then()
        .statusCode(422).body("reason", equalTo("Invalid")).body("details.causes[0].field", equalTo("metadata.name"));
    String big = "{\"metadata\":{\"name\":\"big\"},\"data\":{\"k\":\"" + "x".repeat(3 * 1024 * 1024 + 10) + "\"}}";
    given().contentType("application/json").body(big).post(path).then().statusCode(413)
        .body("reason", equalTo("RequestEntityTooLarge"));
    given().get("/api/v1/namespaces/" + ns + "/nothings").then().statusCode(404);
    given().contentType("application/json").body("{}").post(path + "/named").then().statusCode(405)
        .body("reason", equalTo("MethodNotAllowed"));
    given().contentType("application/json").body("{\"metadata\":{\"name\":\"x\"}}")
        .post("/api/v1/namespaces/missing-" + ns + "/configmaps").then().statusCode(404)
        .body("message", containsString("namespaces \"missing-" + ns + "\" not found"));
    given().get(path).then().statusCode(200).body("items.size()", equalTo(0));
  }

  @Test
  void pagingAndSelectorsOverHttp() {
    String ns = namespace();
    String path = "/api/v1/namespaces/" + ns + "/configmaps";
    for (int i = 0; i < 5; i++) {
      given().contentType("application/json")
          .body("{\"metadata\":{\"name\":\"c" + i + "\",\"labels\":{\"n\":\"" + i + "\"}}}").post(path).then()
          .statusCode(201);
    }
    String cont = given().queryParam("limit", 2).get(path).then().statusCode(200).body("items.size()", equalTo(2))
        .extract().path("metadata.continue");
    given().queryParam("limit", 2).queryParam("continue", cont).get(path).then().statusCode(200)
        .body("items[0].metadata.name", equalTo("c2"));
    given().queryParam("labelSelector", "n in (1,3)").get(path).then().body("items.size()", equalTo(2));
    given().queryParam("fieldSelector", "metadata.name=c4").get(path).then().body("items[0].metadata.name",
        equalTo("c4"));
    given().queryParam("fieldSelector", "spec.nodeName=x").get(path).then().statusCode(400);
  }

  @Test
  void watchStreamsEventsAndBookmarks() throws Exception {
    String ns = namespace();
    String path = "/api/v1/namespaces/" + ns + "/configmaps";
    String rv = given().get(path).then().extract().path("metadata.resourceVersion");
    HttpClient http = HttpClient.newHttpClient();
    URI uri = URI.create(RestAssured.baseURI + ":" + RestAssured.port + path + "?watch=true&resourceVersion=" + rv
        + "&allowWatchBookmarks=true&timeoutSeconds=20");
    HttpResponse<java.io.InputStream> response = http.send(HttpRequest.newBuilder(uri).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, response.statusCode());
    given().contentType("application/json").body("{\"metadata\":{\"name\":\"w\"}}").post(path).then()
        .statusCode(201);
    try (BufferedReader r = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      boolean added = false;
      boolean bookmark = false;
      String line;
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (!(added && bookmark) && System.nanoTime() < deadline && (line = r.readLine()) != null) {
        added |= line.contains("\"type\":\"ADDED\"") && line.contains("\"name\":\"w\"");
        bookmark |= line.contains("\"type\":\"BOOKMARK\"") && line.contains("\"resourceVersion\"");
      }
      assertTrue(added, "no ADDED event");
      assertTrue(bookmark, "no bookmark");
    }
  }

  /** Fabric8's default (and the components' since they left plain HTTP watches): one event per text message. */
  @Test
  void watchOverWebSocketSendsOneEventPerTextMessage() throws Exception {
    String ns = namespace();
    String path = "/api/v1/namespaces/" + ns + "/configmaps";
    String rv = given().get(path).then().extract().path("metadata.resourceVersion");
    URI uri = URI.create(RestAssured.baseURI.replaceFirst("^http", "ws") + ":" + RestAssured.port + path
        + "?watch=true&resourceVersion=" + rv + "&timeoutSeconds=20");
    java.util.concurrent.BlockingQueue<String> messages = new java.util.concurrent.LinkedBlockingQueue<>();
    java.net.http.WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(uri, new java.net.http.WebSocket.Listener() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket socket, CharSequence data,
              boolean last) {
            text.append(data);
            if (last) {
              messages.add(text.toString());
              text.setLength(0);
            }
            socket.request(1);
            return null;
          }
        }).get(10, java.util.concurrent.TimeUnit.SECONDS);
    try {
      given().contentType("application/json").body("{\"metadata\":{\"name\":\"ws1\"},\"data\":{\"k\":\"é\"}}")
          .post(path).then().statusCode(201);
      given().contentType("application/json").body("{\"metadata\":{\"name\":\"ws2\"}}").post(path).then()
          .statusCode(201);
      String first = messages.poll(15, java.util.concurrent.TimeUnit.SECONDS);
      String second = messages.poll(15, java.util.concurrent.TimeUnit.SECONDS);
      assertTrue(first != null && second != null, "expected two messages, got " + first + " / " + second);
      com.fasterxml.jackson.databind.JsonNode event = new com.fasterxml.jackson.databind.ObjectMapper().readTree(first);
      assertEquals("ADDED", event.path("type").asText());
      assertEquals("ws1", event.path("object").path("metadata").path("name").asText());
      assertEquals("é", event.path("object").path("data").path("k").asText());
      assertTrue(first.endsWith("}"), "a message is one event, without the stream's newline: " + first);
      assertEquals("ws2", new com.fasterxml.jackson.databind.ObjectMapper().readTree(second)
          .path("object").path("metadata").path("name").asText());
    } finally {
      ws.abort();
    }
  }

  @Test
  void clusterIpsAreNeverHandedOutTwice() throws Exception {
    String ns = namespace();
    String path = "/api/v1/namespaces/" + ns + "/services";
    given().get("/api/v1/namespaces/default/services/kubernetes").then().statusCode(200)
        .body("spec.clusterIP", equalTo("10.96.0.1"));
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      java.util.List<java.util.concurrent.Future<Integer>> codes = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String body = "{\"metadata\":{\"name\":\"s" + i + "\"},\"spec\":{\"clusterIP\":\"10.96.7.7\","
            + "\"ports\":[{\"port\":80}]}}";
        codes.add(pool.submit(() -> given().contentType("application/json").body(body).post(path).statusCode()));
      }
      int created = 0;
      for (var f : codes) {
        int code = f.get();
        assertTrue(code == 201 || code == 422, "status " + code);
        created += code == 201 ? 1 : 0;
      }
      assertEquals(1, created);
    } finally {
      pool.shutdownNow();
    }
    String np = given().contentType("application/json")
        .body("{\"metadata\":{\"name\":\"np\"},\"spec\":{\"type\":\"NodePort\",\"ports\":[{\"port\":80}]}}")
        .post(path).then().statusCode(201).extract().path("spec.ports[0].nodePort").toString();
    assertTrue(Integer.parseInt(np) >= 30000 && Integer.parseInt(np) <= 32767, np);
    given().contentType("application/json").body("{\"metadata\":{\"name\":\"np2\"},\"spec\":{\"type\":"
        + "\"NodePort\",\"ports\":[{\"port\":80,\"nodePort\":" + np + "}]}}").post(path).then().statusCode(422)
        .body("message", containsString("provided port is already allocated"));
    given().delete(path + "/np").then().statusCode(200);
    given().contentType("application/json").body("{\"metadata\":{\"name\":\"np3\"},\"spec\":{\"type\":"
        + "\"NodePort\",\"ports\":[{\"port\":80,\"nodePort\":" + np + "}]}}").post(path).then().statusCode(201);
  }
}
