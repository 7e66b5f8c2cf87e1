package io.quarkube.conformance.controllers;

import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A StatefulSet makes its pods in order with stable identities and a claim each; rollout status/history/undo work
 * through stock kubectl. The test plays the kubelet's Ready (pods are never scheduled). Claims are checked by
 * name, labels and mount; binding them is the volume binder's business.
 */
@Conformance({"apps.statefulset-scaling"})
@ExtendWith(TestNamespace.class)
class StatefulSetTest {
  private final Kubectl kubectl = Kubectl.stock();
  private final KubernetesClient client = Cluster.client();

  private static String manifest(String image) {
    return """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: web}
        spec:
          replicas: 3
          serviceName: web
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              schedulerName: quarkube-e2e-unscheduled
              containers:
              - name: c
                image: %s
                volumeMounts: [{name: data, mountPath: /data}]
          volumeClaimTemplates:
          - metadata: {name: data, labels: {tier: db}}
            spec:
              accessModes: [ReadWriteOnce]
              storageClassName: e2e-none
              resources: {requests: {storage: 1Mi}}
        """.formatted(image);
  }

  private List<Pod> active(String ns) {
    return client.pods().inNamespace(ns).withLabel("app", "web").list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  private Pod pod(String ns, String name) {
    return client.pods().inNamespace(ns).withName(name).get();
  }

  /**
   * Plays the kubelet until every pod of {@code image} is ready and the rollout is complete, checking on every look
   * that a pod exists only once the one before it is Ready (OrderedReady).
   */
  private void rollOut(String ns, String image, boolean checkOrder) {
    Await.until(Duration.ofSeconds(120), "3 ready pods of " + image, () -> {
      List<Pod> pods = active(ns);
      if (checkOrder) {
        for (Pod p : pods) {
          int ord = Integer.parseInt(p.getMetadata().getName().substring("web-".length()));
          if (ord > 0) {
            Pod before = pod(ns, "web-" + (ord - 1));
            assertTrue(before != null && FakeKubelet.isReady(before), p.getMetadata().getName()
                + " exists while web-" + (ord - 1) + " is not Ready");
          }
        }
      }
      // Ready one pod per look, the lowest first, as a slow kubelet would.
      pods.stream().filter(p -> !FakeKubelet.isReady(p)).map(p -> p.getMetadata().getName()).sorted().findFirst()
          .ifPresent(name -> markReady(ns, name));
      StatefulSet s = client.apps().statefulSets().inNamespace(ns).withName("web").get();
      var st = s.getStatus();
      return st != null && st.getObservedGeneration() != null
          && st.getObservedGeneration() >= s.getMetadata().getGeneration()
          && Integer.valueOf(3).equals(st.getReadyReplicas()) && Integer.valueOf(3).equals(st.getUpdatedReplicas())
          && st.getUpdateRevision() != null && st.getUpdateRevision().equals(st.getCurrentRevision())
          && pods.size() == 3 && pods.stream().allMatch(p -> image.equals(p.getSpec().getContainers().get(0)
          .getImage()));
    });
  }

  private void markReady(String ns, String name) {
    Pod p = pod(ns, name);
    if (p == null) {
      return;
    }
    String now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    try {
      client.pods().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.PodBuilder(p).editOrNewStatus()
          .withPhase("Running").withPodIP(FakeKubelet.nextIp()).withConditions().addNewCondition().withType("Ready")
          .withStatus("True").withLastTransitionTime(now).endCondition().endStatus().build()).updateStatus();
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      // changed meanwhile: the next look sees it again
    }
  }

  @Test
  void orderedPodsWithOwnClaimsAndRollouts(String ns) {
    kubectl.runWithInput(manifest("registry.local/app:1"), new String[] {"apply", "-n", ns, "-f", "-"}).ok();
    rollOut(ns, "registry.local/app:1", true);

    for (int i = 0; i < 3; i++) {
      Pod p = pod(ns, "web-" + i);
      assertEquals("web-" + i, p.getSpec().getHostname());
      assertEquals("web", p.getSpec().getSubdomain());
      assertEquals("web-" + i, p.getMetadata().getLabels().get("statefulset.kubernetes.io/pod-name"));
      assertEquals(String.valueOf(i), p.getMetadata().getLabels().get("apps.kubernetes.io/pod-index"));
      assertEquals("data-web-" + i, p.getSpec().getVolumes().stream().filter(v -> v.getName().equals("data"))
          .findFirst().orElseThrow().getPersistentVolumeClaim().getClaimName());
      PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(ns).withName("data-web-" + i)
          .get();
      assertEquals(Map.of("app", "web", "tier", "db"), claim.getMetadata().getLabels());
      assertTrue(claim.getMetadata().getOwnerReferences() == null
          || claim.getMetadata().getOwnerReferences().isEmpty(), "Retain: claims outlive the set");
    }
    String status = kubectl.run(new String[] {"rollout", "status", "statefulset/web", "-n", ns, "--timeout=30s"})
        .ok().out();
    // partition is defaulted to 0 (as upstream), so kubectl reports a partitioned roll out
    assertTrue(status.contains("partitioned roll out complete: 3 new pods have been updated"), status);

    kubectl.run(new String[] {"set", "image", "statefulset/web", "c=registry.local/app:2", "-n", ns}).ok();
    rollOut(ns, "registry.local/app:2", false);
    String history = kubectl.run(new String[] {"rollout", "history", "statefulset/web", "-n", ns}).ok().out();
    assertTrue(history.contains("1 ") && history.contains("2 "), history);
    kubectl.run(new String[] {"rollout", "undo", "statefulset/web", "-n", ns}).ok();
    rollOut(ns, "registry.local/app:1", false);

    kubectl.run(new String[] {"scale", "statefulset/web", "-n", ns, "--replicas=1"}).ok();
    Await.until(Duration.ofSeconds(60), "scaled down to web-0", () -> active(ns).stream()
        .map(p -> p.getMetadata().getName()).toList().equals(List.of("web-0")));
    assertEquals(3, client.persistentVolumeClaims().inNamespace(ns).list().getItems().size(), "claims kept");
  }
}
