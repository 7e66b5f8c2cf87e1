package io.quarkube.apiserver.openapi;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkube.apiserver.json.Json;
import io.quarkube.proto.gnostic.openapiv2.Document;
import io.quarkube.testing.EtcdTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code /openapi/v2} served by the API server against a real etcd: JSON and protobuf by Accept, ETags, and the real
 * kubectl 1.27 (which computes client-side apply patches from this document) applying a changed manifest.
 */
@QuarkusTest
@QuarkusTestResource(EtcdTestResource.class)
class OpenApiV2HttpTest {
  /** What kubectl asks for, and what upstream answers with (Go's mime parser rejects the {@code @}). */
  private static final String PROTOBUF = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
  private static final String PROTOBUF_ANSWER = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

  @Test
  void servesJsonAndProtobufWithEtags() throws Exception {
    Response json = given().accept("application/json").get("/openapi/v2");
    json.then().statusCode(200).contentType("application/json").header("Vary", "Accept");
    JsonNode doc = Json.MAPPER.readTree(json.asByteArray());
    assertEquals("2.0", doc.path("swagger").asText());
    assertTrue(doc.at("/definitions/io.k8s.api.core.v1.Pod").isObject());
    String jsonEtag = json.header("ETag");
    assertTrue(jsonEtag.matches("\"[0-9A-F]{128}\""), jsonEtag);

    Response pb = given().header("Accept", PROTOBUF).get("/openapi/v2");
    pb.then().statusCode(200).header("Content-Type", PROTOBUF_ANSWER);
    Document parsed = Document.parseFrom(pb.asByteArray());
    assertEquals(doc, GnosticJson.toJson(parsed));
    String pbEtag = pb.header("ETag");
    assertFalse(pbEtag.equals(jsonEtag));

    given().header("Accept", PROTOBUF).header("If-None-Match", pbEtag).get("/openapi/v2").then().statusCode(304)
        .header("ETag", pbEtag);
    given().accept("application/json").header("If-None-Match", pbEtag).get("/openapi/v2").then().statusCode(200);
    given().accept("application/json").header("If-None-Match", jsonEtag).get("/openapi/v2").then().statusCode(304);
    // no Accept: JSON
    given().get("/openapi/v2").then().statusCode(200).contentType("application/json").header("ETag", jsonEtag);
    given().header("Accept", "text/html").get("/openapi/v2").then().statusCode(406).body("kind", equalTo("Status"))
        .body("reason", equalTo("NotAcceptable"));
    Response old = given().get("/swagger-2.0.0.pb-v1");
    old.then().statusCode(200).header("Content-Type", PROTOBUF_ANSWER).header("ETag", pbEtag);
    assertEquals(parsed, Document.parseFrom(old.asByteArray()));
  }

  @Test
  void kubectl127AppliesWithStrategicPatchesFromOpenApiV2() throws Exception {
    Optional<Path> kubectl = kubectl127();
    assumeTrue(kubectl.isPresent(), "kubectl 1.27 is not installed");
    String ns = "v2-" + UUID.randomUUID().toString().substring(0, 8);
    given().contentType("application/json").body("{\"metadata\":{\"name\":\"" + ns + "\"}}")
        .post("/api/v1/namespaces").then().statusCode(201);
    Path dir = Files.createTempDirectory("kubectl127");
    Files.writeString(dir.resolve("config"), kubeconfig(ns));
    String manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    app: web\n"
        + "spec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n"
        + "      labels:\n        app: web\n    spec:\n      containers:\n      - name: a\n        image: nginx:1\n"
        + "        ports:\n        - containerPort: 80\n      - name: b\n        image: busybox\n";
    Path file = dir.resolve("web.yaml");
    Files.writeString(file, manifest);

    Run created = run(kubectl.get(), dir, "apply", "-f", file.toString());
    assertTrue(created.stdout().contains("deployment.apps/web created"), created.toString());
    assertV2Read(created);

    // a changed image and a new label: a strategic merge patch by container name, computed from /openapi/v2
    Files.writeString(file, manifest.replace("nginx:1", "nginx:2").replace("    app: web\nspec", "    app: web\n"
        + "    tier: front\nspec"));
    Run configured = run(kubectl.get(), dir, "apply", "-f", file.toString());
    assertTrue(configured.stdout().contains("deployment.apps/web configured"), configured.toString());
    assertV2Read(configured);
    String log = configured.stderr();
    assertTrue(log.contains("Content-Type: application/strategic-merge-patch+json"), log);
    assertTrue(log.contains("\"$setElementOrder/containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]"), log);
    assertTrue(log.contains("\"containers\":[{\"image\":\"nginx:2\",\"name\":\"a\"}]"), log);
    assertFalse(log.contains("error calculating patch from openapi spec"), log);

    String path = "/apis/apps/v1/namespaces/" + ns + "/deployments/web";
    given().get(path).then().statusCode(200)
        .body("spec.template.spec.containers.name", equalTo(List.of("a", "b")))
        .body("spec.template.spec.containers[0].image", equalTo("nginx:2"))
        .body("spec.template.spec.containers[0].ports[0].containerPort", equalTo(80))
        .body("spec.template.spec.containers[1].image", equalTo("busybox"))
        .body("metadata.labels.tier", equalTo("front"));

    // unchanged: nothing to patch
    Run unchanged = run(kubectl.get(), dir, "apply", "-f", file.toString());
    assertTrue(unchanged.stdout().contains("deployment.apps/web unchanged"), unchanged.toString());

    // kubectl 1.27's explain reads the same document: it parsed (a failed parse would fail explain, while apply
    // would silently fall back to its compiled-in types)
    Run explain = run(kubectl.get(), dir, "explain", "deployments.spec.template.spec.containers",
        "--output=plaintext-openapiv2");
    assertTrue(explain.stdout().contains("KIND:     Deployment"), explain.stdout());
    assertTrue(explain.stdout().contains("RESOURCE: containers <[]Object>"), explain.stdout());
    assertTrue(explain.stdout().contains("image\t<string>"), explain.stdout());
    assertTrue(explain.stdout().contains("name\t<string> -required-"), explain.stdout());
    assertV2Read(explain);
  }

  @Test
  void customResourcesComeAndGoAtRunTime() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String group = "v2t" + suffix + ".example.com";
    String definition = "com.example.v2t" + suffix + ".v1.CronTab";
    String before = given().accept("application/json").get("/openapi/v2").then().statusCode(200).extract()
        .header("ETag");
    given().contentType("application/json").body("{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":"
        + "\"CustomResourceDefinition\",\"metadata\":{\"name\":\"crontabs." + group + "\"},\"spec\":{\"group\":\""
        + group + "\",\"scope\":\"Namespaced\",\"names\":{\"plural\":\"crontabs\",\"singular\":\"crontab\","
        + "\"kind\":\"CronTab\",\"listKind\":\"CronTabList\"},\"versions\":[{\"name\":\"v1\",\"served\":true,"
        + "\"storage\":true,\"schema\":{\"openAPIV3Schema\":{\"type\":\"object\","
        + "\"x-kubernetes-preserve-unknown-fields\":true}}}]}}")
        .post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions").then().statusCode(201);
    JsonNode doc = awaitDocument(d -> d.path("definitions").has(definition));
    assertEquals("[{\"group\":\"" + group + "\",\"kind\":\"CronTab\",\"version\":\"v1\"}]",
        doc.at("/definitions/" + definition.replace("/", "~1") + "/x-kubernetes-group-version-kind").toString());
    Response pb = given().header("Accept", PROTOBUF).get("/openapi/v2");
    assertEquals(doc, GnosticJson.toJson(Document.parseFrom(pb.asByteArray())));
    String during = given().accept("application/json").get("/openapi/v2").header("ETag");
    assertFalse(during.equals(before), "a new ETag for the new document");

    Optional<Path> kubectl = kubectl127();
    if (kubectl.isPresent()) {
      String ns = "v2-" + suffix;
      given().contentType("application/json").body("{\"metadata\":{\"name\":\"" + ns + "\"}}")
          .post("/api/v1/namespaces").then().statusCode(201);
      Path dir = Files.createTempDirectory("kubectl127");
      Files.writeString(dir.resolve("config"), kubeconfig(ns));
      Path file = dir.resolve("ct.yaml");
      String cr = "apiVersion: " + group + "/v1\nkind: CronTab\nmetadata:\n  name: every\nspec:\n"
          + "  cronSpec: '* * * * */5'\n  image: app:1\n";
      Files.writeString(file, cr);
      Run created = run(kubectl.get(), dir, "apply", "-f", file.toString());
      assertTrue(created.stdout().contains("crontab." + group + "/every created"), created.toString());
      Files.writeString(file, cr.replace("app:1", "app:2"));
      Run configured = run(kubectl.get(), dir, "apply", "-f", file.toString());
      assertTrue(configured.stdout().contains("crontab." + group + "/every configured"), configured.toString());
      // kinds kubectl does not compile in get JSON merge patches, as upstream
      assertTrue(configured.stderr().contains("Content-Type: application/merge-patch+json"), configured.stderr());
      given().get("/apis/" + group + "/v1/namespaces/" + ns + "/crontabs/every").then().statusCode(200)
          .body("spec.image", equalTo("app:2"));
    }

    // 202: the cleanup finalizer deletes the custom resources first
    given().delete("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabs." + group).then()
        .statusCode(anyOf(equalTo(200), equalTo(202)));
    awaitDocument(d -> !d.path("definitions").has(definition));
  }

  private static JsonNode awaitDocument(java.util.function.Predicate<JsonNode> condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    JsonNode doc;
    do {
      doc = Json.MAPPER.readTree(given().accept("application/json").get("/openapi/v2").asByteArray());
      if (condition.test(doc)) {
        return doc;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    } while (System.nanoTime() < deadline);
    throw new AssertionError("the document did not change in 20 s");
  }

  private static String kubeconfig(String namespace) {
    return "apiVersion: v1\nkind: Config\nclusters:\n- name: t\n  cluster:\n    server: " + RestAssured.baseURI
        + ":" + RestAssured.port + "\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: c\n  context:\n"
        + "    cluster: t\n    user: u\n    namespace: " + namespace + "\ncurrent-context: c\n";
  }

  /** kubectl fetched the protobuf document with success (200, or 304 from its HTTP cache). */
  private static void assertV2Read(Run run) {
    List<String> lines = run.stderr().lines().toList();
    boolean asked = false;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("GET ") && lines.get(i).contains("/openapi/v2")) {
        asked = true;
        String status = lines.subList(i, lines.size()).stream().filter(l -> l.contains("Response Status:"))
            .findFirst().orElse("");
        assertTrue(status.contains("200 OK") || status.contains("304 Not Modified"), status);
      }
    }
    assertTrue(asked, "kubectl did not read /openapi/v2:\n" + run.stderr());
    assertTrue(run.stderr().contains("Accept: " + PROTOBUF), run.stderr());
    assertFalse(run.stderr().contains("swagger-2.0.0.pb-v1"), "fell back to the old path");
  }

  private record Run(String stdout, String stderr) {}

  private static Run run(Path kubectl, Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig=" + dir.resolve("config"),
        "--cache-dir=" + dir.resolve("cache"), "-v=8"));
    cmd.addAll(Arrays.asList(args));
    File err = dir.resolve("stderr").toFile();
    Process p = new ProcessBuilder(cmd).redirectError(err).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("kubectl did not finish: " + cmd);
    }
    String stderr = Files.readString(err.toPath());
    if (p.exitValue() != 0) {
      throw new AssertionError("kubectl " + String.join(" ", args) + " exited " + p.exitValue() + ":\n" + out
          + stderr);
    }
    return new Run(out, stderr);
  }

  /** {@code kubectl.1.27} beside the real path of the {@code kubectl} dispatcher on the PATH. */
  static Optional<Path> kubectl127() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path k = Path.of(dir, "kubectl");
      if (Files.isExecutable(k)) {
        try {
          Path old = k.toRealPath().getParent().resolve("kubectl.1.27");
          if (Files.isExecutable(old)) {
            return Optional.of(old);
          }
        } catch (IOException e) {
          // try the next PATH entry
        }
      }
    }
    return Optional.empty();
  }
}
