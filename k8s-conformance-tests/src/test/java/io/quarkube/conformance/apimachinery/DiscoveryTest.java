package io.quarkube.conformance.apimachinery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkube.conformance.Conformance;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** /version, legacy discovery (/api, /apis, group versions) and aggregated discovery (apidiscovery.k8s.io v2). */
class DiscoveryTest {
  static final String AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

  /** Built-in resources every Kubernetes 1.32 API server serves, by group/version. */
  static final Map<String, List<String>> BUILT_INS = Map.ofEntries(
      Map.entry("v1", List.of("pods", "services", "configmaps", "secrets", "namespaces", "nodes", "endpoints",
          "events", "serviceaccounts", "persistentvolumes", "persistentvolumeclaims", "replicationcontrollers",
          "resourcequotas", "limitranges", "podtemplates")),
      Map.entry("apps/v1", List.of("deployments", "replicasets", "statefulsets", "daemonsets",
          "controllerrevisions")),
      Map.entry("batch/v1", List.of("jobs", "cronjobs")),
      Map.entry("coordination.k8s.io/v1", List.of("leases")),
      Map.entry("discovery.k8s.io/v1", List.of("endpointslices")),
      Map.entry("rbac.authorization.k8s.io/v1", List.of("roles", "rolebindings", "clusterroles",
          "clusterrolebindings")),
      Map.entry("apiextensions.k8s.io/v1", List.of("customresourcedefinitions")),
      Map.entry("policy/v1", List.of("poddisruptionbudgets")),
      Map.entry("scheduling.k8s.io/v1", List.of("priorityclasses")),
      Map.entry("authorization.k8s.io/v1", List.of("selfsubjectaccessreviews", "subjectaccessreviews")),
      Map.entry("authentication.k8s.io/v1", List.of("tokenreviews")),
      Map.entry("certificates.k8s.io/v1", List.of("certificatesigningrequests")));

  @Conformance("api-machinery.version")
  @Test
  void versionHasIntegerMajorAndMinor() {
    Api.Response r = Api.get("/version", "application/json");
    assertEquals(200, r.code(), r.toString());
    JsonNode v = r.json();
    assertTrue(v.path("major").asText().matches("\\d+"), r.body());
    assertTrue(v.path("minor").asText().matches("\\d+"), r.body());
    assertTrue(v.path("gitVersion").asText().startsWith("v" + v.path("major").asText() + "."), r.body());
    for (String field : List.of("gitCommit", "buildDate", "goVersion", "compiler", "platform")) {
      assertTrue(v.has(field), "version has " + field + ": " + r.body());
    }
  }

  @Conformance("api-machinery.legacy-discovery")
  @Test
  void everyGroupHasAServedPreferredVersionAndListsItsResources() {
    JsonNode core = Api.get("/api", "application/json").json();
    assertEquals("APIVersions", core.path("kind").asText());
    assertEquals("v1", core.path("versions").get(0).asText());
    JsonNode v1 = Api.get("/api/v1", "application/json").json();
    assertEquals("APIResourceList", v1.path("kind").asText());
    assertEquals("v1", v1.path("groupVersion").asText());
    assertTrue(names(v1.path("resources")).containsAll(BUILT_INS.get("v1")), v1.toString());

    JsonNode groups = Api.get("/apis", "application/json").json();
    assertEquals("APIGroupList", groups.path("kind").asText());
    Set<String> groupVersions = new HashSet<>();
    for (JsonNode g : groups.path("groups")) {
      String name = g.path("name").asText();
      String preferred = g.path("preferredVersion").path("groupVersion").asText();
      Set<String> versions = new HashSet<>();
      g.path("versions").forEach(v -> versions.add(v.path("groupVersion").asText()));
      assertTrue(versions.contains(preferred), name + ": preferred " + preferred + " not among " + versions);
      assertTrue(preferred.startsWith(name + "/"), name + ": " + preferred);
      JsonNode group = Api.get("/apis/" + name, "application/json").json();
      assertEquals("APIGroup", group.path("kind").asText(), name);
      assertEquals(preferred, group.path("preferredVersion").path("groupVersion").asText(), name);
      for (String gv : versions) {
        JsonNode list = Api.get("/apis/" + gv, "application/json").json();
        assertEquals(gv, list.path("groupVersion").asText(), gv);
        assertTrue(list.path("resources").size() > 0, gv + " lists no resource");
        groupVersions.add(gv);
        List<String> expected = BUILT_INS.get(gv);
        if (expected != null) {
          assertTrue(names(list.path("resources")).containsAll(expected), gv + ": " + names(list.path("resources")));
        }
      }
    }
    for (String gv : BUILT_INS.keySet()) {
      assertTrue(gv.equals("v1") || groupVersions.contains(gv), "discovery lacks " + gv);
    }
  }

  @Conformance("api-machinery.aggregated-discovery")
  @Test
  void aggregatedDiscoveryListsEveryBuiltIn() {
    Map<String, Set<String>> served = new java.util.HashMap<>();
    for (String path : List.of("/api", "/apis")) {
      Api.Response r = Api.get(path, AGGREGATED + ",application/json");
      assertEquals(200, r.code(), r.toString());
      assertTrue(r.contentType().contains("as=APIGroupDiscoveryList") && r.contentType().contains("v=v2"),
          r.contentType());
      JsonNode list = r.json();
      assertEquals("APIGroupDiscoveryList", list.path("kind").asText());
      assertEquals("apidiscovery.k8s.io/v2", list.path("apiVersion").asText());
      for (JsonNode group : list.path("items")) {
        String name = group.path("metadata").path("name").asText("");
        for (JsonNode version : group.path("versions")) {
          String gv = name.isEmpty() ? version.path("version").asText() : name + "/" + version.path("version")
              .asText();
          for (JsonNode res : version.path("resources")) {
            served.computeIfAbsent(gv, k -> new HashSet<>()).add(res.path("resource").asText());
            assertTrue(res.path("responseKind").path("kind").asText().length() > 0, gv + " " + res);
            assertTrue(List.of("Namespaced", "Cluster").contains(res.path("scope").asText()), gv + " " + res);
            assertTrue(res.path("verbs").isArray(), gv + " " + res);
          }
        }
      }
    }
    BUILT_INS.forEach((gv, resources) -> assertTrue(served.getOrDefault(gv, Set.of()).containsAll(resources),
        gv + ": aggregated discovery serves " + served.get(gv)));
    // A client that accepts only the legacy documents still gets them.
    Api.Response legacy = Api.get("/apis", "application/json");
    assertEquals("APIGroupList", legacy.json().path("kind").asText());
    assertTrue(!legacy.contentType().contains("APIGroupDiscoveryList"), legacy.contentType());
  }

  static Set<String> names(JsonNode resources) {
    Set<String> names = new HashSet<>();
    resources.forEach(r -> names.add(r.path("name").asText()));
    return names;
  }
}
