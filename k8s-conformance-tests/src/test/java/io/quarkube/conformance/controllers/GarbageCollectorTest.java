package io.quarkube.conformance.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** ownerReferences and the three propagation policies, driven by stock kubectl's {@code --cascade}. */
@ExtendWith(TestNamespace.class)
class GarbageCollectorTest {
  private final Kubectl kubectl = Kubectl.stock();
  private final KubernetesClient client = Cluster.client();

  private ConfigMap owner(String ns, String name) {
    return client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName(name)
        .endMetadata().build()).create();
  }

  private void dependent(String ns, String name, ConfigMap owner) {
    client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName(name)
        .addNewOwnerReference().withApiVersion("v1").withKind("ConfigMap").withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid()).withBlockOwnerDeletion(true).endOwnerReference().endMetadata()
        .addToData("kept", "as it was").build()).create();
  }

  private boolean gone(String ns, String name) {
    return client.configMaps().inNamespace(ns).withName(name).get() == null;
  }

  @Conformance("api-machinery.gc-background")
  @Test
  void backgroundDeletionCollectsDependents(String ns) {
    ConfigMap owner = owner(ns, "owner");
    dependent(ns, "dep-1", owner);
    dependent(ns, "dep-2", owner);
    kubectl.run(new String[] {"delete", "configmap", "owner", "-n", ns}).ok();
    Await.until(Duration.ofSeconds(30), "dependents collected", () -> gone(ns, "dep-1") && gone(ns, "dep-2"));
  }

  @Conformance("api-machinery.gc-orphan")
  @Test
  void orphanDeletionKeepsDependentsWithoutTheReference(String ns) {
    ConfigMap owner = owner(ns, "owner");
    dependent(ns, "dep", owner);
    kubectl.run(new String[] {"delete", "configmap", "owner", "-n", ns, "--cascade=orphan"}).ok();
    Await.until(Duration.ofSeconds(30), "owner gone", () -> gone(ns, "owner"));
    ConfigMap dep = client.configMaps().inNamespace(ns).withName("dep").get();
    assertNotNull(dep, "orphaned, not deleted");
    assertTrue(dep.getMetadata().getOwnerReferences() == null || dep.getMetadata().getOwnerReferences().isEmpty());
    // The collector reads metadata only and writes it by patch: the rest of the object is untouched.
    assertEquals(java.util.Map.of("kept", "as it was"), dep.getData());
  }

  @Conformance("api-machinery.gc-foreground")
  @Test
  void foregroundDeletionRemovesDependentsFirst(String ns) {
    ConfigMap owner = owner(ns, "owner");
    dependent(ns, "dep", owner);
    kubectl.run(new String[] {"delete", "configmap", "owner", "-n", ns, "--cascade=foreground"}).ok();
    Await.until(Duration.ofSeconds(30), "owner and dependent gone", () -> gone(ns, "owner") && gone(ns, "dep"));
  }

  @Conformance("api-machinery.gc-background")
  @Test
  void dependentOfAnOwnerThatNeverExistedIsCollected(String ns) {
    client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("stray")
        .addNewOwnerReference().withApiVersion("v1").withKind("ConfigMap").withName("nobody")
        .withUid("00000000-0000-0000-0000-000000000000").endOwnerReference().endMetadata().build()).create();
    Await.until(Duration.ofSeconds(30), "stray dependent collected", () -> gone(ns, "stray"));
  }

  @Conformance("api-machinery.gc-background")
  @Test
  void dependentWithALiveOwnerDropsOnlyTheGoneOwner(String ns) {
    ConfigMap alive = owner(ns, "alive");
    client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("dep")
        .addNewOwnerReference().withApiVersion("v1").withKind("ConfigMap").withName("alive")
        .withUid(alive.getMetadata().getUid()).endOwnerReference()
        .addNewOwnerReference().withApiVersion("v1").withKind("ConfigMap").withName("nobody")
        .withUid("00000000-0000-0000-0000-000000000001").endOwnerReference().endMetadata()
        .addToData("kept", "as it was").build()).create();
    Await.until(Duration.ofSeconds(30), "gone owner dropped", () -> client.configMaps().inNamespace(ns)
        .withName("dep").get().getMetadata().getOwnerReferences().size() == 1);
    ConfigMap dep = client.configMaps().inNamespace(ns).withName("dep").get();
    assertEquals("alive", dep.getMetadata().getOwnerReferences().get(0).getName());
    assertEquals(java.util.Map.of("kept", "as it was"), dep.getData());
  }

  /**
   * Upstream's "should not be blocked by dependency circle": three pods owning each other in a circle (each reference
   * with blockOwnerDeletion); deleting one collects all three. The pods select a node label no node has, so they
   * stay unscheduled and their deletion needs no kubelet.
   */
  @Conformance("api-machinery.gc-dependency-circle")
  @Test
  void aDependencyCircleIsCollected(String ns) {
    java.util.List<io.fabric8.kubernetes.api.model.Pod> pods = new java.util.ArrayList<>();
    for (String name : new String[] {"pod1", "pod2", "pod3"}) {
      pods.add(client.pods().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.PodBuilder()
          .withNewMetadata().withName(name).endMetadata().withNewSpec()
          .addToNodeSelector("e2e.quarkube.io/no-such-node", "true").addNewContainer().withName("c")
          .withImage("busybox").endContainer().endSpec().build()).create());
    }
    // pod1 is owned by pod3, pod2 by pod1, pod3 by pod2.
    for (int i = 0; i < 3; i++) {
      var owner = pods.get((i + 2) % 3);
      client.pods().inNamespace(ns).withName(pods.get(i).getMetadata().getName()).patch(
          io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
              io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
          "{\"metadata\":{\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"controller\":true,"
              + "\"blockOwnerDeletion\":true,\"name\":\"" + owner.getMetadata().getName() + "\",\"uid\":\""
              + owner.getMetadata().getUid() + "\"}]}}");
    }
    client.pods().inNamespace(ns).withName("pod1").delete();
    Await.until(Duration.ofSeconds(60), "the three pods collected", () ->
        client.pods().inNamespace(ns).list().getItems().stream()
            .noneMatch(p -> p.getMetadata().getName().matches("pod[123]")));
  }
}
