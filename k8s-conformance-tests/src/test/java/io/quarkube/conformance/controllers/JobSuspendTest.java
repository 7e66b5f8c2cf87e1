package io.quarkube.conformance.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code spec.suspend} on the real kubelet, as upstream 1.32: a suspended Job has no pods and the condition
 * Suspended=True (reason JobSuspended), which stock kubectl shows as STATUS Suspended; resuming turns the condition
 * False (JobResumed), sets startTime and runs the Job; pods a suspension stops are not failures (backoffLimit 0).
 */
@ExtendWith(TestNamespace.class)
class JobSuspendTest {
  private final Kubectl kubectl = Kubectl.stock();
  private final KubernetesClient client = Cluster.client();

  private void apply(String ns, String name, boolean suspend, String script) {
    kubectl.runWithInput("""
        apiVersion: batch/v1
        kind: Job
        metadata: {name: %s}
        spec:
          suspend: %s
          backoffLimit: 0
          template:
            spec:
              restartPolicy: Never
              terminationGracePeriodSeconds: 1
              containers: [{name: c, image: busybox:1.35.0, command: [sh, -c, '%s']}]
        """.formatted(name, suspend, script), "apply", "-n", ns, "-f", "-").ok();
  }

  private Job job(String ns, String name) {
    return client.batch().v1().jobs().inNamespace(ns).withName(name).get();
  }

  private Optional<JobCondition> condition(String ns, String name, String type) {
    Job j = job(ns, name);
    if (j.getStatus() == null || j.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return j.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst();
  }

  private List<String> conditions(String ns, String name) {
    return job(ns, name).getStatus().getConditions().stream()
        .map(c -> c.getType() + "/" + c.getStatus() + "/" + c.getReason() + "/" + c.getMessage()).toList();
  }

  /** The STATUS column of {@code kubectl get job} (server-side table). */
  private String status(String ns, String name) {
    String out = kubectl.run("get", "job", name, "-n", ns).ok().out();
    List<String> lines = out.lines().toList();
    assertTrue(lines.get(0).startsWith("NAME") && lines.get(0).contains("STATUS"), out);
    return lines.get(1).trim().split("\\s+")[1];
  }

  private List<Pod> pods(String ns, String name) {
    return client.pods().inNamespace(ns).withLabel("job-name", name).list().getItems();
  }

  private void awaitEvent(String ns, String name, String reason, String message) {
    Await.until(Duration.ofSeconds(30), reason + " event", () -> client.v1().events().inNamespace(ns).list()
        .getItems().stream().anyMatch(e -> name.equals(e.getInvolvedObject().getName())
            && reason.equals(e.getReason()) && message.equals(e.getMessage()) && "Normal".equals(e.getType())));
  }

  private void setSuspend(String ns, String name, boolean suspend) {
    kubectl.run("patch", "job", name, "-n", ns, "--type=merge", "-p", "{\"spec\":{\"suspend\":" + suspend + "}}")
        .ok();
  }

  @Test
  void aJobCreatedSuspendedStartsNoPodUntilResumedThenCompletes(String ns) {
    apply(ns, "later", true, "true");
    Await.until(Duration.ofSeconds(60), "Suspended condition", () -> condition(ns, "later", "Suspended")
        .map(c -> c.getStatus().equals("True")).orElse(false));
    assertEquals(List.of("Suspended/True/JobSuspended/Job suspended"), conditions(ns, "later"));
    JobCondition c = condition(ns, "later", "Suspended").orElseThrow();
    assertNotNull(c.getLastProbeTime());
    assertNotNull(c.getLastTransitionTime());
    assertEquals("Suspended", status(ns, "later"));
    assertNull(job(ns, "later").getStatus().getStartTime(), "never started");
    awaitEvent(ns, "later", "Suspended", "Job suspended");
    assertEquals(List.of(), pods(ns, "later"));

    setSuspend(ns, "later", false);
    Await.until(Duration.ofSeconds(120), "later Complete", () -> condition(ns, "later", "Complete")
        .map(x -> x.getStatus().equals("True")).orElse(false));
    String done = "CompletionsReached/Reached expected number of succeeded pods";
    assertEquals(List.of("Suspended/False/JobResumed/Job resumed", "SuccessCriteriaMet/True/" + done,
        "Complete/True/" + done), conditions(ns, "later"));
    assertEquals("Complete", status(ns, "later"));
    assertNotNull(job(ns, "later").getStatus().getStartTime());
    assertEquals(1, job(ns, "later").getStatus().getSucceeded());
    awaitEvent(ns, "later", "Resumed", "Job resumed");
  }

  @Test
  void suspendingARunningJobStopsItsPodsWithoutFailingIt(String ns) {
    apply(ns, "long", false, "sleep 3600");
    Await.until(Duration.ofSeconds(90), "a running pod", () -> pods(ns, "long").stream()
        .anyMatch(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())));
    assertEquals("Running", status(ns, "long"));
    String startedAt = job(ns, "long").getStatus().getStartTime();
    assertNotNull(startedAt);

    setSuspend(ns, "long", true);
    Await.until(Duration.ofSeconds(60), "Suspended condition", () -> condition(ns, "long", "Suspended")
        .map(c -> c.getStatus().equals("True")).orElse(false));
    Await.until(Duration.ofSeconds(90), "its pod gone", () -> pods(ns, "long").isEmpty());
    Await.until(Duration.ofSeconds(30), "no active nor terminating pod", () -> {
      Job j = job(ns, "long");
      return j.getStatus().getActive() == null && (j.getStatus().getTerminating() == null
          || j.getStatus().getTerminating() == 0);
    });
    Job j = job(ns, "long");
    assertEquals(List.of("Suspended/True/JobSuspended/Job suspended"), conditions(ns, "long"),
        "the stopped pod is no failure: backoffLimit 0 is not passed");
    assertTrue(j.getStatus().getFailed() == null || j.getStatus().getFailed() == 0, "failed " + j.getStatus());
    assertEquals(startedAt, j.getStatus().getStartTime(), "upstream 1.32 keeps startTime while suspended");
    assertEquals("Suspended", status(ns, "long"));
    awaitEvent(ns, "long", "Suspended", "Job suspended");

    setSuspend(ns, "long", false);
    Await.until(Duration.ofSeconds(60), "resumed", () -> condition(ns, "long", "Suspended")
        .map(c -> c.getStatus().equals("False") && c.getReason().equals("JobResumed")).orElse(false));
    Await.until(Duration.ofSeconds(90), "a new pod", () -> pods(ns, "long").stream()
        .anyMatch(p -> p.getMetadata().getDeletionTimestamp() == null));
    assertEquals("Running", status(ns, "long"));
    awaitEvent(ns, "long", "Resumed", "Job resumed");
  }
}
