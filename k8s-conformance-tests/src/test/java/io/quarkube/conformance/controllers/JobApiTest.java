package io.quarkube.conformance.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's Job conformance tests (test/e2e/apps/job.go), each as upstream runs it with the Fabric8 client: the
 * pods that only need to exist are never scheduled (a scheduler that does not run), the ones that must run run on
 * the real node.
 */
@ExtendWith(TestNamespace.class)
class JobApiTest {
  private final KubernetesClient client = Cluster.client();

  private static JobBuilder job(String name, int parallelism, int completions, String restartPolicy) {
    return new JobBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
        .withParallelism(parallelism).withCompletions(completions).withBackoffLimit(6).withNewTemplate()
        .withNewSpec().withRestartPolicy(restartPolicy).withTerminationGracePeriodSeconds(2L).endSpec()
        .endTemplate().endSpec();
  }

  /** Pods that never run: nothing schedules them, so deleting them is immediate. */
  private static Job pending(String name, int parallelism, int completions) {
    return job(name, parallelism, completions, "Never").editSpec().editTemplate().editSpec()
        .withSchedulerName("quarkube-e2e-unscheduled").addNewContainer().withName("c")
        .withImage("registry.local/app:1").endContainer().endSpec().endTemplate().endSpec().build();
  }

  private List<Pod> pods(String ns, String job) {
    return client.pods().inNamespace(ns).withLabel("batch.kubernetes.io/job-name", job).list().getItems();
  }

  private boolean hasCondition(String ns, String name, String type) {
    Job j = client.batch().v1().jobs().inNamespace(ns).withName(name).get();
    return j != null && j.getStatus() != null && j.getStatus().getConditions() != null && j.getStatus()
        .getConditions().stream().anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  @Conformance("apps.job-api")
  @Test
  void runsToCompletionWhenTasksSometimesFailAndAreLocallyRestarted(String ns) {
    // each pod fails once (its emptyDir keeps the marker across the container's restart), then succeeds
    Job j = job("fail-once-local", 2, 4, "OnFailure").editSpec().editTemplate().editSpec()
        .addNewVolume().withName("data").withNewEmptyDir().endEmptyDir().endVolume()
        .addNewContainer().withName("c").withImage("busybox:1.35.0")
        .withCommand("sh", "-c", "if [ -e /data/failed ]; then exit 0; else touch /data/failed; exit 1; fi")
        .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount().endContainer()
        .endSpec().endTemplate().endSpec().build();
    client.batch().v1().jobs().inNamespace(ns).resource(j).create();
    Await.until(Duration.ofSeconds(150), "job complete", () -> hasCondition(ns, "fail-once-local", "Complete"));
    assertEquals(4, client.batch().v1().jobs().inNamespace(ns).withName("fail-once-local").get().getStatus()
        .getSucceeded());
  }

  @Conformance("apps.job-api")
  @Test
  void createsPodsForAnIndexedJobWithCompletionIndexesAndHostnames(String ns) {
    Job j = job("indexed", 2, 4, "Never").editSpec().withCompletionMode("Indexed").editTemplate().editSpec()
        .addNewContainer().withName("c").withImage("busybox:1.35.0").withCommand("sh", "-c", "exit 0")
        .endContainer().endSpec().endTemplate().endSpec().build();
    client.batch().v1().jobs().inNamespace(ns).resource(j).create();
    Await.until(Duration.ofSeconds(120), "indexed job complete", () -> hasCondition(ns, "indexed", "Complete"));
    TreeSet<Integer> indexes = new TreeSet<>();
    for (Pod p : pods(ns, "indexed")) {
      String ix = p.getMetadata().getAnnotations().get("batch.kubernetes.io/job-completion-index");
      assertNotNull(ix, p.getMetadata().toString());
      indexes.add(Integer.parseInt(ix));
      assertEquals("indexed-" + ix, p.getSpec().getHostname());
      EnvVar env = p.getSpec().getContainers().get(0).getEnv().stream()
          .filter(e -> "JOB_COMPLETION_INDEX".equals(e.getName())).findFirst().orElseThrow();
      assertEquals("metadata.annotations['batch.kubernetes.io/job-completion-index']",
          env.getValueFrom().getFieldRef().getFieldPath());
    }
    assertEquals(new TreeSet<>(List.of(0, 1, 2, 3)), indexes);
    assertEquals("0-3", client.batch().v1().jobs().inNamespace(ns).withName("indexed").get().getStatus()
        .getCompletedIndexes());
  }

  @Conformance("apps.job-api")
  @Test
  void deletesAJob(String ns) {
    client.batch().v1().jobs().inNamespace(ns).resource(pending("doomed", 2, 4)).create();
    Await.until(Duration.ofSeconds(60), "active pods reflect parallelism", () -> {
      Job j = client.batch().v1().jobs().inNamespace(ns).withName("doomed").get();
      return j.getStatus() != null && Integer.valueOf(2).equals(j.getStatus().getActive())
          && pods(ns, "doomed").size() == 2;
    });
    client.batch().v1().jobs().inNamespace(ns).withName("doomed").withPropagationPolicy(
        io.fabric8.kubernetes.api.model.DeletionPropagation.FOREGROUND).delete();
    Await.until(Duration.ofSeconds(60), "job and pods gone", () ->
        client.batch().v1().jobs().inNamespace(ns).withName("doomed").get() == null && pods(ns, "doomed").isEmpty());
  }

  @Conformance("apps.job-api")
  @Test
  void appliesChangesToAJobStatus(String ns) {
    client.batch().v1().jobs().inNamespace(ns).resource(pending("status", 1, 1)).create();
    Await.until(Duration.ofSeconds(60), "job active", () -> {
      Job j = client.batch().v1().jobs().inNamespace(ns).withName("status").get();
      return j.getStatus() != null && j.getStatus().getStartTime() != null;
    });
    // a patch through /status: the annotation it carries is kept (metadata is writable there too)
    Job patched = client.batch().v1().jobs().inNamespace(ns).withName("status").subresource("status").patch(
        PatchContext.of(PatchType.STRATEGIC_MERGE),
        "{\"metadata\":{\"annotations\":{\"patchedstatus\":\"true\"}},\"status\":{\"ready\":0}}");
    assertEquals("true", patched.getMetadata().getAnnotations().get("patchedstatus"));
    // an update of the status: a new start time
    String start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
    Job current = client.batch().v1().jobs().inNamespace(ns).withName("status").get();
    current.getStatus().setStartTime(start);
    Job updated = client.batch().v1().jobs().inNamespace(ns).resource(current).updateStatus();
    assertEquals(start, updated.getStatus().getStartTime());
    Job read = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
        client.raw("/apis/batch/v1/namespaces/" + ns + "/jobs/status/status"), Job.class);
    assertEquals(start, read.getStatus().getStartTime());
    assertEquals("true", read.getMetadata().getAnnotations().get("patchedstatus"));
  }

  @Conformance("apps.job-api")
  @Test
  void managesTheLifecycleOfAJob(String ns) {
    Job suspended = new JobBuilder(pending("lifecycle", 1, 1)).editSpec().withSuspend(true).endSpec().build();
    client.batch().v1().jobs().inNamespace(ns).resource(suspended).create();
    client.batch().v1().jobs().inNamespace(ns).withName("lifecycle").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"labels\":{\"e2e-job-label\":\"lifecycle\"}}}");
    assertEquals("lifecycle", client.batch().v1().jobs().inNamespace(ns).withName("lifecycle").get().getMetadata()
        .getLabels().get("e2e-job-label"));
    // a replace of what was read, retried on a conflict (the controller writes the job's status meanwhile), as
    // upstream's test updates with retries
    Job replaced = null;
    for (int attempt = 0; replaced == null; attempt++) {
      Job current = client.batch().v1().jobs().inNamespace(ns).withName("lifecycle").get();
      try {
        replaced = client.batch().v1().jobs().inNamespace(ns).resource(new JobBuilder(current).editMetadata()
            .addToAnnotations("updated", "true").endMetadata().build()).update();
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
      }
    }
    assertEquals("true", replaced.getMetadata().getAnnotations().get("updated"));
    List<Job> listed = client.batch().v1().jobs().inAnyNamespace().withLabel("e2e-job-label", "lifecycle").list()
        .getItems().stream().filter(j -> ns.equals(j.getMetadata().getNamespace())).toList();
    assertEquals(1, listed.size());
    assertTrue(pods(ns, "lifecycle").isEmpty(), "suspended: no pod");
    client.batch().v1().jobs().inNamespace(ns).withLabels(Map.of("e2e-job-label", "lifecycle")).delete();
    Await.until(Duration.ofSeconds(30), "deleted by collection",
        () -> client.batch().v1().jobs().inNamespace(ns).withLabel("e2e-job-label", "lifecycle").list().getItems()
            .isEmpty());
  }
}
