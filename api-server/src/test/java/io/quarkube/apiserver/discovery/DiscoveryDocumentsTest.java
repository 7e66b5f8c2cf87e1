package io.quarkube.apiserver.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.resource.ResourceCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DiscoveryDocumentsTest {
  private final DiscoveryDocuments docs = new DiscoveryDocuments(ResourceCatalog.builtIn());
  /** The named groups of the catalog, in its order: discovery lists exactly these. */
  private static final List<String> CATALOG_GROUPS = ResourceCatalog.builtIn().groups().stream()
      .filter(g -> !g.isEmpty()).toList();

  @Test
  void apiVersionsNamesV1AndTheServerAddress() {
    ObjectNode n = docs.apiVersions("10.0.0.1:6443");
    assertEquals("APIVersions", n.path("kind").asText());
    assertEquals("[\"v1\"]", n.path("versions").toString());
    assertEquals("0.0.0.0/0", n.at("/serverAddressByClientCIDRs/0/clientCIDR").asText());
    assertEquals("10.0.0.1:6443", n.at("/serverAddressByClientCIDRs/0/serverAddress").asText());
  }

  @Test
  void groupListHasEveryNamedGroupWithItsPreferredVersion() {
    ObjectNode n = docs.apiGroupList();
    assertEquals("APIGroupList", n.path("kind").asText());
    assertEquals("v1", n.path("apiVersion").asText());
    List<String> names = new ArrayList<>();
    n.path("groups").forEach(g -> names.add(g.path("name").asText()));
    assertEquals(CATALOG_GROUPS, names);
    assertTrue(names.containsAll(List.of("apps", "batch", "coordination.k8s.io", "discovery.k8s.io",
        "events.k8s.io", "networking.k8s.io", "policy", "rbac.authorization.k8s.io", "scheduling.k8s.io",
        "storage.k8s.io", "apiextensions.k8s.io")), names.toString());
    JsonNode apps = n.path("groups").get(0);
    assertEquals("{\"groupVersion\":\"apps/v1\",\"version\":\"v1\"}", apps.path("versions").get(0).toString());
    assertEquals("{\"groupVersion\":\"apps/v1\",\"version\":\"v1\"}", apps.path("preferredVersion").toString());
  }

  @Test
  void oneGroupOrNone() {
    ObjectNode apps = docs.apiGroup("apps").orElseThrow();
    assertEquals("APIGroup", apps.path("kind").asText());
    assertEquals("apps", apps.path("name").asText());
    assertTrue(docs.apiGroup("example.com").isEmpty());
    assertTrue(docs.apiResourceList("apps", "v2").isEmpty());
    assertTrue(docs.apiResourceList("", "v2").isEmpty());
  }

  @Test
  void storageResourceListMatchesUpstream() {
    ObjectNode n = docs.apiResourceList("storage.k8s.io", "v1").orElseThrow();
    List<String> names = new ArrayList<>();
    n.path("resources").forEach(r -> names.add(r.path("name").asText() + (r.path("namespaced").asBoolean()
        ? " ns" : "")));
    assertEquals(List.of("csidrivers", "csinodes", "csistoragecapacities ns", "storageclasses", "volumeattachments",
        "volumeattachments/status"), names);
  }

  @Test
  void coreResourceListMatchesUpstream() {
    ObjectNode n = docs.apiResourceList("", "v1").orElseThrow();
    assertEquals("APIResourceList", n.path("kind").asText());
    // upstream's /api/v1 carries no apiVersion
    assertFalse(n.has("apiVersion"));
    assertEquals("v1", n.path("groupVersion").asText());
    List<String> names = new ArrayList<>();
    n.path("resources").forEach(r -> names.add(r.path("name").asText()));
    assertEquals(List.of("bindings", "componentstatuses", "configmaps", "endpoints", "events", "limitranges", "namespaces", "namespaces/finalize",
        "namespaces/status", "nodes", "nodes/proxy", "nodes/status", "persistentvolumeclaims",
        "persistentvolumeclaims/status", "persistentvolumes", "persistentvolumes/status", "pods", "pods/attach",
        "pods/binding", "pods/ephemeralcontainers", "pods/eviction", "pods/exec", "pods/log", "pods/portforward",
        "pods/proxy", "pods/resize", "pods/status", "podtemplates", "replicationcontrollers",
        "replicationcontrollers/scale", "replicationcontrollers/status", "resourcequotas", "resourcequotas/status",
        "secrets", "serviceaccounts", "serviceaccounts/token", "services", "services/proxy", "services/status"),
        names);

    // byte for byte what a 1.31/1.32 kube-apiserver answers for these entries
    assertEquals("{\"name\":\"pods\",\"singularName\":\"pod\",\"namespaced\":true,\"kind\":\"Pod\",\"verbs\":"
        + "[\"create\",\"delete\",\"deletecollection\",\"get\",\"list\",\"patch\",\"update\",\"watch\"],"
        + "\"shortNames\":[\"po\"],\"categories\":[\"all\"],\"storageVersionHash\":\"xPOwRZ+Yhw8=\"}",
        resource(n, "pods").toString());
    assertEquals("{\"name\":\"pods/eviction\",\"singularName\":\"\",\"namespaced\":true,\"group\":\"policy\","
        + "\"version\":\"v1\",\"kind\":\"Eviction\",\"verbs\":[\"create\"]}", resource(n, "pods/eviction").toString());
    assertEquals("{\"name\":\"serviceaccounts/token\",\"singularName\":\"\",\"namespaced\":true,"
        + "\"group\":\"authentication.k8s.io\",\"version\":\"v1\",\"kind\":\"TokenRequest\",\"verbs\":[\"create\"]}",
        resource(n, "serviceaccounts/token").toString());
    assertEquals("{\"name\":\"namespaces\",\"singularName\":\"namespace\",\"namespaced\":false,\"kind\":\"Namespace\","
        + "\"verbs\":[\"create\",\"delete\",\"get\",\"list\",\"patch\",\"update\",\"watch\"],\"shortNames\":[\"ns\"],"
        + "\"storageVersionHash\":\"Q3oi5N2YM8M=\"}", resource(n, "namespaces").toString());
    assertEquals("{\"name\":\"services/proxy\",\"singularName\":\"\",\"namespaced\":true,"
        + "\"kind\":\"ServiceProxyOptions\",\"verbs\":[\"create\",\"delete\",\"get\",\"patch\",\"update\"]}",
        resource(n, "services/proxy").toString());
    // not stored: no storageVersionHash, as upstream's
    assertEquals("{\"name\":\"componentstatuses\",\"singularName\":\"componentstatus\",\"namespaced\":false,"
        + "\"kind\":\"ComponentStatus\",\"verbs\":[\"get\",\"list\"],\"shortNames\":[\"cs\"]}",
        resource(n, "componentstatuses").toString());
    assertEquals("{\"name\":\"bindings\",\"singularName\":\"binding\",\"namespaced\":true,\"kind\":\"Binding\","
        + "\"verbs\":[\"create\"]}", resource(n, "bindings").toString());
    assertEquals("[\"update\"]", resource(n, "namespaces/finalize").path("verbs").toString());
    assertEquals("[\"get\"]", resource(n, "pods/log").path("verbs").toString());
    assertEquals("PodExecOptions", resource(n, "pods/exec").path("kind").asText());
    assertEquals("[\"create\",\"get\"]", resource(n, "pods/portforward").path("verbs").toString());
    assertEquals("Binding", resource(n, "pods/binding").path("kind").asText());
    assertEquals("NodeProxyOptions", resource(n, "nodes/proxy").path("kind").asText());
    assertEquals("autoscaling", resource(n, "replicationcontrollers/scale").path("group").asText());
    assertEquals("fWeeMqaN/OA=", resource(n, "endpoints").path("storageVersionHash").asText());
    assertEquals("endpoints", resource(n, "endpoints").path("singularName").asText());
  }

  @Test
  void appsResourceListNamesScaleInAutoscaling() {
    ObjectNode n = docs.apiResourceList("apps", "v1").orElseThrow();
    assertEquals("v1", n.path("apiVersion").asText());
    assertEquals("apps/v1", n.path("groupVersion").asText());
    assertEquals("{\"name\":\"deployments/scale\",\"singularName\":\"\",\"namespaced\":true,\"group\":\"autoscaling\","
        + "\"version\":\"v1\",\"kind\":\"Scale\",\"verbs\":[\"get\",\"patch\",\"update\"]}",
        resource(n, "deployments/scale").toString());
    assertEquals("{\"name\":\"deployments/status\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"Deployment\","
        + "\"verbs\":[\"get\",\"patch\",\"update\"]}", resource(n, "deployments/status").toString());
    assertEquals("8aSe+NMegvE=", resource(n, "deployments").path("storageVersionHash").asText());
    assertEquals("[\"deploy\"]", resource(n, "deployments").path("shortNames").toString());
  }

  @Test
  void eventsOfEventsGroupHashLikeTheirCoreStorage() {
    ObjectNode n = docs.apiResourceList("events.k8s.io", "v1").orElseThrow();
    assertEquals("r2yiGXH7wu8=", resource(n, "events").path("storageVersionHash").asText());
  }

  @Test
  void aggregatedCoreGroup() {
    ObjectNode n = docs.aggregatedDiscovery(true, "v2");
    assertEquals("APIGroupDiscoveryList", n.path("kind").asText());
    assertEquals("apidiscovery.k8s.io/v2", n.path("apiVersion").asText());
    assertEquals(1, n.path("items").size());
    JsonNode core = n.path("items").get(0);
    assertEquals("{}", core.path("metadata").toString());
    JsonNode v1 = core.path("versions").get(0);
    assertEquals("v1", v1.path("version").asText());
    assertEquals("Current", v1.path("freshness").asText());
    JsonNode pods = find(v1.path("resources"), "resource", "pods");
    assertEquals("{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"}", pods.path("responseKind").toString());
    assertEquals("Namespaced", pods.path("scope").asText());
    assertEquals("pod", pods.path("singularResource").asText());
    assertEquals("[\"po\"]", pods.path("shortNames").toString());
    assertEquals("[\"all\"]", pods.path("categories").toString());
    assertEquals("{\"subresource\":\"eviction\",\"responseKind\":{\"group\":\"policy\",\"version\":\"v1\","
        + "\"kind\":\"Eviction\"},\"verbs\":[\"create\"]}",
        find(pods.path("subresources"), "subresource", "eviction").toString());
    assertEquals("{\"subresource\":\"status\",\"responseKind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},"
        + "\"verbs\":[\"get\",\"patch\",\"update\"]}", find(pods.path("subresources"), "subresource", "status")
        .toString());
    JsonNode nodes = find(v1.path("resources"), "resource", "nodes");
    assertEquals("Cluster", nodes.path("scope").asText());
    assertFalse(find(v1.path("resources"), "resource", "secrets").has("shortNames"));
  }

  @Test
  void aggregatedNamedGroups() {
    ObjectNode n = docs.aggregatedDiscovery(false, "v2beta1");
    assertEquals("apidiscovery.k8s.io/v2beta1", n.path("apiVersion").asText());
    JsonNode apps = n.path("items").get(0);
    assertEquals("{\"name\":\"apps\"}", apps.path("metadata").toString());
    JsonNode deployments = find(apps.at("/versions/0/resources"), "resource", "deployments");
    assertEquals("{\"group\":\"apps\",\"version\":\"v1\",\"kind\":\"Deployment\"}",
        deployments.path("responseKind").toString());
    assertEquals("{\"group\":\"autoscaling\",\"version\":\"v1\",\"kind\":\"Scale\"}",
        find(deployments.path("subresources"), "subresource", "scale").path("responseKind").toString());
    assertEquals(CATALOG_GROUPS.size(), n.path("items").size());
  }

  @Test
  void acceptHeaderPicksTheAggregatedVersion() {
    String kubectl = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
        + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
    assertEquals(Optional.of("v2"), DiscoveryDocuments.aggregatedVersion(kubectl));
    assertEquals(Optional.of("v2beta1"), DiscoveryDocuments.aggregatedVersion(
        "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList, application/json"));
    assertEquals(Optional.empty(), DiscoveryDocuments.aggregatedVersion("application/json, */*"));
    assertEquals(Optional.empty(), DiscoveryDocuments.aggregatedVersion(null));
    assertEquals(Optional.empty(), DiscoveryDocuments.aggregatedVersion(
        "application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"));
    assertEquals("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
        DiscoveryDocuments.aggregatedContentType("v2"));
  }

  @Test
  void documentsAreFreshCopies() {
    docs.apiGroupList().putArray("groups");
    assertEquals(CATALOG_GROUPS.size(), docs.apiGroupList().path("groups").size());
  }

  private static JsonNode resource(ObjectNode list, String name) {
    return find(list.path("resources"), "name", name);
  }

  private static JsonNode find(JsonNode array, String field, String value) {
    for (JsonNode e : array) {
      if (e.path(field).asText().equals(value)) {
        return e;
      }
    }
    throw new AssertionError(value + " not found in " + array);
  }
}
