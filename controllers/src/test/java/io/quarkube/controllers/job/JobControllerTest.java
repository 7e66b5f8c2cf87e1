package io.quarkube.controllers.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkube.client.controller.StaticInformers;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.CreateRefusingWriter;
import io.quarkube.controllers.support.MutableClock;
import io.quarkube.controllers.support.ObjectWriter;
import io.quarkube.controllers.support.Pods;
import io.quarkube.controllers.support.RecordingWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class JobControllerTest {
  private final StaticInformers caches = new StaticInformers();
  private final RecordingWriter writer = new RecordingWriter(caches);
  private final MutableClock clock = new MutableClock(Instant.parse("2024-01-01T00:00:00Z"));
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final JobController controller = new JobController(new ControllerContext(caches, writer,
      c -> (o, type, reason, message) -> events.add(type + " " + reason + " " + message), null, null), clock);

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

  private List<String> conditions() {
    return stored().getStatus().getConditions().stream()
        .map(c -> c.getType() + "/" + c.getReason() + "/" + c.getMessage()).toList();
  }

  private void drain() throws InterruptedException {
    while (controller.queue().length() > 0) {
      controller.processNextItem();
    }
  }

  @Test
  void successCriteriaMetComesBeforeComplete() throws Exception {
    caches.put(job(1, 1, "NonIndexed"));
    runToCompletion();
    // upstream 1.31+: the interim condition, then the terminal one, both with reason CompletionsReached
    assertEquals(List.of("SuccessCriteriaMet/CompletionsReached/Reached expected number of succeeded pods",
        "Complete/CompletionsReached/Reached expected number of succeeded pods"), conditions());
    assertTrue(events.contains("Normal Completed Job completed"));
  }

  @Test
  void deadlineFailsTheJobOnlyOnceItsPodTerminated() throws Exception {
    caches.put(new JobBuilder(job(1, 1, "NonIndexed")).editSpec().withActiveDeadlineSeconds(10L).endSpec().build());
    drain();
    Pod p = active().get(0);
    caches.put(new PodBuilder(p).withNewStatus().withPhase("Running").endStatus().build());
    drain();
    clock.advance(Duration.ofSeconds(11));
    controller.enqueue("ns/work");
    controller.processNextItem();
    assertTrue(writer.actions().contains("delete Pod ns/" + p.getMetadata().getName()));
    // the kubelet is still stopping the pod: graceful deletion leaves it Running with a deletionTimestamp
    Pod stopping = caches.indexer(Pod.class).list().get(0);
    assertTrue(stopping.getMetadata().getDeletionTimestamp() != null, stopping.toString());
    caches.put(new PodBuilder(stopping).withNewStatus().withPhase("Running").endStatus().build());
    drain();
    String message = "DeadlineExceeded/Job was active longer than specified deadline";
    assertEquals(List.of("FailureTarget/" + message), conditions(), "no Failed while the pod terminates");
    assertEquals(1, stored().getStatus().getFailed(), "the pod the deadline stopped counts as failed");
    assertNull(stored().getStatus().getActive());
    assertEquals(1, stored().getStatus().getTerminating());
    assertTrue(events.stream().noneMatch(e -> e.startsWith("Warning DeadlineExceeded")));
    caches.remove(caches.indexer(Pod.class).list().get(0));
    drain();
    assertEquals(List.of("FailureTarget/" + message, "Failed/" + message), conditions());
    assertEquals(1, stored().getStatus().getFailed(), "still counted once the pod is gone");
    assertEquals(0, stored().getStatus().getTerminating());
    assertTrue(events.contains("Warning DeadlineExceeded Job was active longer than specified deadline"));
  }

  @Test
  void onFailureRestartsCountTowardsBackoffLimit() throws Exception {
    Job j = job(1, 1, "NonIndexed");
    j.getSpec().setBackoffLimit(2);
    j.getSpec().getTemplate().getSpec().setRestartPolicy("OnFailure");
    caches.put(j);
    drain();
    Pod p = active().get(0);
    caches.put(new PodBuilder(p).withNewStatus().withPhase("Running").addNewContainerStatus().withName("c")
        .withRestartCount(1).endContainerStatus().endStatus().build());
    drain();
    assertTrue(stored().getStatus().getConditions() == null || stored().getStatus().getConditions().isEmpty(),
        "1 restart < backoffLimit 2");
    caches.put(new PodBuilder(p).withNewStatus().withPhase("Running").addNewInitContainerStatus().withName("i")
        .withRestartCount(1).endInitContainerStatus().addNewContainerStatus().withName("c").withRestartCount(1)
        .endContainerStatus().endStatus().build());
    drain();
    assertEquals("FailureTarget/BackoffLimitExceeded/Job has reached the specified backoff limit",
        conditions().get(0));
    assertTrue(writer.actions().contains("delete Pod ns/" + p.getMetadata().getName()));
    caches.remove(caches.indexer(Pod.class).list().get(0)); // the kubelet stopped it
    drain();
    assertEquals("Failed/BackoffLimitExceeded/Job has reached the specified backoff limit", conditions().get(1));
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
    assertEquals(List.of("FailureTarget/BackoffLimitExceeded/Job has reached the specified backoff limit",
        "Failed/BackoffLimitExceeded/Job has reached the specified backoff limit"), conditions());
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
    assertNull(stored().getStatus().getFailed(), "ignored");
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

  private Job suspended(Job j, boolean suspend) {
    return new JobBuilder(j).editSpec().withSuspend(suspend).endSpec().build();
  }

  private JobCondition suspendedCondition() {
    return stored().getStatus().getConditions().stream().filter(c -> c.getType().equals("Suspended")).findFirst()
        .orElseThrow();
  }

  private long creates() {
    return writer.actions().stream().filter(a -> a.startsWith("create Pod")).count();
  }

  @Test
  void suspendingDeletesTheActivePodsWithoutCountingThemAndResumingStartsAgain() throws Exception {
    caches.put(new JobBuilder(job(2, 2, "NonIndexed")).editSpec().withBackoffLimit(0).endSpec().build());
    drain();
    List<Pod> first = active();
    assertEquals(2, first.size());
    for (Pod p : first) {
      caches.put(new PodBuilder(p).withNewStatus().withPhase("Running").addNewCondition().withType("Ready")
          .withStatus("True").endCondition().endStatus().build());
    }
    drain();
    assertEquals(2, stored().getStatus().getReady());
    clock.advance(Duration.ofSeconds(10));
    writer.observeWrites(false); // graceful deletion: the pods stay, with a deletionTimestamp
    caches.put(suspended(stored(), true));
    controller.processNextItem();
    writer.observeWrites(true);
    for (Pod p : first) {
      assertTrue(writer.actions().contains("delete Pod ns/" + p.getMetadata().getName()));
      assertTrue(events.contains("Normal SuccessfulDelete Deleted pod: " + p.getMetadata().getName()));
      Pod cached = caches.indexer(Pod.class).getByKey("ns/" + p.getMetadata().getName());
      caches.put(new PodBuilder(cached).editMetadata().withDeletionTimestamp("2024-01-01T00:00:10Z").endMetadata()
          .build());
    }
    drain();
    assertTrue(events.contains("Normal Suspended Job suspended"), events.toString());
    JobCondition c = suspendedCondition();
    assertEquals(List.of("True", "JobSuspended", "Job suspended", "2024-01-01T00:00:10Z", "2024-01-01T00:00:10Z"),
        List.of(c.getStatus(), c.getReason(), c.getMessage(), c.getLastProbeTime(), c.getLastTransitionTime()));
    assertNull(stored().getStatus().getActive());
    assertEquals(0, stored().getStatus().getReady());
    assertEquals(2, stored().getStatus().getTerminating(), "deleted, not yet gone");
    assertEquals("2024-01-01T00:00:00Z", stored().getStatus().getStartTime(), "upstream 1.32 keeps it");

    // the kubelet stops the containers (SIGTERM: exit 143, so the pods fail) and the pods go away
    for (Pod p : first) {
      caches.put(new PodBuilder(failedWith(p, 143)).editMetadata().withDeletionTimestamp("2024-01-01T00:00:10Z")
          .endMetadata().build());
    }
    drain();
    assertNull(stored().getStatus().getFailed(), "pods removed by a suspension are not failures");
    assertEquals(0, stored().getStatus().getTerminating());
    assertEquals(List.of("Suspended/JobSuspended/Job suspended"), conditions(), "backoffLimit 0 not passed");
    first.forEach(caches::remove);
    drain();
    assertEquals(2, creates(), "nothing started while suspended");

    clock.advance(Duration.ofSeconds(60));
    caches.put(suspended(stored(), false));
    drain();
    assertEquals(4, creates());
    assertEquals(2, active().size());
    c = suspendedCondition();
    assertEquals(List.of("False", "JobResumed", "Job resumed", "2024-01-01T00:01:10Z", "2024-01-01T00:01:10Z"),
        List.of(c.getStatus(), c.getReason(), c.getMessage(), c.getLastProbeTime(), c.getLastTransitionTime()));
    assertEquals("2024-01-01T00:01:10Z", stored().getStatus().getStartTime(), "the deadline clock restarts");
    assertEquals(2, stored().getStatus().getActive());
    assertTrue(events.indexOf("Normal Resumed Job resumed") > events.indexOf("Normal Suspended Job suspended"));
    assertEquals(1, events.stream().filter(e -> e.equals("Normal Resumed Job resumed")).count());
    runToCompletion();
    assertEquals(List.of("Suspended/JobResumed/Job resumed",
        "SuccessCriteriaMet/CompletionsReached/Reached expected number of succeeded pods",
        "Complete/CompletionsReached/Reached expected number of succeeded pods"), conditions());
    assertNull(stored().getStatus().getFailed());
  }

  @Test
  void aJobCreatedSuspendedStartsNoPodAndHasNoStartTime() throws Exception {
    caches.put(suspended(job(1, 1, "NonIndexed"), true));
    drain();
    controller.enqueue("ns/work");
    drain();
    assertEquals(0, creates());
    assertEquals(List.of("Suspended/JobSuspended/Job suspended"), conditions());
    assertEquals("True", suspendedCondition().getStatus());
    assertEquals(null, stored().getStatus().getStartTime());
    assertNull(stored().getStatus().getActive());
    assertEquals(List.of("Normal Suspended Job suspended"), events, "once");

    clock.advance(Duration.ofSeconds(30));
    caches.put(suspended(stored(), false));
    drain();
    assertEquals(1, creates());
    assertEquals("2024-01-01T00:00:30Z", stored().getStatus().getStartTime());
    assertEquals(List.of("Suspended/JobResumed/Job resumed"), conditions());
    assertEquals("False", suspendedCondition().getStatus());
    assertTrue(events.contains("Normal Resumed Job resumed"));
  }

  @Test
  void aJobThatWasNeverSuspendedGetsNoSuspendedCondition() throws Exception {
    caches.put(job(1, 1, "NonIndexed"));
    runToCompletion();
    assertTrue(conditions().stream().noneMatch(c -> c.startsWith("Suspended")), conditions().toString());
    assertTrue(events.stream().noneMatch(e -> e.contains("Resumed") || e.contains("Suspended")));
  }

  @Test
  void theDeadlineClockStopsWhileSuspendedAndRestartsOnResume() throws Exception {
    caches.put(new JobBuilder(suspended(job(1, 1, "NonIndexed"), true)).editSpec().withActiveDeadlineSeconds(10L)
        .endSpec().build());
    drain();
    clock.advance(Duration.ofSeconds(60));
    controller.enqueue("ns/work");
    drain();
    assertEquals(List.of("Suspended/JobSuspended/Job suspended"), conditions(), "no deadline while suspended");
    caches.put(suspended(stored(), false));
    drain();
    assertEquals(1, active().size());
    clock.advance(Duration.ofSeconds(9));
    controller.enqueue("ns/work");
    drain();
    assertEquals(List.of("Suspended/JobResumed/Job resumed"), conditions(), "9 s active < 10 s");
    clock.advance(Duration.ofSeconds(1));
    controller.enqueue("ns/work");
    drain();
    assertEquals("FailureTarget/DeadlineExceeded/Job was active longer than specified deadline",
        conditions().get(1));
  }

  @Test
  void completedIndexRanges() {
    assertEquals("0-2,4,6-7", JobController.ranges(new TreeSet<>(List.of(0, 1, 2, 4, 6, 7))));
  }

  @Test
  void failedCreateSaysWhatTheApiServerSaid() throws Exception {
    String quota = "pods \"work-1\" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, "
        + "limited: pods=1";
    // what the Fabric8 client throws for a 403: the Status wrapped in the request's details
    ObjectWriter refusing = new CreateRefusingWriter(writer, () -> new KubernetesClientException(
        "Failure executing: POST at: https://127.0.0.1:24443/api/v1/namespaces/ns/pods. Message: " + quota
        + ". Received status: Status(apiVersion=v1, code=403)", 403,
        new StatusBuilder().withCode(403).withReason("Forbidden").withMessage(quota).build()));
    JobController refused = new JobController(new ControllerContext(caches, refusing,
        c -> (o, type, reason, message) -> events.add(type + " " + reason + " " + message), null, null), clock);
    caches.put(job(1, 1, "NonIndexed"));
    try {
      refused.processNextItem();
    } catch (RuntimeException expected) {
      // requeued with backoff in the real work loop
    }
    assertEquals(List.of("Warning FailedCreate Error creating: " + quota), events);
  }

  // ------------------------------------------------------------------ tracking with finalizers

  private Pod cached(Pod p) {
    return caches.indexer(Pod.class).getByKey("ns/" + p.getMetadata().getName());
  }

  private boolean noneUncounted() {
    var u = stored().getStatus().getUncountedTerminatedPods();
    return u != null && (u.getSucceeded() == null || u.getSucceeded().isEmpty())
        && (u.getFailed() == null || u.getFailed().isEmpty());
  }

  private static boolean tracked(Pod p) {
    return p.getMetadata().getFinalizers() != null
        && p.getMetadata().getFinalizers().contains("batch.kubernetes.io/job-tracking");
  }

  @Test
  void podsCarryTheTrackingFinalizerUntilTheirEndIsCounted() throws Exception {
    caches.put(job(2, 1, "NonIndexed"));
    drain();
    Pod first = active().get(0);
    assertTrue(tracked(first), first.toString());
    caches.put(new PodBuilder(first).withNewStatus().withPhase("Succeeded").endStatus().build());
    drain();
    assertEquals(1, stored().getStatus().getSucceeded());
    assertTrue(!tracked(cached(first)), "counted, then let go");
    assertTrue(writer.actions().indexOf("remove-finalizer batch.kubernetes.io/job-tracking Pod ns/"
        + first.getMetadata().getName()) > writer.actions().indexOf("update-status Job ns/work"),
        "the uid is in the status before the finalizer goes: " + writer.actions());
    assertTrue(noneUncounted(), stored().getStatus().toString());
    // pod GC (or a user) deletes the succeeded pod: its success stays counted, no extra pod is started
    caches.remove(cached(first));
    drain();
    assertEquals(1, stored().getStatus().getSucceeded());
    assertEquals(2, creates(), "one more for the second completion, not a replacement");
  }

  @Test
  void aSucceededPodDeletedBeforeItWasCountedStillCounts() throws Exception {
    caches.put(job(1, 1, "NonIndexed"));
    drain();
    Pod p = active().get(0);
    // it succeeded and was deleted at once: the finalizer keeps it, marked for deletion, until it is counted
    caches.put(new PodBuilder(p).editMetadata().withDeletionTimestamp("2024-01-01T00:00:05Z").endMetadata()
        .withNewStatus().withPhase("Succeeded").endStatus().build());
    drain();
    assertEquals(1, stored().getStatus().getSucceeded());
    assertNull(stored().getStatus().getFailed());
    assertEquals(List.of("SuccessCriteriaMet/CompletionsReached/Reached expected number of succeeded pods",
        "Complete/CompletionsReached/Reached expected number of succeeded pods"), conditions());
  }

  @Test
  void aUidLeftInUncountedByAnEarlierControllerIsCountedOnce() throws Exception {
    caches.put(job(2, 1, "NonIndexed"));
    drain();
    Pod p = active().get(0);
    caches.put(new PodBuilder(p).withNewStatus().withPhase("Succeeded").endStatus().build());
    // a controller wrote the uid and died before removing the finalizer
    Job j = stored();
    j.getStatus().setUncountedTerminatedPods(new io.fabric8.kubernetes.api.model.batch.v1.UncountedTerminatedPods(
        List.of(), List.of(p.getMetadata().getUid())));
    caches.put(j);
    JobController restarted = new JobController(new ControllerContext(caches, writer,
        c -> (o, type, reason, message) -> events.add(type + " " + reason + " " + message), null, null), clock);
    restarted.enqueue("ns/work");
    while (restarted.queue().length() > 0) {
      restarted.processNextItem();
    }
    assertEquals(1, stored().getStatus().getSucceeded());
    assertTrue(noneUncounted(), stored().getStatus().toString());
    assertTrue(!tracked(cached(p)));
  }

  @Test
  void aRemovalTheCacheHasNotSeenIsNotCountedTwice() throws Exception {
    caches.put(job(3, 1, "NonIndexed"));
    drain();
    Pod p = active().get(0);
    writer.observeWrites(false); // the informer lags: the pod keeps showing the finalizer
    caches.put(new PodBuilder(p).withNewStatus().withPhase("Succeeded").endStatus().build());
    drain();
    assertTrue(tracked(cached(p)));
    assertEquals(1, stored().getStatus().getSucceeded());
    controller.enqueue("ns/work");
    drain();
    assertEquals(1, stored().getStatus().getSucceeded(), "the expected removal keeps it from a second count");
  }

  @Test
  void podsOfADeletedJobLoseTheFinalizer() throws Exception {
    caches.put(job(1, 1, "NonIndexed"));
    drain();
    Pod p = active().get(0);
    caches.remove(stored()); // deleted with background propagation: the pods are still there
    drain();
    assertTrue(!tracked(cached(p)), "nothing would ever remove it otherwise");
  }

  @Test
  void anOrphanedPodLosesTheFinalizer() throws Exception {
    caches.put(job(1, 1, "NonIndexed"));
    drain();
    Pod p = active().get(0);
    // deleted with orphan propagation: the garbage collector takes the owner reference away
    caches.put(new PodBuilder(p).editMetadata().withOwnerReferences(List.of()).endMetadata().build());
    drain();
    assertTrue(!tracked(cached(p)));
  }

  @Test
  void suspensionLetsThePodsGoBeforeDeletingThem() throws Exception {
    caches.put(job(1, 1, "NonIndexed"));
    drain();
    Pod p = active().get(0);
    caches.put(suspended(stored(), true));
    drain();
    String name = p.getMetadata().getName();
    int released = writer.actions().indexOf("remove-finalizer batch.kubernetes.io/job-tracking Pod ns/" + name);
    assertTrue(released >= 0 && released < writer.actions().indexOf("delete Pod ns/" + name), writer.actions()
        .toString());
  }

  @Test
  void aJobAdoptsMatchingOrphansAndReleasesPodsThatStopMatching() throws Exception {
    Job j = job(1, 1, "NonIndexed");
    j.getSpec().setSelector(new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
        .addToMatchLabels("batch.kubernetes.io/controller-uid", "job-uid").build());
    caches.put(j);
    drain();
    Pod p = active().get(0);
    // orphaned (its owner reference taken away): the job adopts it again, with the tracking finalizer
    caches.put(new PodBuilder(p).editMetadata().withOwnerReferences(List.of()).withFinalizers(List.of())
        .endMetadata().build());
    drain();
    Pod adopted = cached(p);
    assertEquals("job-uid", adopted.getMetadata().getOwnerReferences().get(0).getUid());
    assertTrue(tracked(adopted));
    assertEquals(1, creates(), "its own pod again: nothing new");
    // its labels stop matching: released, without the finalizer
    caches.put(new PodBuilder(adopted).editMetadata().withLabels(java.util.Map.of("x", "y")).endMetadata().build());
    drain();
    Pod released = cached(p);
    assertTrue(released.getMetadata().getOwnerReferences().isEmpty(), released.getMetadata().toString());
    assertTrue(!tracked(released));
    assertEquals(2, creates(), "a replacement for the released pod");
  }

  @Test
  void withPodReplacementPolicyFailedATerminatingPodIsReplacedOnlyOnceItFailed() throws Exception {
    Job j = job(2, 2, "Indexed");
    j.getSpec().setPodReplacementPolicy("Failed");
    caches.put(j);
    drain();
    assertEquals(2, creates());
    Pod p = active().stream().filter(x -> "0".equals(x.getMetadata().getAnnotations()
        .get("batch.kubernetes.io/job-completion-index"))).findFirst().orElseThrow();
    // evicted: being deleted, still running
    caches.put(new PodBuilder(p).editMetadata().withDeletionTimestamp("2024-01-01T00:00:05Z").endMetadata()
        .withNewStatus().withPhase("Running").endStatus().build());
    drain();
    assertEquals(2, creates(), "index 0 is held by its terminating pod");
    caches.put(new PodBuilder(cached(p)).withNewStatus().withPhase("Failed").endStatus().build());
    drain();
    assertEquals(3, creates(), "replaced once it failed");
    assertEquals(1, stored().getStatus().getFailed());
  }

  // ---- backoffLimitPerIndex, maxFailedIndexes, FailIndex, successPolicy (upstream 1.32) ----

  private Job perIndex(int completions, int backoffLimitPerIndex) {
    Job j = job(completions, completions, "Indexed");
    j.getSpec().setBackoffLimitPerIndex(backoffLimitPerIndex);
    j.getSpec().setBackoffLimit(Integer.MAX_VALUE); // as the API server defaults it then
    return j;
  }

  private Pod activeAt(int index) {
    return active().stream().filter(x -> String.valueOf(index).equals(x.getMetadata().getAnnotations()
        .get(JobController.INDEX_ANNOTATION))).findFirst().orElseThrow();
  }

  /** Failed now with that exit code; the Ready condition's transition tells when it ended. */
  private Pod failedNow(Pod p, int exitCode) {
    return new PodBuilder(p).withNewStatus().withPhase("Failed").addNewCondition().withType("Ready")
        .withStatus("False").withLastTransitionTime(clock.instant().toString()).endCondition()
        .addNewContainerStatus().withName("c").withNewState().withNewTerminated().withExitCode(exitCode)
        .endTerminated().endState().endContainerStatus().endStatus().build();
  }

  private void succeed(Pod p) {
    caches.put(new PodBuilder(p).withNewStatus().withPhase("Succeeded").endStatus().build());
  }

  private String failureCount(Pod p) {
    return p.getMetadata().getAnnotations().get(IndexFailures.FAILURE_COUNT);
  }

  @Test
  void anIndexPastItsBackoffLimitPerIndexFailsAndTheJobFailsWithFailedIndexes() throws Exception {
    caches.put(perIndex(3, 1));
    drain();
    assertEquals(3, creates());
    assertEquals("0", failureCount(activeAt(1)), "every pod says how often its index failed before");
    Pod first = activeAt(1);
    caches.put(failedNow(first, 1));
    drain();
    assertEquals(3, creates(), "index 1 waits for its own backoff");
    assertEquals("", stored().getStatus().getFailedIndexes());
    assertTrue(PodTracking.tracked(cached(first)), "the last failed pod of the index stays until replaced");
    clock.advance(Duration.ofSeconds(11));
    controller.enqueue("ns/work");
    drain();
    assertEquals(4, creates(), "replaced after 10 s");
    Pod second = activeAt(1);
    assertEquals("1", failureCount(second), "the replacement carries the count on");
    drain();
    assertTrue(!PodTracking.tracked(cached(first)), "released once its replacement exists");
    assertEquals(1, stored().getStatus().getFailed());
    succeed(activeAt(0));
    succeed(activeAt(2));
    drain();
    assertEquals("0,2", stored().getStatus().getCompletedIndexes());
    caches.put(failedNow(second, 1));
    drain();
    clock.advance(Duration.ofMinutes(10));
    controller.enqueue("ns/work");
    drain();
    assertEquals(4, creates(), "a failed index gets no more pods");
    assertEquals("1", stored().getStatus().getFailedIndexes());
    assertEquals(List.of("FailureTarget/FailedIndexes/Job has failed indexes", "Failed/FailedIndexes/Job has failed "
        + "indexes"), conditions());
    assertEquals(2, stored().getStatus().getFailed());
  }

  @Test
  void moreFailedIndexesThanMaxFailedIndexesFailTheJobAtOnce() throws Exception {
    Job j = perIndex(3, 0);
    j.getSpec().setMaxFailedIndexes(0);
    caches.put(j);
    drain();
    caches.put(failedNow(activeAt(2), 1));
    drain();
    assertEquals("2", stored().getStatus().getFailedIndexes());
    assertTrue(writer.actions().stream().filter(a -> a.startsWith("delete Pod")).count() >= 2,
        "the other indexes' pods are stopped");
    caches.indexer(Pod.class).list().stream().filter(p -> p.getMetadata().getDeletionTimestamp() != null)
        .forEach(caches::remove);
    drain();
    assertEquals("Failed/MaxFailedIndexesExceeded/Job has exceeded the specified maximal number of failed indexes",
        conditions().get(conditions().size() - 1));
  }

  @Test
  void aFailIndexRuleFailsTheIndexAtOnceAndTheOthersGoOn() throws Exception {
    Job j = perIndex(2, 5);
    j.getSpec().setPodFailurePolicy(new io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyBuilder()
        .addNewRule().withAction("FailIndex").withNewOnExitCodes().withOperator("In").withValues(42)
        .endOnExitCodes().endRule().build());
    j.getSpec().setPodReplacementPolicy("Failed");
    caches.put(j);
    drain();
    caches.put(failedNow(activeAt(0), 42));
    drain();
    clock.advance(Duration.ofMinutes(10));
    controller.enqueue("ns/work");
    drain();
    assertEquals("0", stored().getStatus().getFailedIndexes());
    assertEquals(2, creates(), "no retry for index 0 although backoffLimitPerIndex is 5");
    assertTrue(stored().getStatus().getConditions() == null || stored().getStatus().getConditions().isEmpty(),
        "index 1 still runs");
    succeed(activeAt(1));
    drain();
    assertEquals("Failed/FailedIndexes/Job has failed indexes", conditions().get(1));
    assertEquals("1", stored().getStatus().getCompletedIndexes());
  }

  @Test
  void anIgnoredFailureIsCountedApartAndRetriedWithoutUsingTheLimit() throws Exception {
    Job j = perIndex(1, 0);
    j.getSpec().setPodFailurePolicy(new io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyBuilder()
        .addNewRule().withAction("Ignore").withNewOnExitCodes().withOperator("In").withValues(3)
        .endOnExitCodes().endRule().build());
    caches.put(j);
    drain();
    caches.put(failedNow(activeAt(0), 3));
    drain();
    clock.advance(Duration.ofSeconds(11));
    controller.enqueue("ns/work");
    drain();
    Pod retry = activeAt(0);
    assertEquals("0", failureCount(retry));
    assertEquals("1", retry.getMetadata().getAnnotations().get(IndexFailures.IGNORED_FAILURE_COUNT));
    assertEquals("", stored().getStatus().getFailedIndexes());
  }

  @Test
  void aSuccessPolicyMetCompletesTheJobAndStopsTheOtherIndexesWithoutCountingThem() throws Exception {
    Job j = job(3, 3, "Indexed");
    j.getSpec().setSuccessPolicy(new io.fabric8.kubernetes.api.model.batch.v1.SuccessPolicyBuilder()
        .addNewRule().withSucceededIndexes("1-2").withSucceededCount(2).endRule()
        .addNewRule().withSucceededIndexes("0").endRule().build());
    caches.put(j);
    drain();
    succeed(activeAt(0));
    drain();
    assertEquals(List.of("SuccessCriteriaMet/SuccessPolicy/Matched rules at index 1"), conditions());
    assertEquals(2, writer.actions().stream().filter(a -> a.startsWith("delete Pod")).count());
    caches.indexer(Pod.class).list().stream().filter(p -> p.getMetadata().getDeletionTimestamp() != null)
        .forEach(caches::remove);
    drain();
    assertEquals(List.of("SuccessCriteriaMet/SuccessPolicy/Matched rules at index 1",
        "Complete/SuccessPolicy/Matched rules at index 1"), conditions());
    assertNull(stored().getStatus().getFailed(), "the stopped pods are no failures");
    assertEquals("0", stored().getStatus().getCompletedIndexes());
    assertTrue(stored().getStatus().getCompletionTime() != null);
  }

  @Test
  void successPolicyRules() {
    var policy = new io.fabric8.kubernetes.api.model.batch.v1.SuccessPolicyBuilder()
        .addNewRule().withSucceededIndexes("0-3").withSucceededCount(2).endRule()
        .addNewRule().withSucceededCount(3).endRule().build();
    assertEquals(java.util.Optional.empty(), SuccessPolicies.match(policy, 10, new TreeSet<>(List.of(1, 5))));
    assertEquals(java.util.Optional.of("Matched rules at index 0"),
        SuccessPolicies.match(policy, 10, new TreeSet<>(List.of(1, 3))));
    assertEquals(java.util.Optional.of("Matched rules at index 1"),
        SuccessPolicies.match(policy, 10, new TreeSet<>(List.of(1, 5, 7))));
  }

  @Test
  void podsStoppedForASuccessPolicyAreNoFailuresEvenWhenTheStatusWriteWasLost() throws Exception {
    Job j = job(2, 2, "Indexed");
    j.getSpec().setSuccessPolicy(new io.fabric8.kubernetes.api.model.batch.v1.SuccessPolicyBuilder()
        .addNewRule().withSucceededIndexes("0").endRule().build());
    caches.put(j);
    drain();
    // an earlier sync deleted index 1's pod for the met policy, but its status write conflicted: the pod is
    // terminating, still tracked, and the job has no SuccessCriteriaMet yet
    Pod other = activeAt(1);
    succeed(activeAt(0));
    caches.put(new PodBuilder(other).editMetadata().withDeletionTimestamp("2024-01-01T00:00:01Z").endMetadata()
        .withNewStatus().withPhase("Running").endStatus().build());
    drain();
    caches.remove(cached(other));
    drain();
    assertEquals("Complete/SuccessPolicy/Matched rules at index 0", conditions().get(1));
    assertNull(stored().getStatus().getFailed());
  }
}
