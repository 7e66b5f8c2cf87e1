package io.quarkube.controllers.job;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkube.client.controller.Controller;
import io.quarkube.client.controller.Expectations;
import io.quarkube.client.controller.Keys;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.ObjectWriter;
import io.quarkube.controllers.support.Owners;
import io.quarkube.controllers.support.Pods;
import io.quarkube.machinery.status.WorkloadStatuses;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs Jobs to completion (upstream's {@code job} controller): up to {@code parallelism} pods at a time until
 * {@code completions} succeeded (NonIndexed) or every index 0..completions-1 succeeded once (Indexed: the index in
 * the {@code batch.kubernetes.io/job-completion-index} annotation and {@code JOB_COMPLETION_INDEX}); failed pods are
 * replaced after an exponential backoff (10 s doubling, at most 6 min) until {@code backoffLimit} is passed;
 * {@code activeDeadlineSeconds} fails the job, and so do OnFailure restarts of its pods' containers reaching
 * {@code backoffLimit}. As upstream since 1.31 a job first gets SuccessCriteriaMet or FailureTarget, and Complete or
 * Failed (same reason and message) once none of its pods is terminating any more.
 *
 * <p>{@code spec.suspend} (upstream 1.32): a suspended job deletes its active pods, which then count as neither
 * succeeded nor failed, and gets the condition {@code Suspended=True} (reason JobSuspended, event Suspended); its
 * {@code status.startTime} is only set once it runs and is kept while it is suspended (1.35's clearing of it is
 * behind a feature gate that 1.32 does not have). Resuming turns the condition to False (reason JobResumed, event
 * Resumed), restarts the {@code activeDeadlineSeconds} clock from now and creates pods again.
 *
 * <p>Succeeded and failed pods are counted as upstream since 1.26, through the {@code batch.kubernetes.io/job-tracking}
 * finalizer and {@code status.uncountedTerminatedPods} ({@link PodTracking}): the counters only grow, whatever happens
 * to the pods after they were counted, and a pod deleted before it was counted stays until it is.
 *
 * <p>Indexed Jobs (upstream 1.32) may retry each index on its own ({@code backoffLimitPerIndex}, {@link IndexFailures}):
 * failed indexes go to {@code status.failedIndexes} and get no more pods, and the job fails with FailedIndexes once
 * every index succeeded or failed, or with MaxFailedIndexesExceeded as soon as more than {@code maxFailedIndexes}
 * failed. A met {@code successPolicy} ({@link SuccessPolicies}) ends the job as succeeded (reason SuccessPolicy) and
 * stops its other pods without counting them as failed.
 */
public final class JobController extends Controller<String> {
  public static final String NAME = "job";
  static final String INDEX_ANNOTATION = "batch.kubernetes.io/job-completion-index";
  static final Duration BACKOFF_BASE = Duration.ofSeconds(10);
  static final Duration BACKOFF_MAX = Duration.ofMinutes(6);
  static final String FAILURE_TARGET = "FailureTarget";
  static final String SUCCESS_CRITERIA_MET = "SuccessCriteriaMet";
  static final String COMPLETIONS_REACHED = "CompletionsReached";
  static final String COMPLETIONS_REACHED_MESSAGE = "Reached expected number of succeeded pods";
  static final String SUSPENDED = "Suspended";
  /** Queue keys of pods that carry the tracking finalizer but no (living) Job to count them. */
  private static final String ORPHAN = "orphan-pod:";

  private final Indexer<Job> jobs;
  private final Indexer<Pod> pods;
  private final ObjectWriter writer;
  private final EventRecorder events;
  private final Expectations expectations = new Expectations();
  private final PodTracking tracking = new PodTracking();
  private final PodClaims claims;
  private final Clock clock;

  public JobController(ControllerContext ctx) {
    this(ctx, Clock.systemUTC());
  }

  JobController(ControllerContext ctx, Clock clock) {
    super(NAME);
    this.clock = clock;
    this.jobs = ctx.informers().indexer(Job.class);
    this.pods = ctx.informers().indexer(Pod.class);
    this.writer = ctx.writer();
    this.claims = new PodClaims(writer);
    this.events = ctx.recorder("job-controller");
    ctx.informers().addEventHandler(Job.class, enqueueing(Keys::of));
    ctx.informers().addEventHandler(Pod.class, new ResourceEventHandler<Pod>() {
      @Override
      public void onAdd(Pod p) {
        String key = jobKey(p);
        if (key != null) {
          expectations.creationObserved(key);
          enqueue(key);
        } else {
          orphanSeen(p);
        }
      }

      @Override
      public void onUpdate(Pod o, Pod n) {
        String key = jobKey(n);
        if (key == null) {
          orphanSeen(n);
          return;
        }
        if (PodTracking.tracked(o) && !PodTracking.tracked(n)) {
          tracking.removalObserved(key, n.getMetadata().getUid());
        }
        if (n.getMetadata().getDeletionTimestamp() != null && o.getMetadata().getDeletionTimestamp() == null) {
          // as upstream: a pod being deleted is as good as gone for the expectations
          expectations.deletionObserved(key, n.getMetadata().getUid());
        }
        enqueue(key);
      }

      @Override
      public void onDelete(Pod p, boolean unknown) {
        String key = jobKey(p);
        if (key != null) {
          expectations.deletionObserved(key, p.getMetadata().getUid());
          tracking.removalObserved(key, p.getMetadata().getUid());
          enqueue(key);
        }
      }
    });
    waitForSync(ctx.informers(), Job.class);
    waitForSync(ctx.informers(), Pod.class);
  }

  /**
   * A pod nothing controls: the Jobs whose selector matches it may adopt it; one that still carries the tracking
   * finalizer (its Job let it go: an orphaning delete) must lose it unless one does.
   */
  private void orphanSeen(Pod p) {
    for (Job j : jobs.byIndex("namespace", p.getMetadata().getNamespace())) {
      if (PodClaims.selects(j, p)) {
        enqueue(Keys.of(j));
      }
    }
    if (PodTracking.tracked(p)) {
      enqueue(ORPHAN + Keys.of(p));
    }
  }

  private static String jobKey(Pod p) {
    Optional<OwnerReference> ref = Owners.controllerOf(p);
    return ref.isPresent() && "Job".equals(ref.get().getKind())
        ? Keys.of(p.getMetadata().getNamespace(), ref.get().getName()) : null;
  }

  @Override
  protected void reconcile(String key) {
    if (key.startsWith(ORPHAN)) {
      releaseOrphan(key.substring(ORPHAN.length()));
      return;
    }
    Job cached = jobs.getByKey(key);
    if (cached == null) {
      expectations.forget(key);
      tracking.forget(key);
      releasePodsOfMissingJob(key);
      return;
    }
    Job job = Serialization.clone(cached);
    JobStatus old = job.getStatus() == null ? new JobStatus() : job.getStatus();
    String uid = job.getMetadata().getUid();
    List<Pod> namespacePods = pods.byIndex("namespace", job.getMetadata().getNamespace());
    if (finished(old)) {
      // counted before the job finished; a pod the cache showed late still must not stay behind
      namespacePods.stream().filter(p -> PodTracking.tracked(p)
          && Owners.controllerOf(p).map(r -> uid.equals(r.getUid())).orElse(false)).forEach(p -> untrack(key, p));
      return;
    }
    List<Pod> owned = claims.claim(job, namespacePods);
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    boolean suspended = Boolean.TRUE.equals(job.getSpec().getSuspend());
    boolean deleting = job.getMetadata().getDeletionTimestamp() != null;
    List<Pod> active = owned.stream().filter(Pods::isActive).toList();
    List<Pod> terminating = owned.stream().filter(JobController::isTerminating).toList();
    // The pods this sync may count: tracked ones whose finalizer removal is not already under way. Pods a suspension
    // or a scale-down deleted lost their finalizer first and count neither as succeeded nor as failed.
    Set<String> removing = tracking.expectedRemovals(key);
    List<Pod> tracked = owned.stream()
        .filter(p -> PodTracking.tracked(p) && !removing.contains(p.getMetadata().getUid())).toList();
    PodTracking.Uncounted uncounted = PodTracking.Uncounted.of(old.getUncountedTerminatedPods());
    // upstream's isPodFailed: a pod being deleted before it finished counts as failed too, unless the job asks to
    // replace only Failed pods (podReplacementPolicy Failed, or a podFailurePolicy); podFailurePolicy Ignore
    // leaves a failure out of the count, a FailJob rule ends the Job
    boolean onlyFailed = "Failed".equals(job.getSpec().getPodReplacementPolicy())
        || job.getSpec().getPodFailurePolicy() != null;
    boolean indexed = "Indexed".equals(job.getSpec().getCompletionMode());
    Integer completions = job.getSpec().getCompletions();
    int parallelism = job.getSpec().getParallelism() == null ? 1 : job.getSpec().getParallelism();
    int backoffLimit = job.getSpec().getBackoffLimit() == null ? 6 : job.getSpec().getBackoffLimit();

    String policyFailure = null;
    for (Pod p : owned) {
      if (isFailed(p, onlyFailed) && policyFailure == null) {
        var decision = PodFailurePolicies.evaluate(job, p);
        if (decision.isPresent() && PodFailurePolicies.FAIL_JOB.equals(decision.get().action())) {
          policyFailure = decision.get().message();
        }
      }
    }
    TreeSet<Integer> previousIndexes = indexed ? parseRanges(old.getCompletedIndexes()) : new TreeSet<>();
    TreeSet<Integer> doneIndexes = new TreeSet<>(previousIndexes);
    int newSucceeded = 0;
    int newFailed = 0;
    for (Pod p : tracked) {
      String podUid = p.getMetadata().getUid();
      if ("Succeeded".equals(phase(p))) {
        if (indexed) {
          validIndex(p, completions).ifPresent(doneIndexes::add);
        } else if (!uncounted.succeeded.contains(podUid) && !uncounted.failed.contains(podUid)) {
          newSucceeded++;
        }
      } else if (isFailed(p, onlyFailed) && !uncounted.failed.contains(podUid) && countsAsFailure(job, p)) {
        newFailed++;
      }
    }
    // backoffLimitPerIndex: failed indexes are recorded in the status as they are seen, like completed ones
    boolean perIndex = IndexFailures.enabled(job);
    TreeSet<Integer> failedIndexes = perIndex ? parseRanges(old.getFailedIndexes()) : new TreeSet<>();
    if (perIndex) {
      for (Pod p : tracked) {
        if (isFailed(p, onlyFailed) && IndexFailures.failsIndex(job, p)) {
          validIndex(p, completions).filter(i -> !doneIndexes.contains(i)).ifPresent(failedIndexes::add);
        }
      }
    }
    int succeeded = indexed ? doneIndexes.size()
        : count(old.getSucceeded()) + uncounted.succeeded.size() + newSucceeded;
    int failed = count(old.getFailed()) + uncounted.failed.size() + newFailed;

    // per index, the failed pod its next pod replaces (and takes the failure counts from); a pod deleted without
    // its finalizer (a suspension, a scale-down) was no failure
    Map<Integer, Pod> lastFailed = perIndex ? IndexFailures.lastFailed(owned.stream()
        .filter(p -> "Failed".equals(phase(p)) || isFailed(p, onlyFailed) && PodTracking.tracked(p)).toList(),
        p -> validIndex(p, completions), JobController::finishedAt) : Map.of();

    JobStatusBuilder st = new JobStatusBuilder(old);
    // set when the job first runs, never while it is suspended (upstream keeps it during a suspension)
    String startTime = old.getStartTime() != null || suspended ? old.getStartTime() : now.toString();
    List<JobCondition> conditions = old.getConditions() == null ? new ArrayList<>()
        : new ArrayList<>(old.getConditions());
    Duration requeue = null;

    // Since 1.31 a job first gets the interim FailureTarget / SuccessCriteriaMet condition, and the terminal
    // Failed / Complete one (same reason and message) only once none of its pods is still terminating
    JobCondition failureTarget = trueCondition(conditions, FAILURE_TARGET);
    JobCondition successMet = trueCondition(conditions, SUCCESS_CRITERIA_MET);
    String failure = null;
    String failureMessage = null;
    if (failureTarget != null) {
      failure = failureTarget.getReason();
      failureMessage = failureTarget.getMessage();
    } else if (successMet != null) {
      // decided: only waits for its pods to terminate
    } else if (policyFailure != null) {
      failure = "PodFailurePolicy";
      failureMessage = policyFailure;
    } else if (failed > backoffLimit || pastBackoffLimitOnFailure(job, active, backoffLimit)) {
      failure = "BackoffLimitExceeded";
      failureMessage = "Job has reached the specified backoff limit";
    } else if (job.getSpec().getActiveDeadlineSeconds() != null && !suspended && startTime != null) {
      // a suspended job's clock is stopped; a resumed one is checked against the start time it had (upstream
      // restarts the clock below, after this check)
      Instant deadline = Instant.parse(startTime).plusSeconds(job.getSpec().getActiveDeadlineSeconds());
      if (!now.isBefore(deadline)) {
        failure = "DeadlineExceeded";
        failureMessage = "Job was active longer than specified deadline";
      } else {
        requeue = Duration.between(now, deadline).plusSeconds(1);
      }
    }
    if (failure == null && successMet == null && perIndex) {
      Integer maxFailed = job.getSpec().getMaxFailedIndexes();
      if (maxFailed != null && failedIndexes.size() > maxFailed) {
        failure = "MaxFailedIndexesExceeded";
        failureMessage = "Job has exceeded the specified maximal number of failed indexes";
      } else if (!failedIndexes.isEmpty() && failedIndexes.size() + doneIndexes.size() >= completions) {
        failure = "FailedIndexes";
        failureMessage = "Job has failed indexes";
      }
    }
    String successReason = successMet != null ? successMet.getReason() : COMPLETIONS_REACHED;
    String successMessage = successMet != null ? successMet.getMessage() : COMPLETIONS_REACHED_MESSAGE;
    boolean complete = successMet != null;
    if (failure == null && !complete && indexed) {
      Optional<String> matched = SuccessPolicies.match(job.getSpec().getSuccessPolicy(), completions, doneIndexes);
      if (matched.isPresent()) {
        complete = true;
        successReason = SuccessPolicies.REASON;
        successMessage = matched.get();
      }
    }
    if (!complete) {
      complete = completions != null ? succeeded >= completions : succeeded > 0 && active.isEmpty();
    }
    int stillTerminating = terminating.size();
    boolean managed = false;
    if (failure != null) {
      deleteAll(key, job, active, false);
      stillTerminating += active.size();
      if (failureTarget == null) {
        conditions.add(condition(FAILURE_TARGET, failure, failureMessage, now));
      }
      active = List.of();
    } else if (complete) {
      deleteAll(key, job, active, false);
      stillTerminating += active.size();
      if (successMet == null) {
        conditions.add(condition(SUCCESS_CRITERIA_MET, successReason, successMessage, now));
      }
      active = List.of();
    } else if (expectations.satisfied(key) && !deleting) {
      managed = true;
      if (suspended) {
        deleteAll(key, job, active, true);
        stillTerminating += active.size();
        active = List.of();
      } else {
        // with backoffLimitPerIndex each index waits on its own (below), not the job as a whole
        Duration wait = perIndex ? null : backoff(owned, failed, now);
        if (wait != null) {
          requeue = min(requeue, wait);
        } else {
          // podReplacementPolicy Failed (also implied by a podFailurePolicy): a pod being deleted is replaced only
          // once it has failed, so until then it holds its place (and its index)
          List<Pod> holding = onlyFailed ? terminating : List.of();
          TreeSet<Integer> busy = new TreeSet<>(doneIndexes);
          busy.addAll(failedIndexes);
          for (var e : lastFailed.entrySet()) {
            Duration left = IndexFailures.remaining(e.getValue(), finishedAt(e.getValue()), now, BACKOFF_BASE,
                BACKOFF_MAX);
            if (left != null && !busy.contains(e.getKey())) {
              busy.add(e.getKey());
              requeue = min(requeue, left);
            }
          }
          active = manage(key, job, active, holding, succeeded + failedIndexes.size(), completions, parallelism,
              indexed, busy, lastFailed);
        }
      }
    }
    // as upstream, the Suspended condition follows spec.suspend only in a sync that managed the pods
    if (managed) {
      if (suspended) {
        if (ensureCondition(conditions, SUSPENDED, "True", "JobSuspended", "Job suspended", now)) {
          events.normal(job, "Suspended", "Job suspended");
        }
      } else if (ensureCondition(conditions, SUSPENDED, "False", "JobResumed", "Job resumed", now)) {
        events.normal(job, "Resumed", "Job resumed");
        // activeDeadlineSeconds counts the time the job is continuously active
        startTime = now.toString();
      }
    }
    st.withStartTime(startTime);
    st.withTerminating(stillTerminating);
    st.withActive(active.size()).withReady((int) active.stream().filter(Pods::isReady).count())
        .withConditions(conditions);

    // The finished pods go into uncountedTerminatedPods (written first), lose their finalizer, and only then into
    // the counters. When the job is finishing or being deleted every tracked pod is let go; on a failure the ones
    // that did not succeed count as failed (upstream: "every non-terminated pod is considered failed").
    boolean finishing = failure != null || complete;
    Set<String> delayed = finishing || deleting ? Set.of()
        : delayedRelease(lastFailed, doneIndexes, failedIndexes, active);
    List<Pod> release = new ArrayList<>();
    for (Pod p : tracked) {
      String podUid = p.getMetadata().getUid();
      // A job that succeeded stops its other pods, which are no failures; a sync retried after its status write
      // conflicted sees them terminating, still tracked, and must not count them then either.
      boolean podFailed = isFailed(p, onlyFailed) && !(complete && failure == null && isTerminating(p));
      if (!(deleting || finishing || podFailed || "Succeeded".equals(phase(p))) || delayed.contains(podUid)) {
        continue;
      }
      release.add(p);
      if ("Succeeded".equals(phase(p))) {
        if (!indexed && !uncounted.failed.contains(podUid)) {
          uncounted.succeeded.add(podUid);
        }
      } else if ((podFailed || failure != null) && !uncounted.failed.contains(podUid)
          && (!indexed || validIndex(p, completions).isPresent()) && countsAsFailure(job, p)) {
        uncounted.failed.add(podUid);
      }
    }
    st.withUncountedTerminatedPods(uncounted.toStatus());
    if (indexed) {
      st.withCompletedIndexes(ranges(doneIndexes));
    }
    if (perIndex) {
      // as upstream, a job with backoffLimitPerIndex always shows failedIndexes, "" while none failed
      String failedRanges = ranges(failedIndexes);
      st.withFailedIndexes(failedRanges == null ? "" : failedRanges);
    }
    JobStatus written = writeStatus(job, old, st.withSucceeded(count(old.getSucceeded()))
        .withFailed(count(old.getFailed())).build());
    if (written == null) {
      return; // the job is gone
    }
    Set<String> stillTracked = new java.util.HashSet<>();
    tracked.forEach(p -> stillTracked.add(p.getMetadata().getUid()));
    RuntimeException releaseFailure = null;
    for (Pod p : release) {
      try {
        untrack(key, p);
        stillTracked.remove(p.getMetadata().getUid());
      } catch (RuntimeException e) {
        releaseFailure = releaseFailure == null ? e : releaseFailure;
      }
    }
    // uids whose pods no longer carry the finalizer (or are gone) move into the counters
    int movedSucceeded = moveCounted(uncounted.succeeded, stillTracked);
    int movedFailed = moveCounted(uncounted.failed, stillTracked);
    JobStatusBuilder after = new JobStatusBuilder(written)
        .withUncountedTerminatedPods(uncounted.toStatus())
        .withFailed(count(written.getFailed()) + movedFailed);
    after.withSucceeded(indexed ? doneIndexes.size() : count(written.getSucceeded()) + movedSucceeded);
    List<JobCondition> finalConditions = new ArrayList<>(conditions);
    if (finishing && stillTerminating == 0 && uncounted.isEmpty() && releaseFailure == null) {
      if (failure != null) {
        finalConditions.add(condition("Failed", failure, failureMessage, now));
        events.warning(job, failure, failureMessage);
      } else {
        finalConditions.add(condition("Complete", successReason, successMessage, now));
        after.withCompletionTime(now.toString());
        events.normal(job, "Completed", "Job completed");
      }
      after.withConditions(finalConditions);
    }
    JobStatus done = writeStatus(job, written, after.build());
    if (releaseFailure != null) {
      throw releaseFailure;
    }
    if (requeue != null && done != null && !finished(done)) {
      queue.addAfter(key, requeue);
    }
  }

  /**
   * Writes the status when it differs from {@code current}; the status as stored (or {@code current} unchanged),
   * null when the job is gone.
   */
  private JobStatus writeStatus(Job job, JobStatus current, JobStatus next) {
    // As the API server stores it (no active/succeeded/failed 0), so an unchanged status compares equal.
    JobStatus wanted = WorkloadStatuses.normalize(next);
    if (Serialization.asJson(wanted).equals(Serialization.asJson(current))) {
      return current;
    }
    try {
      Job stored = writer.updateStatus(new JobBuilder(job).withStatus(wanted).build());
      job.getMetadata().setResourceVersion(stored.getMetadata().getResourceVersion());
      return stored.getStatus() == null ? wanted : stored.getStatus();
    } catch (RuntimeException e) {
      if (ApiErrors.isNotFound(e)) {
        return null;
      }
      throw e;
    }
  }

  /** Takes out of {@code uids} those whose pods no longer carry the finalizer; how many. */
  private static int moveCounted(Set<String> uids, Set<String> stillTracked) {
    int before = uids.size();
    uids.removeIf(u -> !stillTracked.contains(u));
    return before - uids.size();
  }

  private static int count(Integer n) {
    return n == null ? 0 : n;
  }

  /** Removes the tracking finalizer, expecting the informer to show it. */
  private void untrack(String key, Pod p) {
    String podUid = p.getMetadata().getUid();
    tracking.expectRemoval(key, podUid);
    try {
      writer.removeFinalizer(p, PodTracking.FINALIZER);
    } catch (RuntimeException e) {
      tracking.removalObserved(key, podUid);
      throw e;
    }
  }

  /** A pod whose controlling Job is gone keeps no finalizer of this controller (upstream's orphan pod sync). */
  private void releasePodsOfMissingJob(String key) {
    int slash = key.indexOf('/');
    String ns = key.substring(0, slash);
    String name = key.substring(slash + 1);
    for (Pod p : pods.byIndex("namespace", ns)) {
      if (PodTracking.tracked(p) && Owners.controllerOf(p)
          .map(r -> "Job".equals(r.getKind()) && name.equals(r.getName())).orElse(false)) {
        writer.removeFinalizer(p, PodTracking.FINALIZER);
      }
    }
  }

  private void releaseOrphan(String podKey) {
    Pod p = pods.getByKey(podKey);
    if (p == null || !PodTracking.tracked(p)) {
      return;
    }
    Optional<OwnerReference> ref = Owners.controllerOf(p);
    if (ref.isEmpty() && jobs.byIndex("namespace", p.getMetadata().getNamespace()).stream()
        .anyMatch(j -> PodClaims.selects(j, p) && j.getMetadata().getDeletionTimestamp() == null && running(j))) {
      return; // a living Job selects it and adopts it (keeping the finalizer): releasing it would race the adoption
    }
    if (ref.isPresent() && "Job".equals(ref.get().getKind())) {
      Job job = jobs.getByKey(Keys.of(p.getMetadata().getNamespace(), ref.get().getName()));
      if (job != null && job.getMetadata().getUid().equals(ref.get().getUid()) && running(job)) {
        return; // adopted again: its job counts it
      }
    }
    writer.removeFinalizer(p, PodTracking.FINALIZER);
  }

  /** The pod's completion index when it is one of the job's (below completions). */
  private static Optional<Integer> validIndex(Pod p, Integer completions) {
    return index(p).filter(i -> i >= 0 && (completions == null || i < completions));
  }

  /** Failed, or deleted before it finished unless only Failed pods are replaced (upstream's isPodFailed). */
  private static boolean isFailed(Pod p, boolean onlyFailed) {
    return "Failed".equals(phase(p)) || (!onlyFailed && isTerminating(p));
  }

  /** A failure the podFailurePolicy does not ignore. */
  private static boolean countsAsFailure(Job job, Pod p) {
    var decision = PodFailurePolicies.evaluate(job, p);
    return decision.isEmpty() || !PodFailurePolicies.IGNORE.equals(decision.get().action());
  }

  /**
   * Creates or deletes pods toward min(parallelism, remaining completions) less the {@code holding} pods (terminating
   * ones that are not replaced yet); returns the pods now active. A job without completions that saw a success
   * leaves the pods still running alone (upstream: "leave whatever is running, running").
   */
  private List<Pod> manage(String key, Job job, List<Pod> active, List<Pod> holding, int succeeded,
      Integer completions, int parallelism, boolean indexed, TreeSet<Integer> unavailable,
      Map<Integer, Pod> replaced) {
    int want;
    if (completions == null) {
      want = succeeded > 0 ? active.size() : parallelism - holding.size();
    } else {
      want = Math.min(parallelism, completions - succeeded - holding.size());
    }
    want = Math.max(0, want);
    if (active.size() > want) {
      List<Pod> extra = active.stream().sorted((a, b) -> Pods.created(b).compareTo(Pods.created(a)))
          .limit(active.size() - want).toList();
      deleteAll(key, job, extra, true);
      List<Pod> kept = new ArrayList<>(active);
      kept.removeAll(extra);
      return kept;
    }
    List<Integer> indexes = new ArrayList<>();
    if (indexed) {
      TreeSet<Integer> busy = new TreeSet<>(unavailable);
      active.forEach(p -> index(p).ifPresent(busy::add));
      holding.forEach(p -> index(p).ifPresent(busy::add));
      for (int i = 0; i < completions && indexes.size() < want - active.size(); i++) {
        if (!busy.contains(i)) {
          indexes.add(i);
        }
      }
    } else {
      for (int i = active.size(); i < want; i++) {
        indexes.add(null);
      }
    }
    if (indexes.isEmpty()) {
      return active;
    }
    expectations.expectCreations(key, indexes.size());
    List<Pod> now = new ArrayList<>(active);
    for (int i = 0; i < indexes.size(); i++) {
      try {
        Integer index = indexes.get(i);
        Pod created = writer.create(podFor(job, index, index == null ? null : replaced.get(index)));
        now.add(created);
        events.normal(job, "SuccessfulCreate", "Created pod: %s", created.getMetadata().getName());
      } catch (RuntimeException e) {
        for (int j = i; j < indexes.size(); j++) {
          expectations.creationObserved(key);
        }
        if (ApiErrors.isNamespaceTerminating(e)) {
          return now; // the namespace goes, and this job with it
        }
        events.warning(job, "FailedCreate", "Error creating: %s", ApiErrors.message(e));
        throw e;
      }
    }
    return now;
  }

  private Pod podFor(Job job, Integer index, Pod replaced) {
    PodTemplateSpec t = Serialization.clone(job.getSpec().getTemplate());
    Map<String, String> labels = t.getMetadata() == null || t.getMetadata().getLabels() == null ? new HashMap<>()
        : new HashMap<>(t.getMetadata().getLabels());
    labels.putIfAbsent("batch.kubernetes.io/controller-uid", job.getMetadata().getUid());
    labels.putIfAbsent("batch.kubernetes.io/job-name", job.getMetadata().getName());
    labels.putIfAbsent("controller-uid", job.getMetadata().getUid());
    labels.putIfAbsent("job-name", job.getMetadata().getName());
    Map<String, String> annotations = t.getMetadata() == null || t.getMetadata().getAnnotations() == null
        ? new HashMap<>() : new HashMap<>(t.getMetadata().getAnnotations());
    String generateName = job.getMetadata().getName() + "-";
    if (index != null) {
      annotations.put(INDEX_ANNOTATION, String.valueOf(index));
      if (IndexFailures.enabled(job)) {
        annotations.putAll(IndexFailures.annotationsFor(job, replaced));
      }
      labels.put(INDEX_ANNOTATION, String.valueOf(index));
      generateName = job.getMetadata().getName() + "-" + index + "-";
      for (Container c : t.getSpec().getContainers()) {
        c.getEnv().add(new EnvVarBuilder().withName("JOB_COMPLETION_INDEX").withNewValueFrom().withNewFieldRef()
            .withFieldPath("metadata.annotations['" + INDEX_ANNOTATION + "']").endFieldRef().endValueFrom().build());
      }
      if (t.getSpec().getHostname() == null) {
        t.getSpec().setHostname(job.getMetadata().getName() + "-" + index);
      }
    }
    List<String> finalizers = t.getMetadata() == null || t.getMetadata().getFinalizers() == null
        ? new ArrayList<>() : new ArrayList<>(t.getMetadata().getFinalizers());
    if (!finalizers.contains(PodTracking.FINALIZER)) {
      finalizers.add(PodTracking.FINALIZER);
    }
    return new PodBuilder().withNewMetadata().withNamespace(job.getMetadata().getNamespace())
        .withGenerateName(generateName).withLabels(labels).withAnnotations(annotations).withFinalizers(finalizers)
        .withOwnerReferences(Owners.controllerRef(job)).endMetadata().withSpec(t.getSpec()).build();
  }

  /**
   * The failed pods that keep their tracking finalizer a while (upstream's podsWithDelayedDeletionPerIndex): the last
   * failed pod of an index that is neither done nor failed, until a pod replacing it is active, so its failure counts
   * cannot vanish with it before they are carried on.
   */
  private static Set<String> delayedRelease(Map<Integer, Pod> lastFailed, Set<Integer> doneIndexes,
      Set<Integer> failedIndexes, List<Pod> active) {
    Set<Integer> running = new java.util.HashSet<>();
    active.forEach(p -> index(p).ifPresent(running::add));
    Set<String> out = new java.util.HashSet<>();
    lastFailed.forEach((i, p) -> {
      if (!doneIndexes.contains(i) && !failedIndexes.contains(i) && !running.contains(i)) {
        out.add(p.getMetadata().getUid());
      }
    });
    return out;
  }

  private static Duration min(Duration a, Duration b) {
    return a == null || b.compareTo(a) < 0 ? b : a;
  }

  /** Time left before a replacement may start after the last failure: 10 s * 2^(failures-1), at most 6 min. */
  private static Duration backoff(List<Pod> owned, int failed, Instant now) {
    if (failed == 0) {
      return null;
    }
    Instant last = owned.stream().filter(p -> "Failed".equals(phase(p))).map(JobController::finishedAt)
        .max(Instant::compareTo).orElse(Instant.EPOCH);
    long factor = 1L << Math.min(failed - 1, 10);
    Duration delay = BACKOFF_BASE.multipliedBy(factor);
    if (delay.compareTo(BACKOFF_MAX) > 0) {
      delay = BACKOFF_MAX;
    }
    Instant next = last.plus(delay);
    return now.isBefore(next) ? Duration.between(now, next) : null;
  }

  /**
   * When the pod ended, as upstream's getFinishedTime: its containers' latest termination, else the Ready condition's
   * last change, else its creation.
   */
  private static Instant finishedAt(Pod p) {
    Instant last = null;
    if (p.getStatus() != null && p.getStatus().getContainerStatuses() != null) {
      for (ContainerStatus s : p.getStatus().getContainerStatuses()) {
        if (s.getState() != null && s.getState().getTerminated() != null
            && s.getState().getTerminated().getFinishedAt() != null) {
          Instant t = Instant.parse(s.getState().getTerminated().getFinishedAt());
          last = last == null || t.isAfter(last) ? t : last;
        }
      }
    }
    if (last != null) {
      return last;
    }
    if (p.getStatus() != null && p.getStatus().getConditions() != null) {
      for (var c : p.getStatus().getConditions()) {
        if ("Ready".equals(c.getType()) && c.getLastTransitionTime() != null) {
          return Instant.parse(c.getLastTransitionTime());
        }
      }
    }
    return Pods.created(p);
  }

  /**
   * Deletes the pods with Normal SuccessfulDelete / Warning FailedDelete events as upstream's pod control;
   * {@code uncounted}: a suspension or a scale-down, whose pods count neither as succeeded nor failed, so they lose
   * their tracking finalizer before they are deleted (upstream's deleteJobPods).
   */
  private void deleteAll(String key, Job job, List<Pod> victims, boolean uncounted) {
    if (victims.isEmpty()) {
      return;
    }
    expectations.expectDeletions(key, victims.stream().map(p -> p.getMetadata().getUid()).toList());
    for (Pod p : victims) {
      String uid = p.getMetadata().getUid();
      try {
        if (uncounted && PodTracking.tracked(p)) {
          untrack(key, p);
        }
        writer.delete(p, null);
        events.normal(job, "SuccessfulDelete", "Deleted pod: %s", p.getMetadata().getName());
      } catch (RuntimeException e) {
        expectations.deletionObserved(key, uid);
        if (!ApiErrors.isNotFound(e)) {
          events.warning(job, "FailedDelete", "Error deleting: %s", ApiErrors.message(e));
          throw e;
        }
      }
    }
  }

  private static Optional<Integer> index(Pod p) {
    Map<String, String> a = p.getMetadata().getAnnotations();
    try {
      return a == null || a.get(INDEX_ANNOTATION) == null ? Optional.empty()
          : Optional.of(Integer.parseInt(a.get(INDEX_ANNOTATION)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** "0-2,4,6-7" as upstream writes completedIndexes. */
  static String ranges(TreeSet<Integer> indexes) {
    if (indexes.isEmpty()) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    Integer start = null;
    Integer prev = null;
    for (int i : indexes) {
      if (start == null) {
        start = i;
      } else if (i != prev + 1) {
        append(out, start, prev);
        start = i;
      }
      prev = i;
    }
    append(out, start, prev);
    return out.toString();
  }

  /** The indexes of "0-2,4,6-7" (completedIndexes as stored); malformed parts are skipped. */
  static TreeSet<Integer> parseRanges(String ranges) {
    TreeSet<Integer> out = new TreeSet<>();
    if (ranges == null || ranges.isEmpty()) {
      return out;
    }
    for (String part : ranges.split(",")) {
      try {
        int dash = part.indexOf('-');
        int from = Integer.parseInt(dash < 0 ? part.trim() : part.substring(0, dash).trim());
        int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1).trim());
        for (int i = from; i <= to; i++) {
          out.add(i);
        }
      } catch (NumberFormatException e) {
        // not written by a controller: ignored as upstream's parser does
      }
    }
    return out;
  }

  private static void append(StringBuilder out, int from, int to) {
    if (out.length() > 0) {
      out.append(',');
    }
    out.append(from == to ? String.valueOf(from) : from + "-" + to);
  }

  /** Being deleted before it finished: neither active nor done yet (upstream's terminating pods). */
  private static boolean isTerminating(Pod p) {
    String phase = phase(p);
    return p.getMetadata().getDeletionTimestamp() != null && !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }

  /**
   * restartPolicy OnFailure restarts containers in place, so their failures never make a Failed pod: upstream
   * counts the restarts of the active pods' containers (init and main) against backoffLimit instead.
   */
  static boolean pastBackoffLimitOnFailure(Job job, List<Pod> active, int backoffLimit) {
    if (!"OnFailure".equals(job.getSpec().getTemplate().getSpec().getRestartPolicy())) {
      return false;
    }
    int restarts = 0;
    for (Pod p : active) {
      if (!"Running".equals(phase(p)) && !"Pending".equals(phase(p))) {
        continue;
      }
      List<ContainerStatus> statuses = new ArrayList<>();
      if (p.getStatus().getInitContainerStatuses() != null) {
        statuses.addAll(p.getStatus().getInitContainerStatuses());
      }
      if (p.getStatus().getContainerStatuses() != null) {
        statuses.addAll(p.getStatus().getContainerStatuses());
      }
      for (ContainerStatus s : statuses) {
        restarts += s.getRestartCount() == null ? 0 : s.getRestartCount();
      }
    }
    return backoffLimit == 0 ? restarts > 0 : restarts >= backoffLimit;
  }

  private static JobCondition trueCondition(List<JobCondition> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus())).findFirst()
        .orElse(null);
  }

  private static String phase(Pod p) {
    return p.getStatus() == null ? null : p.getStatus().getPhase();
  }

  /** A job without a Complete or Failed condition yet. */
  private static boolean running(Job job) {
    return job.getStatus() == null || !finished(job.getStatus());
  }

  static boolean finished(JobStatus st) {
    return st.getConditions() != null && st.getConditions().stream().anyMatch(c ->
        ("Complete".equals(c.getType()) || "Failed".equals(c.getType())) && "True".equals(c.getStatus()));
  }

  /**
   * Upstream's ensureJobConditionStatus: replaces the condition of that type in place when its status, reason or
   * message differ (both timestamps now), appends it when missing unless it is False. Whether anything changed.
   */
  static boolean ensureCondition(List<JobCondition> conditions, String type, String status, String reason,
      String message, Instant now) {
    JobCondition wanted = new JobConditionBuilder(condition(type, reason, message, now)).withStatus(status).build();
    for (int i = 0; i < conditions.size(); i++) {
      JobCondition c = conditions.get(i);
      if (type.equals(c.getType())) {
        if (status.equals(c.getStatus()) && reason.equals(c.getReason()) && message.equals(c.getMessage())) {
          return false;
        }
        conditions.set(i, wanted);
        return true;
      }
    }
    if ("False".equals(status)) {
      return false;
    }
    conditions.add(wanted);
    return true;
  }

  private static JobCondition condition(String type, String reason, String message, Instant now) {
    return new JobConditionBuilder().withType(type).withStatus("True").withReason(reason).withMessage(message)
        .withLastProbeTime(now.toString()).withLastTransitionTime(now.toString()).build();
  }

  /** For tests. */
  Expectations expectations() {
    return expectations;
  }

}
