package io.quarkube.conformance.controllers;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Plays the kubelet's status part until there is one (the pods never run): marks pods Running and Ready by writing
 * {@code pods/<name>/status}, as a kubelet would after the readiness probe passed.
 */
final class FakeKubelet {
  private static final java.util.concurrent.atomic.AtomicInteger NEXT_IP = new java.util.concurrent.atomic.AtomicInteger(
      (int) (System.nanoTime() % 50_000));

  private FakeKubelet() {}

  /** A pod IP no other pod of this run has (10.200.0.0/16, never routed: the pods do not run). */
  static String nextIp() {
    int n = NEXT_IP.incrementAndGet() % 65_000;
    return "10.200." + (n / 250) + "." + (n % 250 + 1);
  }

  static boolean isReady(Pod p) {
    return p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  static boolean isActiveAndReady(Pod p) {
    return p.getMetadata().getDeletionTimestamp() == null && isReady(p);
  }

  /** Marks every pod of {@code namespace} that is not Ready yet (and not being deleted) Ready; returns how many. */
  static int markReady(KubernetesClient client, String namespace) {
    return markReady(client, namespace, p -> true);
  }

  /**
   * Marks the pods of {@code namespace} that pass {@code healthy} (and are not Ready yet nor being deleted) Ready,
   * as a kubelet whose readiness probes pass for those only (an image that never starts, a broken probe).
   */
  static int markReady(KubernetesClient client, String namespace, java.util.function.Predicate<Pod> healthy) {
    int n = 0;
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    for (Pod p : client.pods().inNamespace(namespace).list().getItems()) {
      if (isReady(p) || p.getMetadata().getDeletionTimestamp() != null || !healthy.test(p)) {
        continue;
      }
      String ip = p.getStatus() != null && p.getStatus().getPodIP() != null ? p.getStatus().getPodIP() : nextIp();
      Pod ready = new PodBuilder(p).editOrNewStatus().withPhase("Running").withPodIP(ip).withPodIPs()
          .addNewPodIP(ip).withConditions()
          .addNewCondition().withType("Ready").withStatus("True").withLastTransitionTime(now).endCondition()
          .endStatus().build();
      try {
        client.pods().inNamespace(namespace).resource(ready).updateStatus();
        n++;
      } catch (KubernetesClientException e) {
        // deleted or changed meanwhile: the next round sees it again
      }
    }
    return n;
  }
}
