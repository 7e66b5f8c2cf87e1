package io.quarkube.conformance.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Deployments through stock kubectl, with the test playing the kubelet (pods are marked Ready). */
@ExtendWith(TestNamespace.class)
class DeploymentTest {
  private final Kubectl kubectl = Kubectl.stock();
  private final KubernetesClient client = Cluster.client();

  private static final String WEB = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 4
        selector:
          matchLabels: {app: web}
        strategy:
          type: RollingUpdate
          rollingUpdate: {maxSurge: 1, maxUnavailable: 1}
        template:
          metadata:
            labels: {app: web}
          spec:
            schedulerName: quarkube-e2e-unscheduled
            containers:
            - name: app
              image: registry.local/app:v1
      """;

  private List<Pod> pods(String ns) {
    return client.pods().inNamespace(ns).withLabel("app", "web").list().getItems();
  }

  private List<String> activeImages(String ns) {
    return pods(ns).stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .map(p -> p.getSpec().getContainers().get(0).getImage()).sorted().toList();
  }

  /** Waits until the deployment is rolled out on {@code image}, playing the kubelet meanwhile. */
  private void rollOut(String ns, String image, int replicas, AtomicInteger minReady) {
    Await.until(Duration.ofSeconds(90), replicas + " ready pods of " + image, () -> {
      FakeKubelet.markReady(client, ns);
      List<Pod> pods = pods(ns);
      int ready = (int) pods.stream().filter(FakeKubelet::isActiveAndReady).count();
      if (minReady != null) {
        minReady.getAndAccumulate(ready, Math::min);
      }
      Deployment d = client.apps().deployments().inNamespace(ns).withName("web").get();
      return activeImages(ns).equals(java.util.Collections.nCopies(replicas, image))
          && d.getStatus() != null && d.getStatus().getUpdatedReplicas() != null
          && d.getStatus().getUpdatedReplicas() == replicas && d.getStatus().getAvailableReplicas() != null
          && d.getStatus().getAvailableReplicas() == replicas
          && d.getStatus().getObservedGeneration() >= d.getMetadata().getGeneration();
    });
  }

  @Conformance({"apps.deployment-lifecycle", "apps.deployment-rolling-update", "apps.rollout-undo-history", "apps.scale-subresource", "api-machinery.gc-background"})
  @Test
  void scaleRollOutUndoAndCascade(String ns) {
    kubectl.runWithInput(WEB, new String[] {"apply", "-n", ns, "-f", "-"}).ok();
    rollOut(ns, "registry.local/app:v1", 4, null);

    kubectl.run(new String[] {"scale", "deployment/web", "-n", ns, "--replicas=6"}).ok();
    rollOut(ns, "registry.local/app:v1", 6, null);
    kubectl.run(new String[] {"scale", "deployment/web", "-n", ns, "--replicas=4"}).ok();
    rollOut(ns, "registry.local/app:v1", 4, null);

    AtomicInteger minReady = new AtomicInteger(Integer.MAX_VALUE);
    kubectl.run(new String[] {"set", "image", "deployment/web", "app=registry.local/app:v2", "-n", ns}).ok();
    rollOut(ns, "registry.local/app:v2", 4, minReady);
    assertTrue(minReady.get() >= 3, "ready pods never below replicas - maxUnavailable = 3, saw " + minReady.get());
    String history = kubectl.run(new String[] {"rollout", "history", "deployment/web", "-n", ns}).ok().out();
    assertTrue(history.contains("1 ") && history.contains("2 "), history);

    kubectl.run(new String[] {"rollout", "undo", "deployment/web", "-n", ns}).ok();
    rollOut(ns, "registry.local/app:v1", 4, null);
    assertEquals(2, client.apps().replicaSets().inNamespace(ns).list().getItems().size(),
        "undo reuses the v1 ReplicaSet");
    assertEquals("3", client.apps().deployments().inNamespace(ns).withName("web").get().getMetadata()
        .getAnnotations().get("deployment.kubernetes.io/revision"));

    kubectl.run(new String[] {"delete", "deployment", "web", "-n", ns}).ok();
    Await.until(Duration.ofSeconds(60), "ReplicaSets and pods collected", () ->
        client.apps().replicaSets().inNamespace(ns).list().getItems().isEmpty() && pods(ns).isEmpty());
  }

  @Conformance("api-machinery.gc-orphan")
  @Test
  void orphanCascadeKeepsReplicaSetsAndPods(String ns) {
    kubectl.runWithInput(WEB, new String[] {"apply", "-n", ns, "-f", "-"}).ok();
    rollOut(ns, "registry.local/app:v1", 4, null);
    kubectl.run(new String[] {"delete", "deployment", "web", "-n", ns, "--cascade=orphan"}).ok();
    Await.until(Duration.ofSeconds(30), "deployment gone",
        () -> client.apps().deployments().inNamespace(ns).withName("web").get() == null);
    Await.until(Duration.ofSeconds(30), "ReplicaSet orphaned", () -> {
      var sets = client.apps().replicaSets().inNamespace(ns).list().getItems();
      return !sets.isEmpty() && sets.stream().allMatch(rs -> rs.getMetadata().getOwnerReferences() == null
          || rs.getMetadata().getOwnerReferences().isEmpty());
    });
    assertEquals(1, client.apps().replicaSets().inNamespace(ns).list().getItems().size());
    assertEquals(4, activeImages(ns).size(), "pods kept");
  }

  @Conformance("apps.deployment-recreate")
  @Test
  void recreateReplacesAllPods(String ns) {
    kubectl.runWithInput(WEB.replace("type: RollingUpdate\n    rollingUpdate: {maxSurge: 1, maxUnavailable: 1}",
        "type: Recreate"), new String[] {"apply", "-n", ns, "-f", "-"}).ok();
    rollOut(ns, "registry.local/app:v1", 4, null);
    kubectl.run(new String[] {"set", "image", "deployment/web", "app=registry.local/app:v2", "-n", ns}).ok();
    rollOut(ns, "registry.local/app:v2", 4, null);
  }
}
