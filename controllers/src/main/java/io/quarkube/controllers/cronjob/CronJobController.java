package io.quarkube.controllers.cronjob;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkube.client.controller.Controller;
import io.quarkube.client.controller.Keys;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.ObjectWriter;
import io.quarkube.controllers.support.Owners;
import io.quarkube.machinery.cron.CronSchedule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Starts Jobs on a cron schedule (upstream's {@code cronjob} controller, v2): on each reconcile it settles
 * {@code status.active} with the Jobs it owns, finds the most recent missed start time since {@code lastScheduleTime}
 * (bounded by {@code startingDeadlineSeconds}), applies {@code concurrencyPolicy}, creates
 * {@code <cronjob>-<scheduled time in minutes>}, prunes finished Jobs beyond the history limits, and requeues itself
 * for the next start time. The Job name is deterministic, so a retried create after a crash cannot start twice.
 */
public final class CronJobController extends Controller<String> {
  public static final String NAME = "cronjob";
  static final String SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp";
  /** Upstream's limit before it warns that the controller cannot catch up. */
  static final int TOO_MANY_MISSED = 100;
  /** Upstream's nextScheduleDelta: wake a little after the minute so the new time is due. */
  private static final Duration NEXT_DELTA = Duration.ofMillis(100);
  /** How long a Job we just created may be absent from the cache before it counts as gone. */
  private static final Duration CREATE_GRACE = Duration.ofSeconds(30);
  /** How long a Job we created is remembered as ours while it is not in the cached status.active. */
  private static final Duration FORGET_CREATED = Duration.ofMinutes(10);

  private final Indexer<CronJob> cronJobs;
  private final Indexer<Job> jobs;
  private final ObjectWriter writer;
  private final EventRecorder events;
  private final Clock clock;
  /** uid → when created: Jobs this controller made that the cache may not show yet. */
  private final Map<String, Instant> recentlyCreated = new ConcurrentHashMap<>();

  public CronJobController(ControllerContext ctx) {
    this(ctx, Clock.systemUTC());
  }

  CronJobController(ControllerContext ctx, Clock clock) {
    super(NAME);
    this.clock = clock;
    this.cronJobs = ctx.informers().indexer(CronJob.class);
    this.jobs = ctx.informers().indexer(Job.class);
    this.writer = ctx.writer();
    this.events = ctx.recorder("cronjob-controller");
    ctx.informers().addEventHandler(CronJob.class, enqueueing(Keys::of));
    ctx.informers().addEventHandler(Job.class, enqueueing(CronJobController::cronJobKey));
    waitForSync(ctx.informers(), CronJob.class);
    waitForSync(ctx.informers(), Job.class);
  }

  private static String cronJobKey(Job j) {
    Optional<OwnerReference> ref = Owners.controllerOf(j);
    return ref.isPresent() && "CronJob".equals(ref.get().getKind())
        ? Keys.of(j.getMetadata().getNamespace(), ref.get().getName()) : null;
  }

  @Override
  protected void reconcile(String key) {
    CronJob cached = cronJobs.getByKey(key);
    if (cached == null) {
      return;
    }
    CronJob cj = Serialization.clone(cached);
    CronJobStatus old = cj.getStatus() == null ? new CronJobStatus() : cj.getStatus();
    CronJobStatus status = Serialization.clone(old);
    if (status.getActive() == null) {
      status.setActive(new ArrayList<>());
    }
    Instant now = clock.instant();
    String uid = cj.getMetadata().getUid();
    List<Job> owned = jobs.byIndex("namespace", cj.getMetadata().getNamespace()).stream()
        .filter(j -> Owners.controllerOf(j).map(r -> uid.equals(r.getUid())).orElse(false)).toList();

    settleActive(cj, status, owned, now);
    Duration requeue = null;
    if (!Owners.isBeingDeleted(cj)) {
      requeue = schedule(cj, status, owned, now);
      cleanupFinished(cj, owned);
    }
    if (!Serialization.asJson(status).equals(Serialization.asJson(old))) {
      try {
        writer.updateStatus(new CronJobBuilder(cj).withStatus(status).build());
      } catch (RuntimeException e) {
        if (!ApiErrors.isNotFound(e)) {
          throw e;
        }
        return;
      }
    }
    lastRequeue = requeue;
    if (requeue != null) {
      queue.addAfter(key, requeue);
    }
  }

  /** The delay the last reconcile asked for (tests). */
  volatile Duration lastRequeue;

  /** Brings status.active in line with the owned Jobs; notes finished ones (and lastSuccessfulTime). */
  private void settleActive(CronJob cj, CronJobStatus status, List<Job> owned, Instant now) {
    Map<String, Job> byUid = owned.stream().collect(Collectors.toMap(j -> j.getMetadata().getUid(), j -> j,
        (a, b) -> a));
    Set<String> listed = status.getActive().stream().map(ObjectReference::getUid).collect(Collectors.toSet());
    // entries whose Job never showed up in status.active (it finished first, or the status write was lost)
    recentlyCreated.values().removeIf(t -> t.isBefore(now.minus(FORGET_CREATED)));
    for (Job j : owned) {
      String jobUid = j.getMetadata().getUid();
      String finished = finishedType(j);
      if (listed.contains(jobUid)) {
        recentlyCreated.remove(jobUid); // the cached status lists it: our own write came back
      }
      if (finished == null && !listed.contains(jobUid)) {
        if (recentlyCreated.containsKey(jobUid)) {
          status.getActive().add(ref(j)); // ours, but the CronJob cache lags behind the status we wrote
        } else {
          // as upstream: only Jobs this controller started are tracked; one made by hand with this CronJob as
          // controller (kubectl create job --from=cronjob/...) is not active for concurrencyPolicy
          events.warning(cj, "UnexpectedJob", "Saw a job that the controller did not create or forgot: %s",
              j.getMetadata().getName());
        }
      } else if (finished != null && listed.contains(jobUid)) {
        events.normal(cj, "SawCompletedJob", "Saw completed job: %s, condition: %s", j.getMetadata().getName(),
            finished);
        status.getActive().removeIf(r -> jobUid.equals(r.getUid()));
      }
      if ("Complete".equals(finished) && j.getStatus() != null && j.getStatus().getCompletionTime() != null) {
        String done = j.getStatus().getCompletionTime();
        if (status.getLastSuccessfulTime() == null
            || Instant.parse(done).isAfter(Instant.parse(status.getLastSuccessfulTime()))) {
          status.setLastSuccessfulTime(done);
        }
      }
    }
    status.getActive().removeIf(r -> {
      if (byUid.containsKey(r.getUid())) {
        return false;
      }
      Instant created = recentlyCreated.get(r.getUid());
      if (created != null && now.isBefore(created.plus(CREATE_GRACE))) {
        return false; // the cache has not caught up with our own create yet
      }
      recentlyCreated.remove(r.getUid());
      events.normal(cj, "MissingJob", "Active job went missing: %s", r.getName());
      return true;
    });
  }

  /** Starts the Job that is due, if any; returns how long until the next start time (null: never). */
  private Duration schedule(CronJob cj, CronJobStatus status, List<Job> owned, Instant now) {
    CronSchedule schedule;
    try {
      java.time.ZoneId zone = cj.getSpec().getTimeZone() == null ? ZoneOffset.UTC
          : CronSchedule.zone(cj.getSpec().getTimeZone());
      schedule = CronSchedule.parse(cj.getSpec().getSchedule(), zone);
    } catch (IllegalArgumentException e) {
      if (cj.getSpec().getTimeZone() != null && e.getMessage().startsWith("unknown time zone")) {
        events.warning(cj, "UnknownTimeZone", "invalid timeZone: %s: %s", cj.getSpec().getTimeZone(),
            e.getMessage());
      } else {
        events.warning(cj, "UnparseableSchedule", "unparseable schedule: %s : %s", cj.getSpec().getSchedule(),
            e.getMessage());
      }
      return null; // nothing will change until the spec does (which enqueues again)
    }
    if (Boolean.TRUE.equals(cj.getSpec().getSuspend())) {
      return null;
    }
    ZonedDateTime nowZ = now.atZone(schedule.zone());
    Missed missed = mostRecent(cj, schedule, nowZ);
    if (missed.count > TOO_MANY_MISSED) {
      events.warning(cj, "TooManyMissedTimes", "too many missed start times: %d. Set or decrease "
          + ".spec.startingDeadlineSeconds or check clock skew", missed.count);
    }
    Duration untilNext = untilNext(schedule, nowZ);
    if (missed.time == null) {
      return untilNext;
    }
    ZonedDateTime scheduled = missed.time;
    Long deadline = cj.getSpec().getStartingDeadlineSeconds();
    if (deadline != null && scheduled.toInstant().plusSeconds(deadline).isBefore(now)) {
      events.warning(cj, "MissSchedule", "Missed scheduled time to start a job: %s",
          scheduled.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
      return untilNext;
    }
    String jobName = jobName(cj, scheduled);
    if (status.getActive().stream().anyMatch(r -> jobName.equals(r.getName()))) {
      return untilNext; // already started for this time
    }
    Job existing = jobs.getByKey(Keys.of(cj.getMetadata().getNamespace(), jobName));
    if (existing != null) {
      // started for this time before the status saying so was written (upstream: its create's AlreadyExists):
      // our own Job by its name, tracked again if it is ours and still runs
      if (Owners.controllerOf(existing).map(r -> uid(cj).equals(r.getUid())).orElse(false)) {
        if (finishedType(existing) == null) {
          status.getActive().add(ref(existing));
        }
        status.setLastScheduleTime(scheduled.toInstant().toString());
      }
      return untilNext;
    }
    String policy = cj.getSpec().getConcurrencyPolicy() == null ? "Allow" : cj.getSpec().getConcurrencyPolicy();
    if ("Forbid".equals(policy) && !status.getActive().isEmpty()) {
      events.normal(cj, "JobAlreadyActive",
          "Not starting job because prior execution is running and concurrency policy is Forbid");
      return untilNext;
    }
    if ("Replace".equals(policy)) {
      for (ObjectReference r : List.copyOf(status.getActive())) {
        Job j = owned.stream().filter(o -> o.getMetadata().getUid().equals(r.getUid())).findFirst()
            .orElse(null);
        if (j != null) {
          writer.delete(j, DeletionPropagation.BACKGROUND);
          events.normal(cj, "SuccessfulDelete", "Deleted job %s", j.getMetadata().getName());
        }
        status.getActive().remove(r);
      }
    }
    Job created;
    try {
      created = writer.create(jobFor(cj, jobName, scheduled));
      recentlyCreated.put(created.getMetadata().getUid(), now);
      events.normal(cj, "SuccessfulCreate", "Created job %s", jobName);
    } catch (RuntimeException e) {
      if (ApiErrors.isAlreadyExists(e)) {
        return untilNext; // made by an earlier attempt: tracked again by its name once the informer lists it
      }
      if (ApiErrors.isNamespaceTerminating(e)) {
        return null;
      }
      events.warning(cj, "FailedCreate", "Error creating job: %s", ApiErrors.message(e));
      throw e;
    }
    status.getActive().add(ref(created));
    status.setLastScheduleTime(scheduled.toInstant().toString());
    return untilNext;
  }

  record Missed(ZonedDateTime time, long count) {}

  /**
   * The latest start time in (earliest, now], where earliest is lastScheduleTime (else creation) moved up to
   * now - startingDeadlineSeconds; with how many start times were missed.
   */
  static Missed mostRecent(CronJob cj, CronSchedule schedule, ZonedDateTime now) {
    Instant earliest = instant(cj.getMetadata().getCreationTimestamp());
    if (cj.getStatus() != null && cj.getStatus().getLastScheduleTime() != null) {
      earliest = instant(cj.getStatus().getLastScheduleTime());
    }
    Long deadline = cj.getSpec().getStartingDeadlineSeconds();
    if (deadline != null) {
      Instant bound = now.toInstant().minusSeconds(deadline);
      if (bound.isAfter(earliest)) {
        earliest = bound;
      }
    }
    ZonedDateTime t = schedule.next(earliest.atZone(schedule.zone()));
    ZonedDateTime last = null;
    long count = 0;
    // Bounded: the most a schedule can fire is once a minute, and the loop stops at now.
    while (t != null && !t.isAfter(now)) {
      last = t;
      count++;
      t = schedule.next(t);
      if (count == TOO_MANY_MISSED + 1 && t != null) {
        // Past the warning threshold the exact count no longer matters: skip to the last two days (a long
        // outage of a per-minute schedule would otherwise walk every minute since).
        ZonedDateTime recent = schedule.next(now.minusDays(2));
        if (recent != null && recent.isAfter(t) && !recent.isAfter(now)) {
          t = recent;
        }
      }
    }
    return new Missed(last, count);
  }

  private static Duration untilNext(CronSchedule schedule, ZonedDateTime now) {
    ZonedDateTime next = schedule.next(now);
    return next == null ? null : Duration.between(now, next).plus(NEXT_DELTA);
  }

  private static String uid(CronJob cj) {
    return cj.getMetadata().getUid();
  }

  /** Upstream's name: the scheduled time in minutes since the epoch, so each start time maps to one Job. */
  static String jobName(CronJob cj, ZonedDateTime scheduled) {
    return cj.getMetadata().getName() + "-" + scheduled.toEpochSecond() / 60;
  }

  private static Job jobFor(CronJob cj, String name, ZonedDateTime scheduled) {
    ObjectMeta tm = cj.getSpec().getJobTemplate().getMetadata();
    Map<String, String> labels = tm == null || tm.getLabels() == null ? new HashMap<>() : new HashMap<>(tm.getLabels());
    Map<String, String> annotations = tm == null || tm.getAnnotations() == null ? new HashMap<>()
        : new HashMap<>(tm.getAnnotations());
    annotations.put(SCHEDULED_TIMESTAMP, scheduled.truncatedTo(ChronoUnit.SECONDS)
        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    return new JobBuilder().withNewMetadata().withName(name).withNamespace(cj.getMetadata().getNamespace())
        .withLabels(labels).withAnnotations(annotations).withOwnerReferences(Owners.controllerRef(cj)).endMetadata()
        .withSpec(Serialization.clone(cj.getSpec().getJobTemplate().getSpec())).build();
  }

  /** Deletes the oldest finished Jobs beyond successfulJobsHistoryLimit (3) and failedJobsHistoryLimit (1). */
  private void cleanupFinished(CronJob cj, List<Job> owned) {
    int keepOk = cj.getSpec().getSuccessfulJobsHistoryLimit() == null ? 3 : cj.getSpec().getSuccessfulJobsHistoryLimit();
    int keepFailed = cj.getSpec().getFailedJobsHistoryLimit() == null ? 1 : cj.getSpec().getFailedJobsHistoryLimit();
    prune(cj, owned, "Complete", keepOk);
    prune(cj, owned, "Failed", keepFailed);
  }

  private void prune(CronJob cj, List<Job> owned, String type, int keep) {
    List<Job> finished = owned.stream().filter(j -> type.equals(finishedType(j)))
        .filter(j -> !Owners.isBeingDeleted(j))
        .sorted(Comparator.comparing(CronJobController::startedAt)).toList();
    for (int i = 0; i < finished.size() - keep; i++) {
      Job j = finished.get(i);
      try {
        writer.delete(j, DeletionPropagation.BACKGROUND);
        events.normal(cj, "SuccessfulDelete", "Deleted job %s", j.getMetadata().getName());
      } catch (RuntimeException e) {
        if (!ApiErrors.isNotFound(e)) {
          throw e;
        }
      }
    }
  }

  private static Instant startedAt(Job j) {
    if (j.getStatus() != null && j.getStatus().getStartTime() != null) {
      return Instant.parse(j.getStatus().getStartTime());
    }
    return instant(j.getMetadata().getCreationTimestamp());
  }

  /** "Complete", "Failed" or null while the Job runs. */
  static String finishedType(Job j) {
    if (j.getStatus() == null || j.getStatus().getConditions() == null) {
      return null;
    }
    return j.getStatus().getConditions().stream()
        .filter(c -> ("Complete".equals(c.getType()) || "Failed".equals(c.getType())) && "True".equals(c.getStatus()))
        .map(c -> c.getType()).findFirst().orElse(null);
  }

  private static ObjectReference ref(Job j) {
    return new ObjectReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
        .withName(j.getMetadata().getName()).withNamespace(j.getMetadata().getNamespace())
        .withUid(j.getMetadata().getUid()).withResourceVersion(j.getMetadata().getResourceVersion()).build();
  }

  private static Instant instant(String t) {
    return t == null ? Instant.EPOCH : Instant.parse(t);
  }

}
