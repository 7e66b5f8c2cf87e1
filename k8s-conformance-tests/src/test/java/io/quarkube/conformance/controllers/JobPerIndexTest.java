package io.quarkube.conformance.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Indexed Jobs with {@code backoffLimitPerIndex} / {@code maxFailedIndexes} / the FailIndex podFailurePolicy action,
 * and with a {@code successPolicy}, on the real node (the scenarios of upstream's test/e2e/apps/job.go, which 1.33
 * promoted to conformance).
 */
@ExtendWith(TestNamespace.class)
class JobPerIndexTest {
  private static final String FAIL_ODD = "if [ $((JOB_COMPLETION_INDEX % 2)) -eq 1 ]; then exit 1; fi; exit 0";
  private final KubernetesClient client = Cluster.client();

  private static JobBuilder indexed(String name, int parallelism, int completions, String script) {
    return new JobBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
        .withParallelism(parallelism).withCompletions(completions).withCompletionMode("Indexed")
        .withNewTemplate().withNewSpec().withRestartPolicy("Never").withTerminationGracePeriodSeconds(2L)
        .addNewContainer().withName("c").withImage("busybox:1.35.0").withCommand("sh", "-c", script).endContainer()
        .endSpec().endTemplate().endSpec();
  }

  private Job job(String ns, String name) {
    return client.batch().v1().jobs().inNamespace(ns).withName(name).get();
  }

  private JobCondition condition(String ns, String name, String type) {
    Job j = job(ns, name);
    if (j == null || j.getStatus() == null || j.getStatus().getConditions() == null) {
      return null;
    }
    return j.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())
        && "True".equals(c.getStatus())).findFirst().orElse(null);
  }

  private Job awaitFinished(String ns, String name, String type, String reason) {
    Await.until(Duration.ofSeconds(180), name + " " + type, () -> condition(ns, name, type) != null);
    JobCondition c = condition(ns, name, type);
    assertEquals(reason, c.getReason(), c.toString());
    return job(ns, name);
  }

  @Conformance("apps.job-backoff-limit-per-index")
  @Test
  void allIndexesRunDespiteSomeFailingWithBackoffLimitPerIndex(String ns) {
    Job j = indexed("per-index", 2, 4, FAIL_ODD).editSpec().withBackoffLimitPerIndex(1).endSpec().build();
    Job created = client.batch().v1().jobs().inNamespace(ns).resource(j).create();
    assertEquals(Integer.MAX_VALUE, created.getSpec().getBackoffLimit(), "defaulted as upstream");
    Job done = awaitFinished(ns, "per-index", "Failed", "FailedIndexes");
    assertEquals("Job has failed indexes", condition(ns, "per-index", "Failed").getMessage());
    assertEquals("1,3", done.getStatus().getFailedIndexes());
    assertEquals("0,2", done.getStatus().getCompletedIndexes());
    assertEquals(4, done.getStatus().getFailed(), "two attempts per failing index");
    assertEquals(2, done.getStatus().getSucceeded());
    // each index's pods say how often the index failed before them
    TreeMap<String, TreeSet<String>> counts = new TreeMap<>();
    for (Pod p : client.pods().inNamespace(ns).withLabel("batch.kubernetes.io/job-name", "per-index").list()
        .getItems()) {
      counts.computeIfAbsent(p.getMetadata().getAnnotations().get("batch.kubernetes.io/job-completion-index"),
          k -> new TreeSet<>()).add(p.getMetadata().getAnnotations().get("batch.kubernetes.io/job-index-failure-count"));
    }
    assertEquals("{0=[0], 1=[0, 1], 2=[0], 3=[0, 1]}", counts.toString());
  }

  @Conformance("apps.job-backoff-limit-per-index")
  @Test
  void theJobEndsOnceMoreIndexesFailedThanMaxFailedIndexes(String ns) {
    Job j = indexed("max-failed", 1, 4, "exit 1").editSpec().withBackoffLimitPerIndex(0).withMaxFailedIndexes(0)
        .endSpec().build();
    client.batch().v1().jobs().inNamespace(ns).resource(j).create();
    Job done = awaitFinished(ns, "max-failed", "Failed", "MaxFailedIndexesExceeded");
    assertEquals("Job has exceeded the specified maximal number of failed indexes",
        condition(ns, "max-failed", "Failed").getMessage());
    assertEquals("0", done.getStatus().getFailedIndexes());
    assertEquals(1, done.getStatus().getFailed(), "no other index ran");
  }

  @Conformance("apps.job-backoff-limit-per-index")
  @Test
  void aFailIndexRuleFailsTheIndexWithoutRetries(String ns) {
    Job j = indexed("fail-index", 2, 2, FAIL_ODD).editSpec().withBackoffLimitPerIndex(1).withNewPodFailurePolicy()
        .addNewRule().withAction("FailIndex").withNewOnExitCodes().withOperator("In").withValues(1).endOnExitCodes()
        .endRule().endPodFailurePolicy().endSpec().build();
    client.batch().v1().jobs().inNamespace(ns).resource(j).create();
    Job done = awaitFinished(ns, "fail-index", "Failed", "FailedIndexes");
    assertEquals("1", done.getStatus().getFailedIndexes());
    assertEquals("0", done.getStatus().getCompletedIndexes());
    assertEquals(1, done.getStatus().getFailed(), "index 1 was not retried");
    assertEquals(1, done.getStatus().getSucceeded());
  }

  @Conformance("apps.job-backoff-limit-per-index")
  @Test
  void perIndexFieldsAreValidatedAsUpstream(String ns) {
    Job nonIndexed = new JobBuilder(indexed("bad", 1, 2, "exit 0").build()).editSpec().withCompletionMode(null)
        .withBackoffLimitPerIndex(1).endSpec().build();
    KubernetesClientException e = assertThrows(KubernetesClientException.class,
        () -> client.batch().v1().jobs().inNamespace(ns).resource(nonIndexed).create());
    assertEquals(422, e.getCode());
    assertTrue(e.getMessage().contains("spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion "
        + "mode"), e.getMessage());
    Job failIndex = indexed("bad", 1, 2, "exit 0").editSpec().withNewPodFailurePolicy().addNewRule()
        .withAction("FailIndex").withNewOnExitCodes().withOperator("In").withValues(1).endOnExitCodes().endRule()
        .endPodFailurePolicy().endSpec().build();
    e = assertThrows(KubernetesClientException.class,
        () -> client.batch().v1().jobs().inNamespace(ns).resource(failIndex).create());
    assertTrue(e.getMessage().contains("spec.podFailurePolicy.rules[0].action: Invalid value: \"FailIndex\": "
        + "requires the backoffLimitPerIndex to be set"), e.getMessage());
  }

  @Conformance("apps.job-success-policy")
  @Test
  void aSuccessPolicyMetByIndexZeroCompletesTheJobWhileOthersStillRun(String ns) {
    // index 0 succeeds at once, the others would run for ever
    Job j = indexed("success", 3, 3, "if [ $JOB_COMPLETION_INDEX -eq 0 ]; then exit 0; fi; sleep 1000000")
        .editSpec().withNewSuccessPolicy().addNewRule().withSucceededIndexes("0").endRule().endSuccessPolicy()
        .endSpec().build();
    client.batch().v1().jobs().inNamespace(ns).resource(j).create();
    Job done = awaitFinished(ns, "success", "Complete", "SuccessPolicy");
    assertEquals("Matched rules at index 0", condition(ns, "success", "Complete").getMessage());
    JobCondition met = condition(ns, "success", "SuccessCriteriaMet");
    assertEquals(List.of("SuccessPolicy", "Matched rules at index 0"), List.of(met.getReason(), met.getMessage()));
    assertEquals("0", done.getStatus().getCompletedIndexes());
    assertEquals(1, done.getStatus().getSucceeded());
    assertTrue(done.getStatus().getFailed() == null || done.getStatus().getFailed() == 0,
        "the stopped indexes are no failures: " + done.getStatus());
    assertTrue(done.getStatus().getActive() == null || done.getStatus().getActive() == 0);
    Await.until(Duration.ofSeconds(60), "the other pods gone or stopped", () -> client.pods().inNamespace(ns)
        .withLabel("batch.kubernetes.io/job-name", "success").list().getItems().stream()
        .noneMatch(p -> "Running".equals(p.getStatus().getPhase()) && p.getMetadata().getDeletionTimestamp() == null));
  }
}
