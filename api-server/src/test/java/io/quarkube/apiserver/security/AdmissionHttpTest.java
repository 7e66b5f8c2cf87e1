package io.quarkube.apiserver.security;

import static io.quarkube.apiserver.security.SecurityHttpTest.as;
import static io.quarkube.apiserver.security.SecurityHttpTest.namespace;
import static io.quarkube.apiserver.security.SecurityHttpTest.post;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.apiserver.storage.EtcdStorage;
import io.quarkube.testing.EtcdServer;
import io.quarkube.testing.EtcdTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The admission plugins over HTTP against a real etcd, and secrets encrypted in that etcd. */
@QuarkusTest
@QuarkusTestResource(EtcdTestResource.class)
class AdmissionHttpTest {
  private static final String POD = """
      {"metadata":{"name":"%s"},"spec":{"containers":[{"name":"c","image":"busybox"%s}]%s}}""";

  private static Response pod(String ns, String name, String containerExtra, String specExtra) {
    return post("/api/v1/namespaces/" + ns + "/pods", POD.formatted(name, containerExtra, specExtra));
  }

  @Test
  void podsGetTheirAccountTokenTolerationsAndPriority() {
    String ns = namespace();
    pod(ns, "p", "", "").then().statusCode(201)
        .body("spec.serviceAccountName", equalTo("default"))
        .body("spec.volumes[0].name", startsWith("kube-api-access-"))
        .body("spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds", equalTo(3607))
        .body("spec.containers[0].volumeMounts[0].mountPath",
            equalTo("/var/run/secrets/kubernetes.io/serviceaccount"))
        .body("spec.tolerations.key", hasItem("node.kubernetes.io/not-ready"))
        .body("spec.tolerations.tolerationSeconds", hasItem(300))
        .body("spec.priority", equalTo(0));
    pod(ns, "critical", "", ",\"priorityClassName\":\"system-node-critical\"").then().statusCode(201)
        .body("spec.priority", equalTo(2000001000));
    pod(ns, "unknown-class", "", ",\"priorityClassName\":\"nope\"").then().statusCode(403)
        .body("message", equalTo("pods \"unknown-class\" is forbidden: no PriorityClass with name nope was found"));
    pod(ns, "no-token", "", ",\"automountServiceAccountToken\":false").then().statusCode(201)
        .body("spec.volumes", org.hamcrest.Matchers.nullValue());
    pod(ns, "ghost", "", ",\"serviceAccountName\":\"ghost\"").then().statusCode(403)
        .body("message", containsString("error looking up service account " + ns + "/ghost"));
  }

  @Test
  void limitRangesDefaultAndBoundContainers() {
    String ns = namespace();
    post("/api/v1/namespaces/" + ns + "/limitranges", """
        {"metadata":{"name":"lr"},"spec":{"limits":[{"type":"Container","default":{"memory":"256Mi"},
         "defaultRequest":{"memory":"128Mi"},"max":{"memory":"512Mi"}}]}}""").then().statusCode(201);
    pod(ns, "defaulted", "", "").then().statusCode(201)
        .body("spec.containers[0].resources.limits.memory", equalTo("256Mi"))
        .body("spec.containers[0].resources.requests.memory", equalTo("128Mi"));
    pod(ns, "too-big", ",\"resources\":{\"limits\":{\"memory\":\"1Gi\"}}", "").then().statusCode(403)
        .body("message", equalTo("pods \"too-big\" is forbidden: maximum memory usage per Container is 512Mi, but "
            + "limit is 1Gi"));
  }

  @Test
  void quotaHoldsUnderTenConcurrentCreates() throws Exception {
    String ns = namespace();
    post("/api/v1/namespaces/" + ns + "/resourcequotas", "{\"metadata\":{\"name\":\"q\"},\"spec\":{\"hard\":"
        + "{\"pods\":\"3\",\"configmaps\":\"4\"}}}").then().statusCode(201);
    ExecutorService pool = Executors.newFixedThreadPool(10);
    try {
      List<Callable<Response>> creates = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        int n = i;
        creates.add(() -> pod(ns, "racer-" + n, "", ""));
      }
      int created = 0;
      for (Future<Response> f : pool.invokeAll(creates)) {
        Response r = f.get();
        if (r.statusCode() == 201) {
          created++;
        } else {
          assertEquals(403, r.statusCode(), r.asString());
          assertTrue(r.asString().contains("exceeded quota: q, requested: pods=1, used: pods=3, limited: pods=3"),
              r.asString());
        }
      }
      assertEquals(3, created, "exactly the quota");
    } finally {
      pool.shutdown();
    }
    given().get("/api/v1/namespaces/" + ns + "/pods").then().body("items.size()", equalTo(3));
    given().get("/api/v1/namespaces/" + ns + "/resourcequotas/q").then().body("status.used.pods", equalTo("3"))
        .body("status.hard.pods", equalTo("3"));
    given().queryParam("gracePeriodSeconds", 0).delete("/api/v1/namespaces/" + ns + "/pods/racer-"
        + firstPod(ns)).then().statusCode(200);
    pod(ns, "after-delete", "", "").then().statusCode(201);
  }

  private static String firstPod(String ns) {
    String name = given().get("/api/v1/namespaces/" + ns + "/pods").then().extract().path("items[0].metadata.name");
    return name.substring("racer-".length());
  }

  @Test
  void podSecurityEnforcesWarnsAndAudits() {
    String ns = namespace();
    given().contentType("application/merge-patch+json").body("""
        {"metadata":{"labels":{"pod-security.kubernetes.io/enforce":"restricted",
         "pod-security.kubernetes.io/warn":"restricted"}}}""").patch("/api/v1/namespaces/" + ns).then()
        .statusCode(200);
    pod(ns, "priv", ",\"securityContext\":{\"privileged\":true}", "").then().statusCode(403)
        .body("message", startsWith("pods \"priv\" is forbidden: violates PodSecurity \"restricted:latest\": "))
        .body("message", containsString("privileged (container \"c\" must not set securityContext.privileged=true)"));
    pod(ns, "hardened", ",\"securityContext\":{\"allowPrivilegeEscalation\":false,\"capabilities\":{\"drop\":"
        + "[\"ALL\"]}}", ",\"securityContext\":{\"runAsNonRoot\":true,\"seccompProfile\":{\"type\":"
        + "\"RuntimeDefault\"}}").then().statusCode(201);
    post("/apis/apps/v1/namespaces/" + ns + "/deployments", """
        {"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":
         {"a":"b"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}}}""").then().statusCode(201)
        .header("Warning", containsString("would violate PodSecurity \\\"restricted:latest\\\": "));
  }

  /**
   * Upstream exempts updates that leave a pod's spec alone: a pod admitted before its namespace enforced a level can
   * still be labelled and annotated (patches, where the request carries the stored pod, and a whole PUT, where the
   * plugin looks it up), but not changed where the policy looks.
   */
  @Test
  void podSecurityLetsUpdatesOutsideTheSpecThrough() {
    String ns = namespace();
    pod(ns, "priv", ",\"securityContext\":{\"privileged\":true}", "").then().statusCode(201);
    given().contentType("application/merge-patch+json").body(
        "{\"metadata\":{\"labels\":{\"pod-security.kubernetes.io/enforce\":\"restricted\"}}}")
        .patch("/api/v1/namespaces/" + ns).then().statusCode(200);
    String pod = "/api/v1/namespaces/" + ns + "/pods/priv";
    given().contentType("application/merge-patch+json").body("{\"metadata\":{\"labels\":{\"patched\":\"yes\"}}}")
        .patch(pod).then().statusCode(200).body("metadata.labels.patched", equalTo("yes"));
    given().contentType("application/strategic-merge-patch+json")
        .body("{\"metadata\":{\"annotations\":{\"a\":\"b\"}}}").patch(pod).then().statusCode(200);
    String stored = given().get(pod).then().statusCode(200).extract().asString();
    given().contentType("application/json").body(stored.replace("\"patched\":\"yes\"", "\"patched\":\"again\""))
        .put(pod).then().statusCode(200).body("metadata.labels.patched", equalTo("again"));
    given().contentType("application/merge-patch+json").body("{\"spec\":{\"activeDeadlineSeconds\":600}}")
        .patch(pod).then().statusCode(403)
        .body("message", startsWith("pods \"priv\" is forbidden: violates PodSecurity \"restricted:latest\": "));
  }

  @Test
  void kubeletsTouchOnlyTheirOwnNodeAndPods() {
    String ns = namespace();
    for (String node : List.of("node-a", "node-b")) {
      post("/api/v1/nodes", "{\"metadata\":{\"name\":\"" + node + "-" + ns + "\"}}").then().statusCode(201);
    }
    String a = "node-a-" + ns;
    String b = "node-b-" + ns;
    pod(ns, "on-b", "", ",\"nodeName\":\"" + b + "\"").then().statusCode(201);
    String status = "{\"status\":{\"phase\":\"Running\"}}";
    as("system:node:" + a, "system:nodes").contentType("application/merge-patch+json").body(status)
        .patch("/api/v1/namespaces/" + ns + "/pods/on-b/status").then().statusCode(403)
        .body("message", equalTo("pods \"on-b\" is forbidden: node \"" + a + "\" can only update pod status for pods "
            + "with spec.nodeName set to itself"));
    as("system:node:" + b, "system:nodes").contentType("application/merge-patch+json").body(status)
        .patch("/api/v1/namespaces/" + ns + "/pods/on-b/status").then().statusCode(200);
    // The status of a pod deleted meanwhile: not found, as upstream answers, not a refusal the kubelet would log.
    as("system:node:" + b, "system:nodes").contentType("application/json")
        .body("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"gone\",\"namespace\":\"" + ns
            + "\"},\"status\":{\"phase\":\"Running\"}}")
        .put("/api/v1/namespaces/" + ns + "/pods/gone/status").then().statusCode(404);
    as("system:node:" + a, "system:nodes").contentType("application/merge-patch+json")
        .body("{\"metadata\":{\"labels\":{\"x\":\"y\"}}}").patch("/api/v1/nodes/" + b).then().statusCode(403)
        .body("message", containsString("node \"" + a + "\" is not allowed to modify node \"" + b + "\""));
    as("system:node:" + a, "system:nodes").contentType("application/merge-patch+json")
        .body("{\"metadata\":{\"labels\":{\"x\":\"y\"}}}").patch("/api/v1/nodes/" + a).then().statusCode(200);
    as("system:node:" + a, "system:nodes").get("/api/v1/namespaces/" + ns + "/secrets/anything").then()
        .statusCode(403).body("message", containsString("no relationship found between node '" + a + "'"));
    as("system:node:" + a, "system:nodes").queryParam("gracePeriodSeconds", 0)
        .delete("/api/v1/namespaces/" + ns + "/pods/on-b").then().statusCode(403);
    pod(ns, "from-kubelet", "", "").then().statusCode(201);
    as("system:node:" + a, "system:nodes").body(POD.formatted("fake", "", ",\"nodeName\":\"" + a + "\""))
        .post("/api/v1/namespaces/" + ns + "/pods").then().statusCode(403)
        .body("message", containsString("can only create mirror pods"));
  }

  @Test
  void defaultStorageClassIsFilledIn() {
    String ns = namespace();
    String sc = "fast-" + ns;
    post("/apis/storage.k8s.io/v1/storageclasses", "{\"metadata\":{\"name\":\"" + sc + "\",\"annotations\":"
        + "{\"storageclass.kubernetes.io/is-default-class\":\"true\"}},\"provisioner\":\"x\"}").then()
        .statusCode(201);
    post("/api/v1/namespaces/" + ns + "/persistentvolumeclaims", """
        {"metadata":{"name":"c"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":
         {"storage":"1Gi"}}}}""").then().statusCode(201).body("spec.storageClassName", equalTo(sc));
    given().delete("/apis/storage.k8s.io/v1/storageclasses/" + sc).then().statusCode(200);
  }

  @Test
  void secretsAreEncryptedInEtcd() {
    String ns = namespace();
    post("/api/v1/namespaces/" + ns + "/secrets", "{\"metadata\":{\"name\":\"s\"},\"stringData\":"
        + "{\"password\":\"hunter2\"}}").then().statusCode(201);
    given().get("/api/v1/namespaces/" + ns + "/secrets/s").then().statusCode(200)
        .body("data.password", equalTo("aHVudGVyMg=="));
    try (EtcdStorage raw = new EtcdStorage(EtcdServer.shared().endpoint())) {
      String stored = new String(raw.get("/registry/secrets/" + ns + "/s").orElseThrow().value(),
          StandardCharsets.ISO_8859_1);
      assertTrue(stored.startsWith("k8s:enc:aesgcm:v1:key1:"), stored.substring(0, 30));
      assertTrue(!stored.contains("hunter2") && !stored.contains("aHVudGVyMg"), "no plaintext in etcd");
    }
  }
}
