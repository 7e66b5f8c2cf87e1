package io.quarkube.conformance.auth;

import static io.quarkube.conformance.auth.WebhookFixture.created;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import io.quarkube.conformance.apimachinery.Api;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's AdmissionWebhook conformance tests (test/e2e/apimachinery/webhook.go) against one webhook server in
 * the test JVM ({@link WebhookFixture}): the same configurations, objects and assertions, grouped where one setup
 * serves several tests. Webhooks are reached through a Service's {@code clientConfig.service}, as upstream's.
 */
@ExtendWith(TestNamespace.class)
class AdmissionWebhookTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String CM = "/api/v1/namespaces/%s/configmaps";
  private static Path dir;
  private static WebhookFixture hooks;
  private final Kubectl kubectl = Kubectl.stock();

  @BeforeAll
  static void startWebhook() throws Exception {
    dir = Files.createTempDirectory("e2e-webhook");
    hooks = new WebhookFixture(dir);
  }

  @AfterAll
  static void stopWebhook() {
    if (hooks != null) {
      hooks.close();
    }
  }

  private static Api.Response post(String path, String body) {
    return WebhookFixture.send("POST", path, "application/json", body);
  }

  private static Api.Response configMap(String ns, String name, String data) {
    return post(CM.formatted(ns), "{\"metadata\":{\"name\":\"" + name + "\"},\"data\":" + data + "}");
  }

  private static void assertRefused(Api.Response r, String message) {
    assertTrue(r.code() >= 400 && r.body().contains(message), "expected a refusal with \"" + message + "\": " + r);
  }

  @Test
  @Conformance("api-machinery.admission-webhook-discovery")
  void webhookResourcesAreInTheDiscoveryDocuments() {
    boolean found = false;
    for (JsonNode g : WebhookFixture.get("/apis").json().path("groups")) {
      if (g.path("name").asText().equals("admissionregistration.k8s.io")) {
        for (JsonNode v : g.path("versions")) {
          found |= v.path("version").asText().equals("v1");
        }
      }
    }
    assertTrue(found, "admissionregistration.k8s.io/v1 in /apis");
    JsonNode group = WebhookFixture.get("/apis/admissionregistration.k8s.io").json();
    assertEquals("admissionregistration.k8s.io", group.path("name").asText());
    assertTrue(group.path("versions").toString().contains("\"version\":\"v1\""), group.toString());
    JsonNode resources = WebhookFixture.get("/apis/admissionregistration.k8s.io/v1").json();
    assertEquals("admissionregistration.k8s.io/v1", resources.path("groupVersion").asText());
    List<String> names = new ArrayList<>();
    resources.path("resources").forEach(r -> names.add(r.path("name").asText()));
    assertTrue(names.containsAll(List.of("mutatingwebhookconfigurations", "validatingwebhookconfigurations")),
        names.toString());
  }

  @Test
  @Conformance("api-machinery.admission-webhook-deny")
  void webhooksDenyPodsAndConfigMapsAndFailClosed(String ns) {
    String unique = WebhookFixture.uniqueLabel();
    WebhookFixture.label(ns, Map.of(unique, "true"));
    ObjectNode denyConfigMaps = hooks.configMapHook("deny-unwanted-configmap-data.k8s.io", "/configmaps", unique,
        List.of("CREATE", "UPDATE", "DELETE"));
    ((ObjectNode) denyConfigMaps.get("namespaceSelector")).putArray("matchExpressions").addObject()
        .put("key", "skip-webhook-admission").put("operator", "NotIn").putArray("values").add("yes");
    // a webhook the API server cannot talk to (no caBundle): fail-open lets requests through
    ObjectNode failOpen = hooks.configMapHook("fail-open.k8s.io", "/configmaps", unique, List.of("CREATE"));
    ((ObjectNode) failOpen.get("clientConfig")).remove("caBundle");
    failOpen.put("failurePolicy", "Ignore");
    String name = unique;
    hooks.register("validating", name, Map.of(),
        hooks.hook("deny-unwanted-pod-container-name-and-label.k8s.io", "/pods", unique, List.of("CREATE"), "",
            List.of("v1"), List.of("pods")), denyConfigMaps, failOpen);
    // the same, fail-closed, in namespaces labelled fail-closed-webhook=yes
    ObjectNode failClosed = hooks.configMapHook("fail-closed.k8s.io", "/configmaps", unique, List.of("CREATE"));
    ((ObjectNode) failClosed.get("clientConfig")).remove("caBundle");
    failClosed.put("failurePolicy", "Fail");
    ((ObjectNode) failClosed.get("namespaceSelector")).putArray("matchExpressions").addObject()
        .put("key", "fail-closed-webhook").put("operator", "In").putArray("values").add("yes");
    hooks.register("validating", name + "-fail-closed", Map.of(), failClosed);
    String skipNs = "exempted-namespace-" + UUID.randomUUID().toString().substring(0, 6);
    String failNs = "fail-closed-namespace-" + UUID.randomUUID().toString().substring(0, 6);
    try {
      String pods = "/api/v1/namespaces/" + ns + "/pods";
      assertRefusedBoth(post(pods, """
          {"metadata":{"name":"disallowed-pod","labels":{"webhook-e2e-test":"webhook-disallow"}},
           "spec":{"containers":[{"name":"webhook-disallow","image":"busybox"}]}}"""));
      Api.Response hanging = post(pods, """
          {"metadata":{"name":"hanging-pod","labels":{"webhook-e2e-test":"wait-forever"}},
           "spec":{"containers":[{"name":"wait-forever","image":"busybox"}]}}""");
      assertTrue(hanging.code() >= 400 && hanging.body().contains("webhook") && hanging.body().contains("deadline"),
          hanging.toString());
      assertEquals(404, WebhookFixture.get(pods + "/hanging-pod").code());

      String unwanted = "the configmap contains unwanted key and value";
      assertRefused(configMap(ns, "disallowed-configmap", "{\"webhook-e2e-test\":\"webhook-disallow\"}"), unwanted);
      created(configMap(ns, "allowed-configmap", "{\"admit\":\"this\"}"));
      String allowed = CM.formatted(ns) + "/allowed-configmap";
      ObjectNode cm = (ObjectNode) WebhookFixture.get(allowed).json();
      ((ObjectNode) cm.get("data")).put("webhook-e2e-test", "webhook-disallow");
      assertRefused(WebhookFixture.send("PUT", allowed, "application/json", cm.toString()), unwanted);
      assertRefused(WebhookFixture.send("PATCH", allowed, "application/strategic-merge-patch+json",
          "{\"data\":{\"webhook-e2e-test\":\"webhook-disallow\"}}"), unwanted);

      created(post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + skipNs + "\",\"labels\":{"
          + "\"skip-webhook-admission\":\"yes\",\"" + unique + "\":\"true\"}}}"));
      created(configMap(skipNs, "disallowed-configmap", "{\"webhook-e2e-test\":\"webhook-disallow\"}"));

      created(post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + failNs + "\",\"labels\":{"
          + "\"fail-closed-webhook\":\"yes\",\"" + unique + "\":\"true\"}}}"));
      Api.Response failed = configMap(failNs, "foo", "{}");
      assertEquals(500, failed.code(), failed.toString());
      assertEquals("InternalError", failed.json().path("reason").asText(), failed.toString());
    } finally {
      WebhookFixture.delete("validating", name);
      WebhookFixture.delete("validating", name + "-fail-closed");
      Cluster.client().namespaces().withName(skipNs).delete();
      Cluster.client().namespaces().withName(failNs).delete();
    }
  }

  private static void assertRefusedBoth(Api.Response r) {
    assertRefused(r, "the pod contains unwanted container name");
    assertRefused(r, "the pod contains unwanted label");
  }

  @Test
  @Conformance("api-machinery.admission-webhook-deny-attach")
  void aWebhookDeniesAttachingToAPod(String ns) {
    String unique = WebhookFixture.uniqueLabel();
    WebhookFixture.label(ns, Map.of(unique, "true"));
    created(post("/api/v1/namespaces/" + ns + "/pods", """
        {"metadata":{"name":"to-be-attached-pod"},"spec":{"terminationGracePeriodSeconds":1,
         "containers":[{"name":"container1","image":"busybox","command":["sleep","3600"]}]}}"""));
    hooks.register("validating", unique, Map.of(), hooks.hook("deny-attaching-pod.k8s.io", "/pods/attach", unique,
        List.of("CONNECT"), "", List.of("v1"), List.of("pods/attach")));
    try {
      Await.until(Duration.ofSeconds(120), "the pod runs", () -> "Running".equals(WebhookFixture.get("/api/v1/namespaces/"
          + ns + "/pods/to-be-attached-pod").json().path("status").path("phase").asText()));
      Kubectl.Result attach = kubectl.runWithInput("", "attach", "--namespace=" + ns, "to-be-attached-pod", "-i",
          "-c=container1").fails();
      assertTrue(attach.err().contains("attaching to pod 'to-be-attached-pod' is not allowed"), attach.toString());
    } finally {
      WebhookFixture.delete("validating", unique);
    }
  }

  @Test
  @Conformance("api-machinery.admission-webhook-custom-resources")
  void webhooksDenyAndMutateCustomResourcesAndDenyDefinitions(String ns) {
    String unique = WebhookFixture.uniqueLabel();
    WebhookFixture.label(ns, Map.of(unique, "true"));
    String id = UUID.randomUUID().toString().substring(0, 6);
    String group = "webhook-" + id + ".example.com";
    String pruned = "webhook-prune-" + id + ".example.com";
    String preserve = "{\"openAPIV3Schema\":{\"type\":\"object\",\"x-kubernetes-preserve-unknown-fields\":true}}";
    String dataSchema = "{\"openAPIV3Schema\":{\"type\":\"object\",\"properties\":{\"data\":{\"type\":\"object\","
        + "\"properties\":{\"mutation-start\":{\"type\":\"string\"},\"mutation-stage-1\":{\"type\":\"string\"}}}}}}";
    kubectl.runWithInput(crd(group, preserve), "create", "-f", "-").ok();
    kubectl.runWithInput(crd(pruned, dataSchema), "create", "-f", "-").ok();
    String plural = "e2e-test-webhook-crds";
    ObjectNode denyCrd = hooks.hook("deny-crd-with-unwanted-label.k8s.io", "/crd", unique, List.of("CREATE"),
        "apiextensions.k8s.io", List.of("*"), List.of("customresourcedefinitions"));
    denyCrd.remove("namespaceSelector");
    denyCrd.putObject("objectSelector").putObject("matchLabels").put(unique, "true");
    hooks.register("validating", unique, Map.of(),
        hooks.hook("deny-unwanted-custom-resource-data.k8s.io", "/custom-resource", unique,
            List.of("CREATE", "UPDATE", "DELETE"), group, List.of("v1", "v2"), List.of(plural)), denyCrd);
    List<ObjectNode> mutating = new ArrayList<>();
    for (String g : List.of(group, pruned)) {
      mutating.add(hooks.hook("mutate-custom-resource-data-stage-1." + g, "/mutating-custom-resource", unique,
          List.of("CREATE", "UPDATE"), g, List.of("v1", "v2"), List.of(plural)));
      mutating.add(hooks.hook("mutate-custom-resource-data-stage-2." + g, "/mutating-custom-resource", unique,
          List.of("CREATE"), g, List.of("v1", "v2"), List.of(plural)));
    }
    hooks.register("mutating", unique, Map.of(), mutating.toArray(ObjectNode[]::new));
    try {
      kubectl.run("wait", "--for=condition=Established", "crd/" + plural + "." + group,
          "crd/" + plural + "." + pruned, "--timeout=60s").ok();
      String crs = "/apis/" + group + "/v1/namespaces/" + ns + "/" + plural;
      Await.until(WAIT, "the custom resources are served", () -> WebhookFixture.get(crs).code() == 200
          && WebhookFixture.get("/apis/" + pruned + "/v1/namespaces/" + ns + "/" + plural).code() == 200);

      // deny creation, update and deletion
      assertRefused(post(crs, cr(group, "cr-instance-1", "{\"webhook-e2e-test\":\"webhook-disallow\"}")),
          "the custom resource contains unwanted data");
      created(post(crs, cr(group, "cr-instance-2", "{\"webhook-e2e-test\":\"webhook-nondeletable\"}")));
      assertRefused(WebhookFixture.send("PATCH", crs + "/cr-instance-2", "application/merge-patch+json",
          "{\"data\":{\"webhook-e2e-test\":\"webhook-disallow\"}}"), "the custom resource contains unwanted data");
      assertRefused(WebhookFixture.send("DELETE", crs + "/cr-instance-2", null, null),
          "the custom resource cannot be deleted because it contains unwanted key and value");
      assertEquals(200, WebhookFixture.send("PATCH", crs + "/cr-instance-2", "application/merge-patch+json",
          "{\"data\":{\"webhook-e2e-test\":\"webhook-allow\"}}").code());
      assertEquals(200, WebhookFixture.send("DELETE", crs + "/cr-instance-2", null, null).code());

      // mutate on create, by two webhooks in order
      String all = "{\"mutation-start\":\"yes\",\"mutation-stage-1\":\"yes\",\"mutation-stage-2\":\"yes\"}";
      JsonNode mutated = created(post(crs, cr(group, "cr-mutated", "{\"mutation-start\":\"yes\"}"))).json();
      assertEquals(WebhookServer.JSON.readTree(all), mutated.path("data"), mutated.toString());

      // pruning: the field the schema lacks is gone after mutation
      JsonNode prunedCr = created(post("/apis/" + pruned + "/v1/namespaces/" + ns + "/" + plural,
          cr(pruned, "cr-instance-1", "{\"mutation-start\":\"yes\"}"))).json();
      assertEquals(WebhookServer.JSON.readTree("{\"mutation-start\":\"yes\",\"mutation-stage-1\":\"yes\"}"),
          prunedCr.path("data"), prunedCr.toString());

      // a different storage version: v2 becomes storage, a patch through v2 is mutated as well
      assertEquals(200, WebhookFixture.send("PATCH", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/" + plural + "."
          + group, "application/merge-patch+json", "{\"spec\":{\"versions\":[" + version("v1", false, preserve) + ","
          + version("v2", true, preserve) + "]}}").code());
      String v2 = "/apis/" + group + "/v2/namespaces/" + ns + "/" + plural + "/cr-mutated";
      JsonNode patched = WebhookFixture.send("PATCH", v2, "application/json-patch+json",
          "[{\"op\":\"add\",\"path\":\"/dummy\",\"value\":\"test\"}]").json();
      assertEquals(WebhookServer.JSON.readTree(all), patched.path("data"), patched.toString());
      assertEquals("test", patched.path("dummy").asText(), patched.toString());

      // a webhook denies a CRD
      Kubectl.Result denied = kubectl.runWithInput(crd("webhook-deny-" + id + ".example.com", preserve)
          .replace("metadata:\n", "metadata:\n  labels: {" + unique + ": \"true\", webhook-e2e-test: webhook-disallow}\n"),
          "create", "-f", "-").fails();
      assertTrue(denied.err().contains("the crd contains unwanted label"), denied.toString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      WebhookFixture.delete("validating", unique);
      WebhookFixture.delete("mutating", unique);
      kubectl.run("delete", "crd", plural + "." + group, plural + "." + pruned, "--ignore-not-found", "--wait=false");
    }
  }

  private static String crd(String group, String schema) {
    return """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: e2e-test-webhook-crds.%s
        spec:
          group: %s
          scope: Namespaced
          names: {plural: e2e-test-webhook-crds, singular: e2e-test-webhook-crd, kind: E2eTestWebhookCrd, listKind: E2eTestWebhookCrdList}
          versions:
          - %s
          - %s
        """.formatted(group, group, version("v1", true, schema), version("v2", false, schema));
  }

  private static String version(String name, boolean storage, String schema) {
    return "{\"name\":\"" + name + "\",\"served\":true,\"storage\":" + storage + ",\"schema\":" + schema + "}";
  }

  private static String cr(String group, String name, String data) {
    return "{\"apiVersion\":\"" + group + "/v1\",\"kind\":\"E2eTestWebhookCrd\",\"metadata\":{\"name\":\"" + name
        + "\"},\"data\":" + data + "}";
  }

  @Test
  @Conformance("api-machinery.admission-webhook-mutate")
  void webhooksMutateConfigMapsAndPodsThenDefaultsApply(String ns) throws Exception {
    String unique = WebhookFixture.uniqueLabel();
    WebhookFixture.label(ns, Map.of(unique, "true"));
    hooks.register("mutating", unique, Map.of(),
        hooks.configMapHook("adding-configmap-data-stage-1.k8s.io", "/mutating-configmaps", unique,
            List.of("CREATE")),
        hooks.configMapHook("adding-configmap-data-stage-2.k8s.io", "/mutating-configmaps", unique,
            List.of("CREATE")),
        hooks.hook("adding-init-container.k8s.io", "/mutating-pods", unique, List.of("CREATE"), "", List.of("v1"),
            List.of("pods")));
    try {
      JsonNode cm = created(configMap(ns, "to-be-mutated", "{\"mutation-start\":\"yes\"}")).json();
      assertEquals(WebhookServer.JSON.readTree("{\"mutation-start\":\"yes\",\"mutation-stage-1\":\"yes\","
          + "\"mutation-stage-2\":\"yes\"}"), cm.path("data"), cm.toString());
      JsonNode pod = created(post("/api/v1/namespaces/" + ns + "/pods", """
          {"metadata":{"name":"webhook-to-be-mutated"},"spec":{"terminationGracePeriodSeconds":1,
           "containers":[{"name":"example","image":"busybox","command":["sleep","3600"]}]}}""")).json();
      JsonNode init = pod.path("spec").path("initContainers");
      assertEquals(1, init.size(), pod.toString());
      assertEquals("webhook-added-init-container", init.path(0).path("name").asText());
      assertEquals("File", init.path(0).path("terminationMessagePolicy").asText(), init.toString());
    } finally {
      WebhookFixture.delete("mutating", unique);
    }

    // matchConditions: everything but 'skip-me' is mutated
    ObjectNode skipMe = hooks.configMapHook("adding-configmap-data-stage-1.k8s.io", "/mutating-configmaps", unique,
        List.of("CREATE"));
    skipMe.putArray("matchConditions").addObject().put("name", "skip-me")
        .put("expression", "object.metadata.name != 'skip-me'");
    hooks.register("mutating", unique + "-skip-me", Map.of(), skipMe);
    try {
      JsonNode random = created(configMap(ns, UUID.randomUUID().toString(), "{\"mutation-start\":\"yes\"}")).json();
      assertEquals(WebhookServer.JSON.readTree("{\"mutation-start\":\"yes\",\"mutation-stage-1\":\"yes\"}"),
          random.path("data"), random.toString());
      JsonNode skipped = created(configMap(ns, "skip-me", "{\"mutation-start\":\"yes\"}")).json();
      assertEquals(WebhookServer.JSON.readTree("{\"mutation-start\":\"yes\"}"), skipped.path("data"),
          skipped.toString());
    } finally {
      WebhookFixture.delete("mutating", unique + "-skip-me");
    }
  }

  @Test
  @Conformance("api-machinery.admission-webhook-configurations-exempt")
  void webhookConfigurationsAreNeitherMutatedNorBlockedByWebhooks(String ns) {
    String unique = WebhookFixture.uniqueLabel();
    WebhookFixture.label(ns, Map.of(unique, "true"));
    List<String> configs = List.of("validatingwebhookconfigurations", "mutatingwebhookconfigurations");
    ObjectNode deny = hooks.hook("deny-webhook-configuration-deletions.k8s.io", "/always-deny", unique,
        List.of("DELETE"), "admissionregistration.k8s.io", List.of("*"), configs);
    deny.put("failurePolicy", "Fail");
    ObjectNode label = hooks.hook("add-label-to-webhook-configurations.k8s.io", "/add-label", unique,
        List.of("CREATE"), "admissionregistration.k8s.io", List.of("*"), configs);
    label.put("failurePolicy", "Fail");
    hooks.register("validating", unique + "-blocking", Map.of(), deny);
    hooks.register("mutating", unique + "-blocking", Map.of(), label);
    try {
      for (String kind : List.of("validating", "mutating")) {
        // never called: it matches nothing and could not be reached (no caBundle, a path the server lacks)
        ObjectNode dummy = hooks.configMapHook("dummy-" + kind + "-webhook.k8s.io", "", unique, List.of("CREATE"));
        ((ObjectNode) dummy.at("/rules/0")).putArray("resources").add("invalid");
        ((ObjectNode) dummy.get("clientConfig")).remove("caBundle");
        dummy.put("failurePolicy", "Ignore");
        JsonNode created = hooks.register(kind, unique, Map.of(), dummy).json();
        assertFalse(created.path("metadata").path("labels").has("added-label"), created.toString());
        Api.Response deleted = WebhookFixture.send("DELETE", WebhookFixture.path(kind) + "/" + unique, null, null);
        assertEquals(200, deleted.code(), deleted.toString());
      }
    } finally {
      WebhookFixture.delete("validating", unique + "-blocking");
      WebhookFixture.delete("mutating", unique + "-blocking");
    }
  }

  @Test
  @Conformance("api-machinery.admission-webhook-timeout")
  void webhookTimeoutsAreHonored(String ns) {
    String unique = WebhookFixture.uniqueLabel();
    WebhookFixture.label(ns, Map.of(unique, "true"));
    record Case(String policy, Integer timeout, boolean fails) {}
    for (Case c : List.of(new Case("Fail", 1, true), new Case("Ignore", 1, false), new Case("Fail", 10, false),
        new Case("Fail", null, false))) {
      ObjectNode slow = hooks.configMapHook("allow-configmap-with-delay-webhook.k8s.io", "/always-allow-delay-5s",
          unique, List.of("CREATE"));
      slow.put("failurePolicy", c.policy());
      if (c.timeout() != null) {
        slow.put("timeoutSeconds", c.timeout());
      }
      hooks.register("validating", unique, Map.of(), slow);
      try {
        Api.Response r = configMap(ns, "e2e-test-slow-webhook-configmap", "{}");
        if (c.fails()) {
          assertTrue(r.code() >= 400 && (r.body().contains("context deadline exceeded") || r.body().contains("timeout"))
              && r.body().contains("/always-allow-delay-5s?timeout=1s"), r.toString());
        } else {
          created(r);
          WebhookFixture.send("DELETE", CM.formatted(ns) + "/e2e-test-slow-webhook-configmap", null, null);
        }
      } finally {
        WebhookFixture.delete("validating", unique);
      }
    }
  }

  @Test
  @Conformance("api-machinery.admission-webhook-configuration-api")
  void webhookConfigurationsAreListedDeletedByCollectionUpdatedAndPatched(String ns) {
    String unique = WebhookFixture.uniqueLabel();
    WebhookFixture.label(ns, Map.of(unique, "true"));
    String nonCompliant = "{\"webhook-e2e-test\":\"webhook-disallow\"}";
    String toMutate = "{\"mutation-start\":\"yes\"}";
    for (String kind : List.of("validating", "mutating")) {
      boolean validating = kind.equals("validating");
      String uuid = UUID.randomUUID().toString();
      for (int i = 0; i < 10; i++) {
        hooks.register(kind, unique + "-" + i, Map.of("e2e-list-test-uuid", uuid), fixture(validating, unique));
      }
      String selector = "?labelSelector=e2e-list-test-uuid%3D" + uuid;
      assertEquals(10, WebhookFixture.get(WebhookFixture.path(kind) + selector).json().path("items")
          .size());
      awaitEffect(ns, validating, true, validating ? nonCompliant : toMutate);
      assertEquals(200, WebhookFixture.send("DELETE", WebhookFixture.path(kind) + selector, null, null).code());
      awaitEffect(ns, validating, false, validating ? nonCompliant : toMutate);

      // update: without CREATE the webhook stays out of creates; a JSON patch puts CREATE back
      hooks.register(kind, unique, Map.of(), fixture(validating, unique));
      try {
        String path = WebhookFixture.path(kind) + "/" + unique;
        Await.until(WAIT, "the update is written", () -> {
          ObjectNode config = (ObjectNode) WebhookFixture.get(path).json();
          ((ObjectNode) config.at("/webhooks/0/rules/0")).putArray("operations").add("UPDATE");
          return WebhookFixture.send("PUT", path, "application/json", config.toString()).code() == 200;
        });
        awaitEffect(ns, validating, false, validating ? nonCompliant : toMutate);
        assertEquals(200, WebhookFixture.send("PATCH", path, "application/json-patch+json",
            "[{\"op\":\"replace\",\"path\":\"/webhooks/0/rules/0/operations\",\"value\":[\"CREATE\"]}]")
            .code());
        awaitEffect(ns, validating, true, validating ? nonCompliant : toMutate);
      } finally {
        WebhookFixture.delete(kind, unique);
      }
    }
  }

  private static ObjectNode fixture(boolean validating, String unique) {
    return validating
        ? hooks.configMapHook("deny-unwanted-configmap-data.k8s.io", "/configmaps", unique,
            List.of("CREATE", "UPDATE", "DELETE"))
        : hooks.configMapHook("adding-configmap-data-stage-1.k8s.io", "/mutating-configmaps", unique,
            List.of("CREATE"));
  }

  /** Creates ConfigMaps until the webhook's effect (denial, or mutation) is {@code present}, deleting those made. */
  private static void awaitEffect(String ns, boolean validating, boolean present, String data) {
    Await.until(WAIT, (present ? "" : "no ") + (validating ? "denial" : "mutation"), () -> {
      String name = UUID.randomUUID().toString();
      Api.Response r = configMap(ns, name, data);
      if (r.code() == 201) {
        WebhookFixture.send("DELETE", CM.formatted(ns) + "/" + name, null, null);
      }
      boolean effect = validating ? r.body().contains("denied") : r.json().path("data").has("mutation-stage-1");
      return effect == present;
    });
  }

  @Test
  @Conformance("api-machinery.admission-webhook-match-conditions")
  void matchConditionsAreStoredUpdatedAndMustCompile(String ns) {
    String unique = WebhookFixture.uniqueLabel();
    String one = "[{\"name\":\"expression-1\",\"expression\":\"object.metadata.namespace == 'production'\"}]";
    String two = "[{\"name\":\"expression-1\",\"expression\":\"object.metadata.namespace == 'production'\"},"
        + "{\"name\":\"expression-2\",\"expression\":\"object.metadata.namespace == 'staging'\"}]";
    for (String kind : List.of("validating", "mutating")) {
      ObjectNode hook = kind.equals("validating")
          ? hooks.configMapHook("validation-webhook-with-match-conditions.k8s.io", "/always-deny", unique,
              List.of("CREATE"))
          : hooks.configMapHook("adding-configmap-data.k8s.io", "/mutating-configmaps", unique, List.of("CREATE"));
      try {
        hook.set("matchConditions", WebhookServer.JSON.readTree("[{\"name\":\"invalid-expression-1\","
            + "\"expression\":\"... [] bad expression\"}]"));
        Api.Response invalid = post(WebhookFixture.path(kind), "{\"metadata\":{\"name\":\"" + unique
            + "\"},\"webhooks\":[" + hook + "]}");
        assertEquals(422, invalid.code(), invalid.toString());
        assertTrue(invalid.body().contains("compilation failed"), invalid.toString());

        hook.set("matchConditions", WebhookServer.JSON.readTree(one));
        created(post(WebhookFixture.path(kind), "{\"metadata\":{\"name\":\"" + unique + "\"},\"webhooks\":[" + hook
            + "]}"));
        String path = WebhookFixture.path(kind) + "/" + unique;
        ObjectNode stored = (ObjectNode) WebhookFixture.get(path).json();
        assertEquals(WebhookServer.JSON.readTree(one), stored.at("/webhooks/0/matchConditions"));
        ((ObjectNode) stored.at("/webhooks/0")).set("matchConditions", WebhookServer.JSON.readTree(two));
        assertEquals(200, WebhookFixture.send("PUT", path, "application/json", stored.toString()).code());
        assertEquals(WebhookServer.JSON.readTree(two), WebhookFixture.get(path).json()
            .at("/webhooks/0/matchConditions"));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      } finally {
        WebhookFixture.delete(kind, unique);
      }
    }
  }
}
