package io.quarkube.controllers.ttlafterfinished;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.quarkube.client.controller.Controller;
import io.quarkube.client.controller.Keys;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.ObjectWriter;
import io.quarkube.controllers.support.Owners;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Deletes finished Jobs once {@code ttlSecondsAfterFinished} has passed since they finished (upstream's
 * {@code ttl-after-finished} controller), with background propagation so the GC removes their pods. A Job that is
 * not due yet is requeued for the moment it will be.
 */
public final class TtlAfterFinishedController extends Controller<String> {
  public static final String NAME = "ttl-after-finished";

  private final Indexer<Job> jobs;
  private final ObjectWriter writer;
  private final Clock clock;
  /** The delay the last reconcile asked for (tests). */
  volatile Duration lastRequeue;

  public TtlAfterFinishedController(ControllerContext ctx) {
    this(ctx, Clock.systemUTC());
  }

  TtlAfterFinishedController(ControllerContext ctx, Clock clock) {
    super(NAME);
    this.clock = clock;
    this.jobs = ctx.informers().indexer(Job.class);
    this.writer = ctx.writer();
    ctx.informers().addEventHandler(Job.class, enqueueing(j -> needsCleanup(j) ? Keys.of(j) : null));
    waitForSync(ctx.informers(), Job.class);
  }

  static boolean needsCleanup(Job j) {
    return j.getSpec() != null && j.getSpec().getTtlSecondsAfterFinished() != null && !Owners.isBeingDeleted(j)
        && finishedAt(j) != null;
  }

  @Override
  protected void reconcile(String key) {
    lastRequeue = null;
    Job j = jobs.getByKey(key);
    if (j == null || !needsCleanup(j)) {
      return;
    }
    Instant expireAt = finishedAt(j).plusSeconds(j.getSpec().getTtlSecondsAfterFinished());
    Instant now = clock.instant();
    if (now.isBefore(expireAt)) {
      lastRequeue = Duration.between(now, expireAt);
      queue.addAfter(key, lastRequeue);
      return;
    }
    try {
      writer.delete(j, DeletionPropagation.BACKGROUND);
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e)) {
        throw e;
      }
    }
  }

  /** When the Job got its Complete or Failed condition (upstream reads the condition's transition time). */
  static Instant finishedAt(Job j) {
    if (j.getStatus() == null || j.getStatus().getConditions() == null) {
      return null;
    }
    for (JobCondition c : j.getStatus().getConditions()) {
      if (("Complete".equals(c.getType()) || "Failed".equals(c.getType())) && "True".equals(c.getStatus())) {
        if (c.getLastTransitionTime() != null) {
          return Instant.parse(c.getLastTransitionTime());
        }
        return j.getStatus().getCompletionTime() != null ? Instant.parse(j.getStatus().getCompletionTime())
            : Instant.EPOCH;
      }
    }
    return null;
  }
}
