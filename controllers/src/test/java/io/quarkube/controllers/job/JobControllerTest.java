package io.quarkube.controllers.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.quarkube.client.controller.StaticInformers;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.Pods;
import io.quarkube.controllers.support.RecordingWriter;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class JobControllerTest {
  private final StaticInformers caches = new StaticInformers();
  private final RecordingWriter writer = new RecordingWriter(caches);
  private final JobController controller = new JobController(new ControllerContext(caches, writer,
      c -> EventRecorder.discarding(), null, null));

  private Job job(int completions, int parallelism, String mode) {
    return new JobBuilder().withNewMetadata().withNamespace("ns").withName("work").withUid("job-uid").endMetadata()
        .withNewSpec().withCompletions(completions).withParallelism(parallelism).withCompletionMode(mode)
        .withNewTemplate().withNewSpec().withRestartPolicy("Never").addNewContainer().withName("c")
        .withImage("img").endContainer().endSpec().endTemplate().endSpec().build();
  }

  private List<Pod> active() {
    return caches.indexer(Pod.class).list().stream().filter(Pods::isActive).toList();
  }

  private Job stored() {
    return caches.indexer(Job.class).getByKey("ns/work");
  }

  private int runToCompletion() throws InterruptedException {
    int maxActive = 0;
    for (int round = 0; round < 100 && !JobController.finished(stored().getStatus() == null
        ? new io.fabric8.kubernetes.api.model.batch.v1.JobStatus() : stored().getStatus()); round++) {
      while (controller.queue().length() > 0) {
        controller.processNextItem();
      }
      maxActive = Math.max(maxActive, active().size());
      for (Pod p : active()) { // the kubelet: each pod runs and succeeds
        caches.put(new PodBuilder(p).withNewStatus().withPhase("Succeeded").endStatus().build());
      }
    }
    return maxActive;
  }

  @Test
  void fiveCompletionsTwoAtATime() throws Exception {
    caches.put(job(5, 2, "NonIndexed"));
    int maxActive = runToCompletion();
    assertEquals(2, maxActive, "parallelism respected");
    assertEquals(5, stored().getStatus().getSucceeded());
    assertEquals(5, caches.indexer(Pod.class).list().size(), "no extra pod");
    assertTrue(stored().getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Complete")));
    assertTrue(stored().getStatus().getCompletionTime() != null);
  }

  @Test
  void indexedJobRunsEachIndexOnce() throws Exception {
    caches.put(job(3, 3, "Indexed"));
    runToCompletion();
    assertEquals("0-2", stored().getStatus().getCompletedIndexes());
    TreeSet<String> names = new TreeSet<>();
    caches.indexer(Pod.class).list().forEach(p -> names.add(p.getMetadata().getAnnotations()
        .get("batch.kubernetes.io/job-completion-index")));
    assertEquals(new TreeSet<>(List.of("0", "1", "2")), names);
  }

  @Test
  void backoffLimitFailsTheJob() throws Exception {
    caches.put(new JobBuilder(job(1, 1, "NonIndexed")).editSpec().withBackoffLimit(0).endSpec().build());
    controller.processNextItem();
    Pod p = active().get(0);
    caches.put(new PodBuilder(p).withNewStatus().withPhase("Failed").endStatus().build());
    while (controller.queue().length() > 0) {
      controller.processNextItem();
    }
    assertTrue(stored().getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Failed")
        && c.getReason().equals("BackoffLimitExceeded")));
    assertEquals(1, stored().getStatus().getFailed());
  }

  private static Pod failedWith(Pod p, int exitCode) {
    return new PodBuilder(p).withNewStatus().withPhase("Failed").addNewContainerStatus().withName("c")
        .withNewState().withNewTerminated().withExitCode(exitCode).endTerminated().endState().endContainerStatus()
        .endStatus().build();
  }

  private Job withPolicy(int backoffLimit) {
    return new JobBuilder(job(1, 1, "NonIndexed")).editSpec().withBackoffLimit(backoffLimit)
        .withNewPodFailurePolicy()
        .addNewRule().withAction("Ignore").addNewOnPodCondition().withType("DisruptionTarget").endOnPodCondition()
        .endRule()
        .addNewRule().withAction("FailJob").withNewOnExitCodes().withContainerName("c").withOperator("In")
        .withValues(42).endOnExitCodes().endRule()
        .endPodFailurePolicy().endSpec().build();
  }

  @Test
  void podFailurePolicyFailJobEndsTheJobAtOnce() throws Exception {
    caches.put(withPolicy(6));
    controller.processNextItem();
    caches.put(failedWith(active().get(0), 42));
    while (controller.queue().length() > 0) {
      controller.processNextItem();
    }
    var failed = stored().getStatus().getConditions().stream().filter(c -> c.getType().equals("Failed"))
        .findFirst().orElseThrow();
    assertEquals("PodFailurePolicy", failed.getReason());
    assertEquals("Container c for pod ns/" + caches.indexer(Pod.class).list().get(0).getMetadata().getName()
        + " failed with exit code 42 matching FailJob rule at index 1", failed.getMessage());
  }

  @Test
  void podFailurePolicyIgnoreDoesNotCountTheFailure() throws Exception {
    caches.put(withPolicy(0));
    controller.processNextItem();
    Pod p = active().get(0);
    caches.put(new PodBuilder(p).withNewStatus().withPhase("Failed").addNewCondition().withType("DisruptionTarget")
        .withStatus("True").endCondition().endStatus().build());
    while (controller.queue().length() > 0) {
      controller.processNextItem();
    }
    assertEquals(0, stored().getStatus().getFailed(), "ignored");
    assertTrue(stored().getStatus().getConditions() == null || stored().getStatus().getConditions().stream()
        .noneMatch(c -> c.getType().equals("Failed")), "backoffLimit 0 not passed");
    assertEquals(1, active().size(), "replaced by a new pod");
    // an exit code that no rule names counts as usual
    caches.put(failedWith(active().get(0), 1));
    while (controller.queue().length() > 0) {
      controller.processNextItem();
    }
    assertTrue(stored().getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Failed")
        && c.getReason().equals("BackoffLimitExceeded")));
  }

  @Test
  void completedIndexRanges() {
    assertEquals("0-2,4,6-7", JobController.ranges(new TreeSet<>(List.of(0, 1, 2, 4, 6, 7))));
  }
}
