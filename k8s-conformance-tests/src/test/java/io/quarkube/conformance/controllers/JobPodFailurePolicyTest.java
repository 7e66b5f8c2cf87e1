package io.quarkube.conformance.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's two podFailurePolicy conformance tests (test/e2e/apps/job.go) on the real node: a FailJob rule on an
 * exit code fails the Job early, and an Ignore rule on the DisruptionTarget condition keeps evictions from counting
 * against a backoffLimit of 0.
 */
@ExtendWith(TestNamespace.class)
class JobPodFailurePolicyTest {
  private final KubernetesClient client = Cluster.client();

  private static JobBuilder indexed(String name, int parallelism, int completions, int backoffLimit) {
    return new JobBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
        .withParallelism(parallelism).withCompletions(completions).withBackoffLimit(backoffLimit)
        .withCompletionMode("Indexed").withNewTemplate().withNewSpec().withRestartPolicy("Never")
        .withTerminationGracePeriodSeconds(2L).endSpec().endTemplate().endSpec();
  }

  private Job job(String ns, String name) {
    return client.batch().v1().jobs().inNamespace(ns).withName(name).get();
  }

  private boolean hasCondition(String ns, String name, String type) {
    Job j = job(ns, name);
    return j != null && j.getStatus() != null && j.getStatus().getConditions() != null && j.getStatus()
        .getConditions().stream().anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  @Conformance("apps.job-pod-failure-policy")
  @Test
  void aFailJobRuleOnTheExitCodeFailsTheJobEarly(String ns) {
    // odd indexes fail with exit code 1, even ones succeed; one failure is enough to end the job
    Job j = indexed("fail-early", 2, 2, 6).editSpec().withNewPodFailurePolicy().addNewRule().withAction("FailJob")
        .withNewOnExitCodes().withOperator("In").withValues(1).endOnExitCodes().endRule().endPodFailurePolicy()
        .editTemplate().editSpec().addNewContainer().withName("c").withImage("busybox:1.35.0")
        .withCommand("sh", "-c", "if [ $((JOB_COMPLETION_INDEX % 2)) -eq 1 ]; then exit 1; fi; exit 0")
        .endContainer().endSpec().endTemplate().endSpec().build();
    client.batch().v1().jobs().inNamespace(ns).resource(j).create();
    Await.until(Duration.ofSeconds(120), "job failed", () -> hasCondition(ns, "fail-early", "Failed"));
    var failed = job(ns, "fail-early").getStatus().getConditions().stream()
        .filter(c -> "Failed".equals(c.getType())).findFirst().orElseThrow();
    assertEquals("PodFailurePolicy", failed.getReason());
    assertTrue(failed.getMessage().contains("failed with exit code 1 matching FailJob rule at index 0"),
        failed.getMessage());
  }

  @Conformance("apps.job-pod-failure-policy")
  @Test
  void anIgnoreRuleOnDisruptionTargetKeepsEvictionsFromCounting(String ns) throws Exception {
    Path host = Files.createTempDirectory(Cluster.stateDir(), "job-markers-");
    // each index runs until evicted the first time; its replacement finds the marker and succeeds. As upstream:
    // three pods, backoffLimit 2, so counting the three evictions would fail the job
    Job j = indexed("evicted", 3, 3, 2).editSpec().withNewPodFailurePolicy().addNewRule().withAction("Ignore")
        .addNewOnPodCondition().withType("DisruptionTarget").withStatus("True").endOnPodCondition().endRule()
        .endPodFailurePolicy().editTemplate().editSpec()
        .addNewVolume().withName("data").withNewHostPath().withPath(host.toString()).withType("Directory")
        .endHostPath().endVolume()
        .addNewContainer().withName("c").withImage("busybox:1.35.0")
        .withCommand("sh", "-c", "if [ -r /data/foo-$JOB_COMPLETION_INDEX ]; then exit 0; else "
            + "touch /data/foo-$JOB_COMPLETION_INDEX; sleep 1000000; fi")
        .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount().endContainer()
        .endSpec().endTemplate().endSpec().build();
    client.batch().v1().jobs().inNamespace(ns).resource(j).create();
    Await.until(Duration.ofSeconds(120), "all pods ready", () -> {
      Job now = job(ns, "evicted");
      return now.getStatus() != null && Integer.valueOf(3).equals(now.getStatus().getReady());
    });
    List<Pod> running = client.pods().inNamespace(ns).withLabel("batch.kubernetes.io/job-name", "evicted").list()
        .getItems().stream().filter(p -> "Running".equals(p.getStatus().getPhase())).toList();
    assertEquals(3, running.size());
    for (Pod p : running) {
      assertTrue(client.pods().inNamespace(ns).withName(p.getMetadata().getName()).evict(), p.getMetadata()
          .getName());
    }
    Await.until(Duration.ofSeconds(180), "job complete", () -> hasCondition(ns, "evicted", "Complete"));
    Job done = job(ns, "evicted");
    assertEquals(3, done.getStatus().getSucceeded());
    assertTrue(done.getStatus().getFailed() == null || done.getStatus().getFailed() == 0,
        "evictions are ignored: " + done.getStatus());
  }
}
