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

  // ------------------------------------------------------------------------------------------------------------
  // Upstream's rollover and proportional scaling tests. The "non-existent image" is an image whose pods this test,
  // playing the kubelet, never marks Ready.

  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private static io.fabric8.kubernetes.api.model.apps.ReplicaSet rs(String ns, String name) {
    return Cluster.client().apps().replicaSets().inNamespace(ns).withName(name).get();
  }

  private static int specReplicas(io.fabric8.kubernetes.api.model.apps.ReplicaSet rs) {
    return rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
  }

  private static int statusReplicas(io.fabric8.kubernetes.api.model.apps.ReplicaSet rs) {
    return rs.getStatus() == null || rs.getStatus().getReplicas() == null ? 0 : rs.getStatus().getReplicas();
  }

  private static int available(io.fabric8.kubernetes.api.model.apps.ReplicaSet rs) {
    return rs.getStatus() == null || rs.getStatus().getAvailableReplicas() == null ? 0
        : rs.getStatus().getAvailableReplicas();
  }

  private static boolean imageIsNot(Pod p, String image) {
    return !image.equals(p.getSpec().getContainers().get(0).getImage());
  }

  /** The deployment's ReplicaSet whose template has {@code image}, once there is one. */
  private io.fabric8.kubernetes.api.model.apps.ReplicaSet rsWithImage(String ns, String image) {
    Await.until(TIMEOUT, "a ReplicaSet of " + image, () -> client.apps().replicaSets().inNamespace(ns).list()
        .getItems().stream().anyMatch(r -> image.equals(r.getSpec().getTemplate().getSpec().getContainers().get(0)
            .getImage())));
    return client.apps().replicaSets().inNamespace(ns).list().getItems().stream().filter(r -> image.equals(
        r.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())).findFirst().orElseThrow();
  }

  private Deployment deployment(String ns, String name) {
    return client.apps().deployments().inNamespace(ns).withName(name).get();
  }

  private void updateDeployment(String ns, String name, java.util.function.Consumer<Deployment> change) {
    Await.until(TIMEOUT, "an update of " + name + " without conflict", () -> {
      Deployment d = deployment(ns, name);
      change.accept(d);
      try {
        client.apps().deployments().inNamespace(ns).resource(d).update();
        return true;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() == 409) {
          return false;
        }
        throw e;
      }
    });
  }

  private boolean observed(String ns, String name) {
    Deployment d = deployment(ns, name);
    return d.getStatus() != null && d.getStatus().getObservedGeneration() != null
        && d.getStatus().getObservedGeneration() >= d.getMetadata().getGeneration();
  }

  @Conformance("apps.deployment-proportional-scaling")
  @Test
  void proportionalScalingOfAStuckRollout(String ns) {
    String broken = "registry.local/webserver:404";
    client.apps().deployments().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.apps
        .DeploymentBuilder().withNewMetadata().withName("webserver-deployment").endMetadata().withNewSpec()
        .withReplicas(10).withNewSelector().addToMatchLabels("name", "httpd").endSelector().withNewStrategy()
        .withType("RollingUpdate").withNewRollingUpdate().withNewMaxSurge(3).withNewMaxUnavailable(2)
        .endRollingUpdate().endStrategy().withNewTemplate().withNewMetadata().addToLabels("name", "httpd")
        .endMetadata().withNewSpec().withSchedulerName("quarkube-e2e-unscheduled").addNewContainer()
        .withName("httpd").withImage("registry.local/app:1").endContainer().endSpec().endTemplate().endSpec()
        .build()).create();
    Await.until(TIMEOUT, "the deployment complete", () -> {
      FakeKubelet.markReady(client, ns);
      Deployment d = deployment(ns, "webserver-deployment");
      return observed(ns, "webserver-deployment") && Integer.valueOf(10).equals(d.getStatus().getUpdatedReplicas())
          && Integer.valueOf(10).equals(d.getStatus().getAvailableReplicas());
    });
    String firstRs = rsWithImage(ns, "registry.local/app:1").getMetadata().getName();

    // A rollout to an image that never gets ready: stuck at 10 - maxUnavailable old and 10 + maxSurge - 8 new.
    updateDeployment(ns, "webserver-deployment",
        d -> d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(broken));
    String secondRs = rsWithImage(ns, broken).getMetadata().getName();
    Await.until(TIMEOUT, "the stuck rollout: 8 old available, 5 new", () -> {
      FakeKubelet.markReady(client, ns, p -> imageIsNot(p, broken));
      var first = rs(ns, firstRs);
      var second = rs(ns, secondRs);
      return observed(ns, "webserver-deployment") && available(first) == 8 && specReplicas(first) == 8
          && statusReplicas(first) == 8 && specReplicas(second) == 5 && statusReplicas(second) == 5;
    });
    assertEquals(0, available(rs(ns, secondRs)), "the new ReplicaSet has no available replica");
    assertTrue(deployment(ns, "webserver-deployment").getStatus().getAvailableReplicas() >= 8);

    // Scaled to 30 mid-rollout: the 20 more are shared in proportion, 8 + 12 and 5 + 8.
    updateDeployment(ns, "webserver-deployment", d -> d.getSpec().setReplicas(30));
    Await.until(TIMEOUT, "20 and 13 replicas", () -> {
      FakeKubelet.markReady(client, ns, p -> imageIsNot(p, broken));
      return specReplicas(rs(ns, firstRs)) == 20 && specReplicas(rs(ns, secondRs)) == 13;
    });
  }

  @Conformance("apps.deployment-rollover")
  @Test
  void rolloverOfAStuckRollout(String ns) {
    String broken = "gcr.io/google_samples/gb-redisslave:nonexistent";
    client.apps().replicaSets().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.apps
        .ReplicaSetBuilder().withNewMetadata().withName("test-rollover-controller").addToLabels("name", "rollover-pod")
        .addToLabels("pod", "httpd").endMetadata().withNewSpec()
        .withReplicas(1).withNewSelector().addToMatchLabels("name", "rollover-pod").addToMatchLabels("pod", "httpd")
        .endSelector().withNewTemplate().withNewMetadata().addToLabels("name", "rollover-pod")
        .addToLabels("pod", "httpd").endMetadata().withNewSpec().withSchedulerName("quarkube-e2e-unscheduled")
        .withTerminationGracePeriodSeconds(0L).addNewContainer().withName("httpd").withImage("registry.local/app:1")
        .endContainer().endSpec().endTemplate().endSpec().build()).create();
    Await.until(TIMEOUT, "the ReplicaSet ready", () -> {
      FakeKubelet.markReady(client, ns);
      var r = rs(ns, "test-rollover-controller");
      return r.getStatus() != null && Integer.valueOf(1).equals(r.getStatus().getReadyReplicas());
    });

    // The deployment adopts the ReplicaSet and starts a rollout that cannot finish (maxUnavailable 0).
    client.apps().deployments().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.apps
        .DeploymentBuilder().withNewMetadata().withName("test-rollover-deployment").endMetadata().withNewSpec()
        .withReplicas(1).withMinReadySeconds(10).withNewSelector().addToMatchLabels("name", "rollover-pod")
        .endSelector().withNewStrategy().withType("RollingUpdate").withNewRollingUpdate().withNewMaxSurge(1)
        .withNewMaxUnavailable(0).endRollingUpdate().endStrategy().withNewTemplate().withNewMetadata()
        .addToLabels("name", "rollover-pod").endMetadata().withNewSpec().withSchedulerName("quarkube-e2e-unscheduled")
        .withTerminationGracePeriodSeconds(0L).addNewContainer().withName("redis-slave").withImage(broken)
        .endContainer().endSpec().endTemplate().endSpec().build()).create();
    Await.until(TIMEOUT, "updatedReplicas >= 1 at revision 1", () -> {
      FakeKubelet.markReady(client, ns, p -> imageIsNot(p, broken));
      Deployment d = deployment(ns, "test-rollover-deployment");
      return observed(ns, "test-rollover-deployment") && d.getStatus().getUpdatedReplicas() != null
          && d.getStatus().getUpdatedReplicas() >= 1
          && "1".equals(d.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision"));
    });
    String newRs = rsWithImage(ns, broken).getMetadata().getName();
    Await.until(TIMEOUT, "both ReplicaSets with 1 replica", () -> {
      var old = rs(ns, "test-rollover-controller");
      var stuck = rs(ns, newRs);
      return specReplicas(old) == 1 && statusReplicas(old) == 1 && specReplicas(stuck) == 1
          && statusReplicas(stuck) == 1;
    });
    assertEquals("1", rs(ns, newRs).getMetadata().getAnnotations().get("deployment.kubernetes.io/revision"));

    // Rolled over to a good image mid-rollout: only the newest ReplicaSet keeps replicas.
    String good = "registry.local/app:2";
    updateDeployment(ns, "test-rollover-deployment", d -> {
      d.getSpec().getTemplate().getSpec().getContainers().get(0).setName("agnhost");
      d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(good);
    });
    Await.until(TIMEOUT, "revision 2 complete", () -> {
      FakeKubelet.markReady(client, ns, p -> imageIsNot(p, broken));
      Deployment d = deployment(ns, "test-rollover-deployment");
      var st = d.getStatus();
      return observed(ns, "test-rollover-deployment")
          && "2".equals(d.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision"))
          && Integer.valueOf(1).equals(st.getUpdatedReplicas()) && Integer.valueOf(1).equals(st.getReplicas())
          && Integer.valueOf(1).equals(st.getAvailableReplicas());
    });
    assertEquals(good, rsWithImage(ns, good).getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    Await.until(TIMEOUT, "both old ReplicaSets at 0", () -> {
      var old = rs(ns, "test-rollover-controller");
      var stuck = rs(ns, newRs);
      return specReplicas(old) == 0 && statusReplicas(old) == 0 && specReplicas(stuck) == 0
          && statusReplicas(stuck) == 0;
    });
  }
}
