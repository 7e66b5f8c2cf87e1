package io.quarkube.conformance.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
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
 * Jobs on the real kubelet, finishing as upstream 1.31+ finishes them: the interim SuccessCriteriaMet / FailureTarget
 * condition first, then Complete / Failed with the same reason and message; OnFailure restarts count toward
 * backoffLimit.
 */
@ExtendWith(TestNamespace.class)
class JobConditionsTest {
  private final Kubectl kubectl = Kubectl.stock();
  private final KubernetesClient client = Cluster.client();

  private void apply(String ns, String name, String extraSpec, String restartPolicy, String script) {
    kubectl.runWithInput("""
        apiVersion: batch/v1
        kind: Job
        metadata: {name: %s}
        spec:
          %s
          template:
            spec:
              restartPolicy: %s
              terminationGracePeriodSeconds: 2
              containers: [{name: c, image: busybox:1.35.0, command: [sh, -c, '%s']}]
        """.formatted(name, extraSpec, restartPolicy, script), "apply", "-n", ns, "-f", "-").ok();
  }

  private List<String> awaitTerminal(String ns, String name, String type, Duration timeout) {
    Await.until(timeout, name + " " + type, () -> {
      Job j = client.batch().v1().jobs().inNamespace(ns).withName(name).get();
      return j.getStatus() != null && j.getStatus().getConditions() != null && j.getStatus().getConditions()
          .stream().anyMatch(c -> c.getType().equals(type) && c.getStatus().equals("True"));
    });
    List<JobCondition> conditions = client.batch().v1().jobs().inNamespace(ns).withName(name).get().getStatus()
        .getConditions();
    return conditions.stream().map(c -> c.getType() + "/" + c.getReason() + "/" + c.getMessage()).toList();
  }

  @Conformance("apps.job-completes")
  @Test
  void successCriteriaMetThenComplete(String ns) {
    apply(ns, "ok", "backoffLimit: 0", "Never", "true");
    String done = "CompletionsReached/Reached expected number of succeeded pods";
    assertEquals(List.of("SuccessCriteriaMet/" + done, "Complete/" + done),
        awaitTerminal(ns, "ok", "Complete", Duration.ofSeconds(90)));
  }

  @Test
  void onFailureRestartsReachTheBackoffLimit(String ns) {
    apply(ns, "crash", "backoffLimit: 2", "OnFailure", "sleep 2; exit 1");
    String limit = "BackoffLimitExceeded/Job has reached the specified backoff limit";
    assertEquals(List.of("FailureTarget/" + limit, "Failed/" + limit),
        awaitTerminal(ns, "crash", "Failed", Duration.ofSeconds(150)));
  }

  @Test
  void theDeadlineFailsTheJobOnceItsPodIsGoneAndCountsIt(String ns) {
    apply(ns, "slow", "activeDeadlineSeconds: 5", "Never", "sleep 3600");
    String deadline = "DeadlineExceeded/Job was active longer than specified deadline";
    assertEquals(List.of("FailureTarget/" + deadline, "Failed/" + deadline),
        awaitTerminal(ns, "slow", "Failed", Duration.ofSeconds(90)));
    Job j = client.batch().v1().jobs().inNamespace(ns).withName("slow").get();
    assertEquals(1, j.getStatus().getFailed(), "the pod the deadline stopped counts as failed");
    assertNull(j.getStatus().getActive(), "no active pods: left out, as upstream serializes an omitempty zero");
    assertEquals(List.of(), client.pods().inNamespace(ns).withLabel("job-name", "slow").list().getItems().stream()
        .filter(p -> !"Failed".equals(p.getStatus().getPhase()) && !"Succeeded".equals(p.getStatus().getPhase()))
        .map(p -> p.getMetadata().getName()).toList(), "Failed only once no pod of the job still runs");
  }
}
