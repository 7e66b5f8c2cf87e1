package io.quarkube.conformance.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Recreate on the real kubelet: an old pod that takes its grace period to stop (sleep as PID 1 ignores SIGTERM) is
 * still running while Terminating, and no new pod may start before it has ended (upstream's oldPodsRunning).
 */
@ExtendWith(TestNamespace.class)
class RecreateTerminatingTest {
  private final Kubectl kubectl = Kubectl.stock();
  private final KubernetesClient client = Cluster.client();

  private static boolean ended(Pod p) {
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    return "Failed".equals(phase) || "Succeeded".equals(phase);
  }

  @Conformance("apps.deployment-recreate")
  @Test
  void noNewPodWhileAnOldOneTerminates(String ns) {
    kubectl.runWithInput("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: slow}
        spec:
          replicas: 1
          strategy: {type: Recreate}
          selector: {matchLabels: {app: slow}}
          template:
            metadata: {labels: {app: slow}}
            spec:
              terminationGracePeriodSeconds: 8
              containers: [{name: c, image: busybox:1.35.0, command: [sleep, '3600'], env: [{name: V, value: '1'}]}]
        """, "apply", "-n", ns, "-f", "-").ok();
    Await.until(Duration.ofSeconds(90), "the first pod runs", () -> client.pods().inNamespace(ns)
        .withLabel("app", "slow").list().getItems().stream().anyMatch(p -> p.getStatus() != null
            && "Running".equals(p.getStatus().getPhase())));
    String first = client.pods().inNamespace(ns).withLabel("app", "slow").list().getItems().get(0).getMetadata()
        .getName();
    kubectl.run("set", "env", "deployment/slow", "V=2", "-n", ns).ok();
    List<String> overlaps = new ArrayList<>();
    List<Boolean> sawTerminating = new ArrayList<>();
    Await.until(Duration.ofSeconds(120), "a new pod runs", () -> {
      List<Pod> pods = client.pods().inNamespace(ns).withLabel("app", "slow").list().getItems();
      boolean oldRunning = pods.stream().anyMatch(p -> p.getMetadata().getName().equals(first) && !ended(p));
      if (oldRunning && pods.stream().anyMatch(p -> p.getMetadata().getName().equals(first)
          && p.getMetadata().getDeletionTimestamp() != null)) {
        sawTerminating.add(true);
      }
      pods.stream().filter(p -> !p.getMetadata().getName().equals(first)).forEach(p -> {
        if (oldRunning && !overlaps.contains(p.getMetadata().getName())) {
          overlaps.add(p.getMetadata().getName());
        }
      });
      return pods.stream().anyMatch(p -> !p.getMetadata().getName().equals(first) && p.getStatus() != null
          && "Running".equals(p.getStatus().getPhase()));
    });
    assertTrue(!sawTerminating.isEmpty(), "the old pod was seen terminating");
    assertEquals(List.of(), overlaps, "new pods while the old one still ran");
  }
}
