package io.quarkube.conformance.controllers;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A finished Job with ttlSecondsAfterFinished is deleted, with its pods. */
@ExtendWith(TestNamespace.class)
class TtlAfterFinishedTest {
  private final KubernetesClient client = Cluster.client();

  @Test
  void finishedJobIsDeletedAfterItsTtl(String ns) {
    Kubectl.stock().runWithInput("""
        apiVersion: batch/v1
        kind: Job
        metadata: {name: once}
        spec:
          ttlSecondsAfterFinished: 2
          template:
            spec:
              schedulerName: quarkube-e2e-unscheduled
              restartPolicy: Never
              containers: [{name: c, image: busybox}]
        """, new String[] {"apply", "-n", ns, "-f", "-"}).ok();
    Await.until(Duration.ofSeconds(30), "the job's pod", () -> !client.pods().inNamespace(ns).list().getItems()
        .isEmpty());
    for (Pod p : client.pods().inNamespace(ns).list().getItems()) {
      try {
        client.pods().inNamespace(ns).resource(new PodBuilder(p).editOrNewStatus().withPhase("Succeeded")
            .endStatus().build()).updateStatus();
      } catch (KubernetesClientException e) {
        // the await below fails if this mattered
      }
    }
    Await.until(Duration.ofSeconds(60), "job deleted after finishing + 2 s",
        () -> client.batch().v1().jobs().inNamespace(ns).withName("once").get() == null);
    Await.until(Duration.ofSeconds(60), "its pods deleted (background propagation)",
        () -> client.pods().inNamespace(ns).list().getItems().stream()
            .allMatch(p -> p.getMetadata().getDeletionTimestamp() != null));
  }
}
