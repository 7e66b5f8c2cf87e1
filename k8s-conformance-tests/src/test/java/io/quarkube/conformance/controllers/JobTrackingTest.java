package io.quarkube.conformance.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
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

/**
 * Upstream's job tracking with finalizers: a Job's pods carry {@code batch.kubernetes.io/job-tracking} until their
 * success or failure is in the Job's status, so deleting pods (pod GC, a user) neither loses nor repeats a
 * completion. The test plays the kubelet: the pods are never scheduled and it sets their phase itself.
 */
@ExtendWith(TestNamespace.class)
class JobTrackingTest {
  private static final String FINALIZER = "batch.kubernetes.io/job-tracking";
  private final Kubectl kubectl = Kubectl.stock();
  private final KubernetesClient client = Cluster.client();

  private static String job(String name, int completions) {
    return """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: %s}
        spec:
          completions: %d
          parallelism: 1
          template:
            spec:
              schedulerName: quarkube-e2e-unscheduled
              restartPolicy: Never
              containers: [{name: c, image: registry.local/app:1}]
        """.formatted(name, completions);
  }

  private List<Pod> pods(String ns, String job) {
    return client.pods().inNamespace(ns).withLabel("batch.kubernetes.io/job-name", job).list().getItems();
  }

  private Pod awaitRunningPod(String ns, String job, List<String> seen) {
    Pod[] found = new Pod[1];
    Await.until(Duration.ofSeconds(60), "a new pod of " + job, () -> {
      for (Pod p : pods(ns, job)) {
        if (!seen.contains(p.getMetadata().getName()) && p.getMetadata().getDeletionTimestamp() == null) {
          found[0] = p;
          return true;
        }
      }
      return false;
    });
    return found[0];
  }

  private void succeed(String ns, Pod p) {
    Pod current = client.pods().inNamespace(ns).withName(p.getMetadata().getName()).get();
    client.pods().inNamespace(ns).resource(new PodBuilder(current).editOrNewStatus().withPhase("Succeeded")
        .endStatus().build()).updateStatus();
  }

  private Job job(String ns, String name) {
    return client.batch().v1().jobs().inNamespace(ns).withName(name).get();
  }

  @Conformance("apps.job-tracking-finalizers")
  @Test
  void deletedPodsNeitherLoseNorRepeatACompletion(String ns) {
    kubectl.runWithInput(job("work", 2), new String[] {"apply", "-n", ns, "-f", "-"}).ok();
    Pod first = awaitRunningPod(ns, "work", List.of());
    assertTrue(first.getMetadata().getFinalizers().contains(FINALIZER), first.getMetadata().toString());

    // counted, let go, then deleted (as pod GC would): the completion stays counted, nothing replaces it
    succeed(ns, first);
    Await.until(Duration.ofSeconds(30), "first success counted and its finalizer removed", () -> {
      Job j = job(ns, "work");
      Pod p = client.pods().inNamespace(ns).withName(first.getMetadata().getName()).get();
      return j.getStatus() != null && Integer.valueOf(1).equals(j.getStatus().getSucceeded())
          && !p.getMetadata().getFinalizers().contains(FINALIZER);
    });
    client.pods().inNamespace(ns).withName(first.getMetadata().getName()).delete();
    Pod second = awaitRunningPod(ns, "work", List.of(first.getMetadata().getName()));

    // succeeded and deleted at once, before the controller could count it: the finalizer keeps it until it is
    succeed(ns, second);
    client.pods().inNamespace(ns).withName(second.getMetadata().getName()).delete();
    Await.until(Duration.ofSeconds(60), "job complete", () -> {
      Job j = job(ns, "work");
      return j.getStatus() != null && j.getStatus().getConditions() != null && j.getStatus().getConditions()
          .stream().anyMatch(c -> c.getType().equals("Complete") && c.getStatus().equals("True"));
    });
    Job done = job(ns, "work");
    assertEquals(2, done.getStatus().getSucceeded(), done.getStatus().toString());
    assertTrue(done.getStatus().getFailed() == null || done.getStatus().getFailed() == 0,
        done.getStatus().toString());
    assertTrue(done.getStatus().getUncountedTerminatedPods().getSucceeded().isEmpty(), done.getStatus().toString());
    long created = client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> "SuccessfulCreate".equals(e.getReason()) && "work".equals(e.getInvolvedObject().getName()))
        .count();
    assertEquals(2, created, "one pod per completion");
    Await.until(Duration.ofSeconds(30), "the deleted pods gone", () -> pods(ns, "work").isEmpty());
  }

  @Conformance("apps.job-tracking-finalizers")
  @Test
  void thePodsOfADeletedJobAreLetGo(String ns) {
    kubectl.runWithInput(job("dropped", 1), new String[] {"apply", "-n", ns, "-f", "-"}).ok();
    Pod p = awaitRunningPod(ns, "dropped", List.of());
    // orphan the pod: without its Job nothing would ever remove the finalizer
    kubectl.run("delete", "job", "dropped", "-n", ns, "--cascade=orphan").ok();
    Await.until(Duration.ofSeconds(30), "the orphan's finalizer removed", () -> {
      Pod now = client.pods().inNamespace(ns).withName(p.getMetadata().getName()).get();
      return now != null && !now.getMetadata().getFinalizers().contains(FINALIZER);
    });
    client.pods().inNamespace(ns).withName(p.getMetadata().getName()).delete();
    Await.until(Duration.ofSeconds(30), "the orphan deleted", () -> pods(ns, "dropped").isEmpty());
  }

  /** As upstream's conformance test: orphan one of a parallel Job's pods, then take its labels away. */
  @Conformance("apps.job-adoption")
  @Test
  void aJobAdoptsMatchingOrphansAndReleasesNonMatchingPods(String ns) {
    kubectl.runWithInput(job("adopter", 4).replace("parallelism: 1", "parallelism: 2"),
        new String[] {"apply", "-n", ns, "-f", "-"}).ok();
    Await.until(Duration.ofSeconds(60), "two pods", () -> pods(ns, "adopter").size() == 2);
    String uid = job(ns, "adopter").getMetadata().getUid();
    String name = pods(ns, "adopter").get(0).getMetadata().getName();

    client.pods().inNamespace(ns).withName(name).edit(p -> new PodBuilder(p).editMetadata()
        .withOwnerReferences(List.of()).endMetadata().build());
    Await.until(Duration.ofSeconds(30), "the orphan adopted again", () -> {
      Pod p = client.pods().inNamespace(ns).withName(name).get();
      return p.getMetadata().getOwnerReferences().stream().anyMatch(r -> uid.equals(r.getUid())
          && Boolean.TRUE.equals(r.getController())) && p.getMetadata().getFinalizers().contains(FINALIZER);
    });

    client.pods().inNamespace(ns).withName(name).edit(p -> new PodBuilder(p).editMetadata()
        .withLabels(java.util.Map.of()).endMetadata().build());
    Await.until(Duration.ofSeconds(30), "the pod released", () -> {
      Pod p = client.pods().inNamespace(ns).withName(name).get();
      return p.getMetadata().getOwnerReferences().stream().noneMatch(r -> uid.equals(r.getUid()))
          && !p.getMetadata().getFinalizers().contains(FINALIZER);
    });
    Await.until(Duration.ofSeconds(30), "a replacement for it", () -> pods(ns, "adopter").size() == 2
        && pods(ns, "adopter").stream().noneMatch(p -> p.getMetadata().getName().equals(name)));
  }
}
