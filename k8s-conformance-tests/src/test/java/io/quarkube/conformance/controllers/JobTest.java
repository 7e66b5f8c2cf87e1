package io.quarkube.conformance.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
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

/** A Job runs its completions with bounded parallelism; the test plays the kubelet that lets pods succeed. */
@ExtendWith(TestNamespace.class)
class JobTest {
  private final Kubectl kubectl = Kubectl.stock();
  private final KubernetesClient client = Cluster.client();

  @Conformance("apps.job-completes")
  @Test
  void fiveCompletionsTwoInParallel(String ns) {
    kubectl.runWithInput("""
        apiVersion: batch/v1
        kind: Job
        metadata: {name: work}
        spec:
          completions: 5
          parallelism: 2
          template:
            spec:
              schedulerName: quarkube-e2e-unscheduled
              restartPolicy: Never
              containers: [{name: c, image: registry.local/app:1}]
        """, new String[] {"apply", "-n", ns, "-f", "-"}).ok();
    AtomicInteger maxActive = new AtomicInteger();
    Await.until(Duration.ofSeconds(90), "job complete", () -> {
      List<Pod> running = client.pods().inNamespace(ns).list().getItems().stream()
          .filter(p -> p.getMetadata().getDeletionTimestamp() == null && (p.getStatus() == null
              || p.getStatus().getPhase() == null || p.getStatus().getPhase().equals("Pending")
              || p.getStatus().getPhase().equals("Running"))).toList();
      maxActive.accumulateAndGet(running.size(), Math::max);
      for (Pod p : running) {
        try {
          client.pods().inNamespace(ns).resource(new PodBuilder(p).editOrNewStatus().withPhase("Succeeded")
              .endStatus().build()).updateStatus();
        } catch (KubernetesClientException e) {
          // changed meanwhile: next round
        }
      }
      Job j = client.batch().v1().jobs().inNamespace(ns).withName("work").get();
      return j.getStatus() != null && j.getStatus().getConditions() != null && j.getStatus().getConditions()
          .stream().anyMatch(c -> c.getType().equals("Complete") && c.getStatus().equals("True"));
    });
    assertTrue(maxActive.get() <= 2, "never more than parallelism pods: " + maxActive.get());
    Job j = client.batch().v1().jobs().inNamespace(ns).withName("work").get();
    assertEquals(5, j.getStatus().getSucceeded());
  }
}
