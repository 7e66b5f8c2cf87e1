package io.quarkube.conformance.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** ReplicaSets and ReplicationControllers: replicas, adoption, release, status. */
@ExtendWith(TestNamespace.class)
class ReplicaSetTest {
  private final Kubectl kubectl = Kubectl.stock();
  private final KubernetesClient client = Cluster.client();

  private List<Pod> active(String ns, String app) {
    return client.pods().inNamespace(ns).withLabel("app", app).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  @Conformance({"apps.replicaset-adoption", "apps.scale-subresource"})
  @Test
  void replicaSetAdoptsScalesAndReportsReadiness(String ns) {
    // An orphan with matching labels, made first: the ReplicaSet adopts it and creates only two more.
    client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("orphan")
        .addToLabels("app", "rs").endMetadata().withNewSpec().withSchedulerName("quarkube-e2e-unscheduled").addNewContainer().withName("c")
        .withImage("registry.local/app:1").endContainer().endSpec().build()).create();
    kubectl.runWithInput("""
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata: {name: rs}
        spec:
          replicas: 3
          selector: {matchLabels: {app: rs}}
          template:
            metadata: {labels: {app: rs}}
            spec: {schedulerName: quarkube-e2e-unscheduled, containers: [{name: c, image: registry.local/app:1}]}
        """, new String[] {"apply", "-n", ns, "-f", "-"}).ok();
    Await.until(Duration.ofSeconds(30), "3 pods", () -> active(ns, "rs").size() == 3);
    ReplicaSet rs = client.apps().replicaSets().inNamespace(ns).withName("rs").get();
    Pod orphan = client.pods().inNamespace(ns).withName("orphan").get();
    assertEquals(rs.getMetadata().getUid(), orphan.getMetadata().getOwnerReferences().get(0).getUid(), "adopted");

    Await.until(Duration.ofSeconds(30), "readyReplicas 3", () -> {
      FakeKubelet.markReady(client, ns);
      ReplicaSet r = client.apps().replicaSets().inNamespace(ns).withName("rs").get();
      return r.getStatus() != null && Integer.valueOf(3).equals(r.getStatus().getReadyReplicas())
          && Integer.valueOf(3).equals(r.getStatus().getAvailableReplicas());
    });

    kubectl.run(new String[] {"scale", "rs/rs", "-n", ns, "--replicas=1"}).ok();
    Await.until(Duration.ofSeconds(30), "1 pod", () -> active(ns, "rs").size() == 1);

    // Relabel the last pod: released, and replaced by a new one.
    String name = active(ns, "rs").get(0).getMetadata().getName();
    kubectl.run(new String[] {"label", "pod", name, "-n", ns, "app=other", "--overwrite"}).ok();
    Await.until(Duration.ofSeconds(30), "released pod replaced", () -> active(ns, "rs").size() == 1
        && !active(ns, "rs").get(0).getMetadata().getName().equals(name));
    Await.until(Duration.ofSeconds(30), "released pod has no owner", () -> {
      Pod p = client.pods().inNamespace(ns).withName(name).get();
      return p.getMetadata().getOwnerReferences() == null || p.getMetadata().getOwnerReferences().isEmpty();
    });

    // Scaled to 0, the status reads as upstream serializes it: replicas 0 stays (no omitempty in its type), the
    // ready, available and fully labeled counts of 0 are left out.
    kubectl.run(new String[] {"scale", "rs/rs", "-n", ns, "--replicas=0"}).ok();
    Await.until(Duration.ofSeconds(30), "the status of 0 replicas", () -> {
      String status = kubectl.run(new String[] {"get", "rs/rs", "-n", ns, "-o", "jsonpath={.status}"}).ok().out();
      return status.contains("\"replicas\":0") && !status.contains("readyReplicas")
          && !status.contains("availableReplicas") && !status.contains("fullyLabeledReplicas");
    });
  }

  @Conformance("apps.replication-controller")
  @Test
  void replicationControllerKeepsItsPods(String ns) {
    kubectl.runWithInput("""
        apiVersion: v1
        kind: ReplicationController
        metadata: {name: rc}
        spec:
          replicas: 2
          selector: {app: rc}
          template:
            metadata: {labels: {app: rc}}
            spec: {schedulerName: quarkube-e2e-unscheduled, containers: [{name: c, image: registry.local/app:1}]}
        """, new String[] {"apply", "-n", ns, "-f", "-"}).ok();
    Await.until(Duration.ofSeconds(30), "2 pods", () -> active(ns, "rc").size() == 2);
    client.pods().inNamespace(ns).withName(active(ns, "rc").get(0).getMetadata().getName()).delete();
    Await.until(Duration.ofSeconds(30), "replaced", () -> active(ns, "rc").size() == 2);
  }
}
