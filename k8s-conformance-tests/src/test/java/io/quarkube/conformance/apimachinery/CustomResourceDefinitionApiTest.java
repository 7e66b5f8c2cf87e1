package io.quarkube.conformance.apimachinery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's CustomResourceDefinition API conformance tests: a watch on custom resources sees their whole life, a
 * CRD's own status subresource is read, updated and patched, and CRDs are listed and deleted by label.
 */
@ExtendWith(TestNamespace.class)
class CustomResourceDefinitionApiTest {
  private final KubernetesClient client = Cluster.client();

  /** A namespaced CRD whose schema allows anything (upstream's fixtures.AllowAllSchema). */
  private static CustomResourceDefinition crd(String group, String plural, Map<String, String> labels) {
    String kind = Character.toUpperCase(plural.charAt(0)) + plural.substring(1, plural.length() - 1);
    return new CustomResourceDefinitionBuilder().withNewMetadata().withName(plural + "." + group)
        .withLabels(labels).endMetadata().withNewSpec().withGroup(group).withScope("Namespaced").withNewNames()
        .withPlural(plural).withSingular(plural.substring(0, plural.length() - 1)).withKind(kind)
        .withListKind(kind + "List").endNames().addNewVersion().withName("v1").withServed(true).withStorage(true)
        .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
        .endOpenAPIV3Schema().endSchema().endVersion().endSpec().build();
  }

  private CustomResourceDefinition createEstablished(CustomResourceDefinition crd) {
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    String name = crd.getMetadata().getName();
    Await.until(Duration.ofSeconds(30), name + " established", () -> {
      CustomResourceDefinition c = client.apiextensions().v1().customResourceDefinitions().withName(name).get();
      return c.getStatus() != null && c.getStatus().getConditions() != null && c.getStatus().getConditions()
          .stream().anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus()));
    });
    return client.apiextensions().v1().customResourceDefinitions().withName(name).get();
  }

  private static String group() {
    return "g" + UUID.randomUUID().toString().substring(0, 8) + ".e2e.quarkube.io";
  }

  @Conformance("api-machinery.crd-api")
  @Test
  void watchOnCustomResourcesSeesTheirLife(String ns) throws Exception {
    String group = group();
    createEstablished(crd(group, "noxus", Map.of()));
    try {
      ResourceDefinitionContext ctx = new ResourceDefinitionContext.Builder().withGroup(group).withVersion("v1")
          .withPlural("noxus").withKind("Noxu").withNamespaced(true).build();
      List<String> events = Collections.synchronizedList(new ArrayList<>());
      Watch watch = client.genericKubernetesResources(ctx).inNamespace(ns).watch(new Watcher<>() {
        @Override
        public void eventReceived(Action action, GenericKubernetesResource r) {
          events.add(action + " " + r.getMetadata().getName());
        }

        @Override
        public void onClose(WatcherException cause) {}
      });
      try {
        for (String name : List.of("name1", "name2")) {
          client.genericKubernetesResources(ctx).inNamespace(ns).resource(new GenericKubernetesResourceBuilder()
              .withApiVersion(group + "/v1").withKind("Noxu").withNewMetadata().withName(name).endMetadata()
              .addToAdditionalProperties("content", Map.of("key", "value")).build()).create();
        }
        Await.until(Duration.ofSeconds(30), "two ADDED", () -> events.containsAll(List.of("ADDED name1", "ADDED name2")));
        for (String name : List.of("name1", "name2")) {
          client.genericKubernetesResources(ctx).inNamespace(ns).withName(name).patch(
              PatchContext.of(PatchType.JSON_MERGE), "{\"dummy\":\"test\"}");
        }
        Await.until(Duration.ofSeconds(30), "two MODIFIED",
            () -> events.containsAll(List.of("MODIFIED name1", "MODIFIED name2")));
        for (String name : List.of("name1", "name2")) {
          client.genericKubernetesResources(ctx).inNamespace(ns).withName(name).delete();
        }
        Await.until(Duration.ofSeconds(30), "two DELETED",
            () -> events.containsAll(List.of("DELETED name1", "DELETED name2")));
      } finally {
        watch.close();
      }
    } finally {
      client.apiextensions().v1().customResourceDefinitions().withName("noxus." + group).delete();
    }
  }

  @Conformance("api-machinery.crd-api")
  @Test
  void theDefinitionsStatusSubresourceIsReadUpdatedAndPatched() {
    String group = group();
    String name = "noxus." + group;
    createEstablished(crd(group, "noxus", Map.of()));
    try {
      CustomResourceDefinitionCondition updated = new CustomResourceDefinitionConditionBuilder()
          .withType("StatusUpdated").withStatus("True").withReason("E2E").withMessage("Set from e2e test")
          .withLastTransitionTime(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
              .toString()).build();
      // Read-modify-write retried on a conflict with the CRD controller's own status writes.
      io.quarkube.conformance.Conflicts.retry(() -> {
        CustomResourceDefinition current = client.apiextensions().v1().customResourceDefinitions().withName(name)
            .get();
        current.getStatus().getConditions().add(updated);
        return client.apiextensions().v1().customResourceDefinitions().resource(current).updateStatus();
      });
      client.apiextensions().v1().customResourceDefinitions().withName(name).subresource("status").patch(
          PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"patchedstatus\":\"true\"}},"
              + "\"status\":{\"storedVersions\":[\"v1\"]}}");
      CustomResourceDefinition got = client.apiextensions().v1().customResourceDefinitions().withName(name).get();
      assertTrue(got.getStatus().getConditions().stream().anyMatch(c -> "StatusUpdated".equals(c.getType())),
          got.getStatus().getConditions().toString());
      assertEquals("true", got.getMetadata().getAnnotations().get("patchedstatus"));
      assertEquals(List.of("v1"), got.getStatus().getStoredVersions());
    } finally {
      client.apiextensions().v1().customResourceDefinitions().withName(name).delete();
    }
  }

  @Conformance("api-machinery.crd-api")
  @Test
  void definitionsAreListedAndDeletedByLabel() {
    String label = "e2e-list-test-" + UUID.randomUUID().toString().substring(0, 8);
    String group = group();
    List<String> plurals = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String plural = "noxus" + (char) ('a' + i) + "s";
      plurals.add(plural);
      client.apiextensions().v1().customResourceDefinitions().resource(crd(group, plural, Map.of(label, "true")))
          .create();
    }
    try {
      assertEquals(10, client.apiextensions().v1().customResourceDefinitions().withLabel(label).list().getItems()
          .size());
      client.apiextensions().v1().customResourceDefinitions().withLabel(label).delete();
      Await.until(Duration.ofSeconds(60), "the labelled CRDs gone", () ->
          client.apiextensions().v1().customResourceDefinitions().withLabel(label).list().getItems().isEmpty());
    } finally {
      for (String plural : plurals) {
        client.apiextensions().v1().customResourceDefinitions().withName(plural + "." + group).delete();
      }
    }
  }
}
