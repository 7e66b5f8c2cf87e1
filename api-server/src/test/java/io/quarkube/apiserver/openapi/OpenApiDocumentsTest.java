package io.quarkube.apiserver.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.resource.ResourceCatalog;
import io.quarkube.apiserver.resource.ResourceDefinition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpenApiDocumentsTest {
  private static final ResourceCatalog CATALOG = ResourceCatalog.builtIn();
  private static final OpenApiDocuments DOCS = new OpenApiDocuments(CATALOG);
  private static final String POD_ITEM = "/api/v1/namespaces/{namespace}/pods/{name}";

  @Test
  void indexNamesEveryGroupVersion() {
    JsonNode paths = DOCS.v3Index().path("paths");
    Set<String> expected = new HashSet<>(List.of("api", "apis", "version"));
    for (ResourceDefinition d : CATALOG.all()) {
      expected.add(d.group().isEmpty() ? "api/" + d.version() : "apis/" + d.apiVersion());
      if (!d.group().isEmpty()) {
        expected.add("apis/" + d.group());
      }
    }
    Set<String> actual = new HashSet<>();
    paths.fieldNames().forEachRemaining(actual::add);
    assertEquals(expected, actual);
    String url = paths.path("apis/apps/v1").path("serverRelativeURL").asText();
    assertTrue(url.matches("/openapi/v3/apis/apps/v1\\?hash=[0-9A-F]{128}"), url);
    assertEquals(url.substring(url.indexOf("=") + 1), DOCS.hash("apis/apps/v1").orElseThrow());
  }

  @Test
  void pathsAreFoundHoweverTheyAreWritten() {
    String hash = DOCS.hash("api/v1").orElseThrow();
    assertTrue(DOCS.v3GroupVersion("/openapi/v3/api/v1?hash=" + hash).isPresent());
    assertTrue(DOCS.v3GroupVersion("api/v1").isPresent());
    assertTrue(DOCS.v3GroupVersion("/apis/apps/v1/").isPresent());
    assertTrue(DOCS.v3GroupVersion("apis/apps").isPresent());
    assertTrue(DOCS.v3GroupVersion("version").isPresent());
    assertTrue(DOCS.v3GroupVersion("apis/example.com/v1").isEmpty());
    // computed once: the same bytes every time
    assertEquals(hash, new OpenApiDocuments(CATALOG).hash("api/v1").orElseThrow());
  }

  @Test
  void coreDocumentHasPodSchema() {
    ObjectNode doc = DOCS.v3GroupVersion("api/v1").orElseThrow();
    assertEquals("3.0.0", doc.path("openapi").asText());
    JsonNode schemas = doc.at("/components/schemas");
    JsonNode pod = schemas.path("io.k8s.api.core.v1.Pod");
    assertEquals("[{\"group\":\"\",\"kind\":\"Pod\",\"version\":\"v1\"}]",
        pod.path("x-kubernetes-group-version-kind").toString());
    for (String field : List.of("apiVersion", "kind", "metadata", "spec", "status")) {
      assertTrue(pod.path("properties").has(field), field);
    }
    assertEquals("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
        pod.at("/properties/metadata/allOf/0/$ref").asText());
    assertEquals("#/components/schemas/io.k8s.api.core.v1.PodSpec", pod.at("/properties/spec/allOf/0/$ref").asText());
    assertEquals("[{\"group\":\"\",\"kind\":\"PodList\",\"version\":\"v1\"}]",
        schemas.at("/io.k8s.api.core.v1.PodList/x-kubernetes-group-version-kind").toString());

    JsonNode podSpec = schemas.path("io.k8s.api.core.v1.PodSpec");
    assertEquals("[\"containers\"]", podSpec.path("required").toString());
    JsonNode containers = podSpec.at("/properties/containers");
    assertEquals("array", containers.path("type").asText());
    assertEquals("#/components/schemas/io.k8s.api.core.v1.Container", containers.at("/items/$ref").asText());
    assertEquals("name", containers.path("x-kubernetes-patch-merge-key").asText());
    assertEquals("merge", containers.path("x-kubernetes-patch-strategy").asText());
    assertEquals("merge,retainKeys", podSpec.at("/properties/volumes/x-kubernetes-patch-strategy").asText());
    assertEquals("object", podSpec.at("/properties/nodeSelector/type").asText());
    assertEquals("string", podSpec.at("/properties/nodeSelector/additionalProperties/type").asText());
    assertEquals("integer", podSpec.at("/properties/terminationGracePeriodSeconds/type").asText());
    assertEquals("int64", podSpec.at("/properties/terminationGracePeriodSeconds/format").asText());
    assertEquals("boolean", podSpec.at("/properties/hostNetwork/type").asText());

    JsonNode meta = schemas.path("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    assertEquals("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time",
        meta.at("/properties/creationTimestamp/allOf/0/$ref").asText());
    assertEquals("uid", meta.at("/properties/ownerReferences/x-kubernetes-patch-merge-key").asText());
    assertEquals("date-time", schemas.at("/io.k8s.apimachinery.pkg.apis.meta.v1.Time/format").asText());
    JsonNode port = schemas.at("/io.k8s.api.core.v1.ContainerPort");
    assertEquals("[\"containerPort\"]", port.path("required").toString());
    JsonNode probePort = schemas.at("/io.k8s.api.core.v1.HTTPGetAction/properties/port/allOf/0/$ref");
    assertEquals("#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString", probePort.asText());
    assertEquals("int-or-string", schemas.at("/io.k8s.apimachinery.pkg.util.intstr.IntOrString/format").asText());
    assertEquals("#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity",
        schemas.at("/io.k8s.api.core.v1.ResourceRequirements/properties/limits/additionalProperties/$ref").asText());
    // the kinds subresources speak are described in the document that serves them
    assertEquals("[{\"group\":\"policy\",\"kind\":\"Eviction\",\"version\":\"v1\"}]",
        schemas.at("/io.k8s.api.policy.v1.Eviction/x-kubernetes-group-version-kind").toString());
    assertTrue(schemas.has("io.k8s.api.authentication.v1.TokenRequest"));
  }

  @Test
  void podItemPathHasTheOperationsKubectlLooksFor() {
    JsonNode item = DOCS.v3GroupVersion("api/v1").orElseThrow().path("paths").path(POD_ITEM);
    for (String method : List.of("get", "put", "patch", "delete")) {
      assertEquals("{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"}",
          item.path(method).path("x-kubernetes-group-version-kind").toString(), method);
    }
    assertEquals("patch", item.at("/patch/x-kubernetes-action").asText());
    assertEquals("get", item.at("/get/x-kubernetes-action").asText());
    assertTrue(names(item.at("/patch/parameters")).containsAll(List.of("dryRun", "fieldManager", "fieldValidation",
        "force")));
    assertTrue(names(item.at("/put/parameters")).containsAll(List.of("dryRun", "fieldValidation")));
    assertEquals(List.of("name", "namespace", "pretty"), names(item.path("parameters")));
    assertTrue(item.at("/patch/requestBody/content").has("application/strategic-merge-patch+json"));
    assertEquals("#/components/schemas/io.k8s.api.core.v1.Pod",
        item.at("/get/responses/200/content/application~1json/schema/$ref").asText());
    JsonNode collection = DOCS.v3GroupVersion("api/v1").orElseThrow().path("paths")
        .path("/api/v1/namespaces/{namespace}/pods");
    assertEquals("list", collection.at("/get/x-kubernetes-action").asText());
    assertEquals("post", collection.at("/post/x-kubernetes-action").asText());
    assertEquals("deletecollection", collection.at("/delete/x-kubernetes-action").asText());
    assertTrue(names(collection.at("/post/parameters")).contains("fieldValidation"));
    JsonNode eviction = DOCS.v3GroupVersion("api/v1").orElseThrow().path("paths").path(POD_ITEM + "/eviction");
    assertEquals("{\"group\":\"policy\",\"version\":\"v1\",\"kind\":\"Eviction\"}",
        eviction.at("/post/x-kubernetes-group-version-kind").toString());
  }

  /** kubectl stops at the first PATCH operation of a kind; each must offer fieldValidation. */
  @Test
  void everyPatchOperationOffersFieldValidation() {
    for (String key : documentKeys()) {
      DOCS.v3GroupVersion(key).orElseThrow().path("paths").fields().forEachRemaining(p -> {
        JsonNode patch = p.getValue().path("patch");
        if (patch.isObject() && !patch.path("x-kubernetes-action").asText().equals("connect")) {
          assertTrue(names(patch.path("parameters")).contains("fieldValidation"), p.getKey());
        }
      });
    }
  }

  @Test
  void everyReferenceResolves() {
    for (String key : documentKeys()) {
      ObjectNode doc = DOCS.v3GroupVersion(key).orElseThrow();
      JsonNode schemas = doc.at("/components/schemas");
      List<String> refs = new ArrayList<>();
      collectRefs(doc, refs);
      assertFalse(refs.isEmpty(), key);
      for (String ref : refs) {
        assertTrue(schemas.has(ref.substring("#/components/schemas/".length())), key + ": " + ref);
      }
    }
  }

  @Test
  void customResourcesOfOneGroupVersionEachGetTheirOwnSchema() throws Exception {
    ResourceCatalog catalog = ResourceCatalog.builtIn();
    ResourceDefinition crontabs = custom("crontabs", "CronTab");
    ResourceDefinition gadgets = custom("gadgets", "Gadget");
    var version = io.fabric8.kubernetes.client.utils.Serialization.unmarshal("""
        name: v1
        served: true
        storage: true
        schema:
          openAPIV3Schema:
            type: object
            description: A CronTab runs a command on a schedule.
            properties:
              spec:
                type: object
                properties:
                  cronSpec: {type: string, description: When it runs.}
                  replicas: {type: integer, default: 1}
        """, io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion.class);
    io.quarkube.apiserver.crd.ServedVersions.register(crontabs, version);
    catalog.register(crontabs);
    catalog.register(gadgets);
    ObjectNode doc = new OpenApiDocuments(catalog).v3GroupVersion("apis/stable.example.com/v1").orElseThrow();
    JsonNode schemas = doc.at("/components/schemas");
    JsonNode cronTab = schemas.path("com.example.stable.v1.CronTab");
    assertEquals("A CronTab runs a command on a schedule.", cronTab.path("description").asText());
    assertEquals("When it runs.", cronTab.at("/properties/spec/properties/cronSpec/description").asText());
    assertEquals("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
        cronTab.at("/properties/metadata/allOf/0/$ref").asText());
    assertEquals("[{\"group\":\"stable.example.com\",\"kind\":\"CronTab\",\"version\":\"v1\"}]",
        cronTab.path("x-kubernetes-group-version-kind").toString());
    JsonNode gadget = schemas.path("com.example.stable.v1.Gadget");
    assertEquals("object", gadget.path("type").asText(), "no schema: a bare object, as upstream publishes it");
    assertFalse(gadget.has("properties"), gadget.toString());
    assertEquals("Gadget", gadget.at("/x-kubernetes-group-version-kind/0/kind").asText());
    assertFalse(schemas.has("io.k8s.api.core.v1.GenericKubernetesResource"));
    assertEquals("#/components/schemas/com.example.stable.v1.Gadget", doc.at("/paths/"
        + "~1apis~1stable.example.com~1v1~1namespaces~1{namespace}~1gadgets~1{name}/get/responses/200/content/"
        + "application~1json/schema/$ref").asText());
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    for (String ref : refs) {
      assertTrue(schemas.has(ref.substring("#/components/schemas/".length())), ref);
    }
  }

  private static ResourceDefinition custom(String plural, String kind) {
    return new ResourceDefinition("stable.example.com", "v1", plural, kind.toLowerCase(), kind, true, List.of(),
        List.of(), Set.of("status"), io.fabric8.kubernetes.api.model.GenericKubernetesResource.class,
        "stable.example.com/" + plural, ResourceDefinition.VERBS);
  }

  @Test
  void groupDocumentsNameTheirKinds() {
    JsonNode schemas = DOCS.v3GroupVersion("apis/apps/v1").orElseThrow().at("/components/schemas");
    assertEquals("[{\"group\":\"apps\",\"kind\":\"Deployment\",\"version\":\"v1\"}]",
        schemas.at("/io.k8s.api.apps.v1.Deployment/x-kubernetes-group-version-kind").toString());
    assertEquals("[\"selector\",\"template\"]", schemas.at("/io.k8s.api.apps.v1.DeploymentSpec/required").toString());
    assertEquals("retainKeys",
        schemas.at("/io.k8s.api.apps.v1.DeploymentSpec/properties/strategy/x-kubernetes-patch-strategy").asText());
    assertEquals("[{\"group\":\"autoscaling\",\"kind\":\"Scale\",\"version\":\"v1\"}]",
        schemas.at("/io.k8s.api.autoscaling.v1.Scale/x-kubernetes-group-version-kind").toString());
    assertTrue(DOCS.v3GroupVersion("apis/rbac.authorization.k8s.io/v1").orElseThrow().at("/components/schemas")
        .has("io.k8s.api.rbac.v1.ClusterRoleBinding"));
    JsonNode lease = DOCS.v3GroupVersion("apis/coordination.k8s.io/v1").orElseThrow()
        .at("/components/schemas/io.k8s.api.coordination.v1.LeaseSpec/properties/renewTime/allOf/0/$ref");
    assertEquals("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime", lease.asText());
    JsonNode events = DOCS.v3GroupVersion("apis/events.k8s.io/v1").orElseThrow().at("/components/schemas");
    assertEquals("[{\"group\":\"events.k8s.io\",\"kind\":\"Event\",\"version\":\"v1\"}]",
        events.at("/io.k8s.api.events.v1.Event/x-kubernetes-group-version-kind").toString());
    assertTrue(DOCS.v3GroupVersion("apis/apps/v1").orElseThrow().path("paths")
        .has("/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"));
  }

  private static List<String> documentKeys() {
    List<String> keys = new ArrayList<>();
    DOCS.v3Index().path("paths").fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  private static List<String> names(JsonNode parameters) {
    List<String> out = new ArrayList<>();
    parameters.forEach(p -> out.add(p.path("name").asText()));
    return out;
  }

  private static void collectRefs(JsonNode n, List<String> refs) {
    if (n.isObject()) {
      n.fields().forEachRemaining(e -> {
        if (e.getKey().equals("$ref") && e.getValue().isTextual()) {
          refs.add(e.getValue().asText());
        } else {
          collectRefs(e.getValue(), refs);
        }
      });
    } else if (n.isArray()) {
      n.forEach(c -> collectRefs(c, refs));
    }
  }
}
