package io.quarkube.conformance.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Conflicts;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The PodDisruptionBudget API as upstream's DisruptionController API tests use it: create, update, patch, delete;
 * list across namespaces and delete by collection; write /status (disruptedPods) by update and by patch.
 */
@Conformance({"apps.pdb-api"})
@ExtendWith(TestNamespace.class)
class DisruptionBudgetApiTest {
  private final KubernetesClient client = Cluster.client();

  private PodDisruptionBudget create(String ns, String name, Map<String, String> labels, IntOrString minAvailable) {
    return client.policy().v1().podDisruptionBudget().inNamespace(ns).resource(new PodDisruptionBudgetBuilder()
        .withNewMetadata().withName(name).withLabels(labels).endMetadata().withNewSpec()
        .withMinAvailable(minAvailable).withNewSelector().addToMatchLabels("foo", "bar")
        .endSelector().endSpec().build()).create();
  }

  private PodDisruptionBudget get(String ns, String name) {
    return client.policy().v1().podDisruptionBudget().inNamespace(ns).withName(name).get();
  }

  /** As upstream's waitForPdbToBeProcessed: the controller has observed the budget's generation. */
  private void awaitProcessed(String ns, String name) {
    Await.until(Duration.ofSeconds(60), "pdb " + name + " processed", () -> {
      PodDisruptionBudget b = get(ns, name);
      return b.getStatus() != null && b.getStatus().getObservedGeneration() != null
          && b.getStatus().getObservedGeneration() >= b.getMetadata().getGeneration();
    });
  }

  @Test
  void createsUpdatesPatchesAndDeletes(String ns) {
    create(ns, "foo", Map.of(), new IntOrString("1%"));
    awaitProcessed(ns, "foo");
    PodDisruptionBudget updated = Conflicts.retry(() -> client.policy().v1().podDisruptionBudget().inNamespace(ns)
        .resource(new PodDisruptionBudgetBuilder(get(ns, "foo")).editSpec()
            .withMinAvailable(new IntOrString("2%")).endSpec().build()).update());
    assertEquals("2%", updated.getSpec().getMinAvailable().getStrVal());
    awaitProcessed(ns, "foo");
    PodDisruptionBudget patched = client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("foo")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"minAvailable\":\"3%\"}}");
    assertEquals("3%", patched.getSpec().getMinAvailable().getStrVal());
    awaitProcessed(ns, "foo");
    client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("foo").delete();
    Await.until(Duration.ofSeconds(30), "pdb foo gone", () -> get(ns, "foo") == null);
  }

  @Test
  void listsAcrossNamespacesAndDeletesByCollection(String ns) {
    String other = ns + "-2";
    String mark = "pdb" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> labels = Map.of("e2e.quarkube.io/pdb-set", mark);
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(other).endMetadata().build())
        .create();
    try {
      create(ns, "foo", labels, new IntOrString(1));
      create(other, "foo", labels, new IntOrString(1));
      create(ns, "foo2", labels, new IntOrString(1));
      create(ns, "foo3", labels, new IntOrString(1));
      assertEquals(4, client.policy().v1().podDisruptionBudget().inAnyNamespace()
          .withLabels(labels).list().getItems().size(), "listed across all namespaces");
      client.policy().v1().podDisruptionBudget().inNamespace(ns).withLabels(labels).delete();
      Await.until(Duration.ofSeconds(30), "collection deleted", () -> client.policy().v1().podDisruptionBudget()
          .inNamespace(ns).list().getItems().isEmpty());
      assertEquals(1, client.policy().v1().podDisruptionBudget().inAnyNamespace().withLabels(labels).list()
          .getItems().size(), "the other namespace's budget stays");
    } finally {
      client.namespaces().withName(other).delete();
    }
  }

  @Test
  void updatesAndPatchesStatus(String ns) {
    client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("pod-0")
        .addToLabels("foo", "bar").endMetadata().withNewSpec().withSchedulerName("quarkube-e2e-unscheduled")
        .addNewContainer().withName("c").withImage("registry.local/app:1").endContainer().endSpec().build())
        .create();
    Await.until(Duration.ofSeconds(60), "pod-0 running", () -> FakeKubelet.markReady(client, ns) >= 0
        && FakeKubelet.isReady(client.pods().inNamespace(ns).withName("pod-0").get()));
    create(ns, "foo", Map.of(), new IntOrString(1));
    awaitProcessed(ns, "foo");

    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    PodDisruptionBudget updated = Conflicts.retry(() -> {
      PodDisruptionBudget b = get(ns, "foo");
      b.getStatus().setDisruptedPods(Map.of("pod-0", now));
      return client.policy().v1().podDisruptionBudget().inNamespace(ns).resource(b).updateStatus();
    });
    assertEquals(Map.of("pod-0", now), updated.getStatus().getDisruptedPods());
    assertEquals(now, get(ns, "foo").getStatus().getDisruptedPods().get("pod-0"), "status update visible");

    PodDisruptionBudget patched = client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("foo")
        .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
            "{\"status\":{\"disruptedPods\":null}}");
    assertTrue(patched.getStatus().getDisruptedPods() == null || patched.getStatus().getDisruptedPods().isEmpty(),
        "status patch visible: " + patched.getStatus().getDisruptedPods());
    assertNull(get(ns, "foo").getStatus().getDisruptedPods() == null ? null
        : get(ns, "foo").getStatus().getDisruptedPods().get("pod-0"));
  }
}
