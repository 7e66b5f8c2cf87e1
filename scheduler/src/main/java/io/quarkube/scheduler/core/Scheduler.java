package io.quarkube.scheduler.core;

import io.fabric8.kubernetes.api.model.Pod;
import io.quarkube.scheduler.cache.SchedulerCache;
import io.quarkube.scheduler.cache.Snapshot;
import io.quarkube.scheduler.framework.ClusterEvent;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.FitError;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.PostFilterPlugin;
import io.quarkube.scheduler.framework.QueuedPodInfo;
import io.quarkube.scheduler.framework.Status;
import io.quarkube.scheduler.framework.runtime.Framework;
import io.quarkube.scheduler.queue.SchedulingQueue;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * The scheduling loop (upstream's scheduleOne): pop a pod, run the scheduling cycle on the snapshot (one pod at a
 * time, so decisions never race), assume it on the chosen node, Reserve and Permit, then hand the binding cycle
 * (WaitOnPermit, PreBind, Bind) to a pool so the loop can go on with the next pod while the API call is in flight.
 */
public final class Scheduler {
  private static final Logger LOG = Logger.getLogger(Scheduler.class);
  /** Upstream truncates event and condition messages to this many characters. */
  static final int MAX_MESSAGE = 1024;

  private final SchedulerCache cache;
  private final SchedulingQueue queue;
  private final Map<String, Framework> profiles;
  private final PodScheduler algorithm;
  private final Snapshot snapshot = new Snapshot();
  private final ExecutorService binders;
  private final PodStatusWriter writer;
  private final SchedulerMetrics metrics;
  private final Function<PodInfo, Pod> currentPod;
  private final LongSupplier clock;

  /**
   * @param currentPod the pod as the informer knows it now (null when deleted), to drop failures of pods that are
   *     gone or were bound meanwhile
   */
  public Scheduler(SchedulerCache cache, SchedulingQueue queue, Map<String, Framework> profiles,
      PodScheduler algorithm, ExecutorService binders, PodStatusWriter writer, SchedulerMetrics metrics,
      Function<PodInfo, Pod> currentPod, LongSupplier clock) {
    this.cache = cache;
    this.queue = queue;
    this.profiles = profiles;
    this.algorithm = algorithm;
    this.binders = binders;
    this.writer = writer;
    this.metrics = metrics;
    this.currentPod = currentPod;
    this.clock = clock;
    for (Framework f : profiles.values()) {
      f.setSnapshot(() -> snapshot);
    }
  }

  public Snapshot snapshot() {
    return snapshot;
  }

  /** Schedules one pod if one becomes active within {@code waitMillis}; false when none did. */
  public boolean scheduleOne(long waitMillis) throws InterruptedException {
    QueuedPodInfo q = queue.pop(waitMillis, TimeUnit.MILLISECONDS);
    if (q == null) {
      return false;
    }
    long cycle = queue.schedulingCycle();
    PodInfo pod = q.podInfo();
    Framework fwk = profiles.get(schedulerName(pod.pod()));
    if (fwk == null || pod.isTerminating() || cache.contains(pod.key())) {
      queue.done(pod.key());
      return true;
    }
    long start = clock.getAsLong();
    CycleState state = new CycleState();
    cache.updateSnapshot(snapshot);
    ScheduleResult result;
    try {
      result = algorithm.schedule(fwk, state, pod, snapshot);
    } catch (FitError fe) {
      String nominated = null;
      if (fwk.hasPostFilterPlugins() && !(fe instanceof PodScheduler.NoNodesError)) {
        PostFilterPlugin.Result r = fwk.runPostFilterPlugins(state, pod, fe.diagnosis().nodeToStatus);
        if (r.status().isSuccess() || r.status().isRejected()) {
          fe.diagnosis().postFilterMsg = r.status().isSuccess() ? "" : r.status().message();
        } else {
          LOG.warnf("PostFilter failed for pod %s: %s", pod, r.status().message());
        }
        nominated = r.nominatedNodeName();
      }
      metrics.attempt(fwk.profileName(), "unschedulable", clock.getAsLong() - start);
      failed(fwk, q, cycle, Status.unschedulable(fe.getMessage()), fe.diagnosis().unschedulablePlugins, nominated);
      return true;
    } catch (PodScheduler.SchedulingException e) {
      metrics.attempt(fwk.profileName(), "error", clock.getAsLong() - start);
      failed(fwk, q, cycle, e.status(), Set.of(), null);
      return true;
    } catch (RuntimeException e) {
      LOG.errorf(e, "scheduling pod %s failed", pod);
      metrics.attempt(fwk.profileName(), "error", clock.getAsLong() - start);
      failed(fwk, q, cycle, Status.error(e), Set.of(), null);
      return true;
    }

    String host = result.suggestedHost();
    cache.assumePod(pod, host);
    Status s = timed(fwk, "Reserve", () -> fwk.runReservePluginsReserve(state, pod, host));
    if (!s.isSuccess()) {
      fwk.runReservePluginsUnreserve(state, pod, host);
      cache.forgetPod(pod.key());
      metrics.attempt(fwk.profileName(), s.isRejected() ? "unschedulable" : "error", clock.getAsLong() - start);
      failed(fwk, q, cycle, s, s.plugin() == null ? Set.of() : Set.of(s.plugin()), null);
      return true;
    }
    s = timed(fwk, "Permit", () -> fwk.runPermitPlugins(state, pod, host));
    if (!s.isSuccess() && !s.isWait()) {
      fwk.runReservePluginsUnreserve(state, pod, host);
      cache.forgetPod(pod.key());
      metrics.attempt(fwk.profileName(), s.isRejected() ? "unschedulable" : "error", clock.getAsLong() - start);
      failed(fwk, q, cycle, s, s.plugin() == null ? Set.of() : Set.of(s.plugin()), null);
      return true;
    }
    queue.nominator().delete(pod);
    long cycleNanos = clock.getAsLong() - start;
    binders.execute(() -> bindingCycle(fwk, state, q, host, cycle, cycleNanos));
    return true;
  }

  private void bindingCycle(Framework fwk, CycleState state, QueuedPodInfo q, String host, long cycle,
      long cycleNanos) {
    PodInfo pod = q.podInfo();
    long start = clock.getAsLong();
    Status s;
    try {
      s = fwk.waitOnPermit(pod);
      if (s.isSuccess()) {
        s = timed(fwk, "PreBind", () -> fwk.runPreBindPlugins(state, pod, host));
      }
      if (s.isSuccess()) {
        s = timed(fwk, "Bind", () -> fwk.runBindPlugins(state, pod, host));
      }
    } catch (RuntimeException e) {
      s = Status.error(e);
    }
    long now = clock.getAsLong();
    if (s.isSuccess()) {
      cache.finishBinding(pod.key(), now);
      queue.done(pod.key());
      metrics.attempt(fwk.profileName(), "scheduled", cycleNanos + (now - start));
      metrics.podScheduled(fwk.profileName(), now - q.initialAttemptNanos, q.attempts);
      writer.scheduled(pod.pod(), host);
      timed(fwk, "PostBind", () -> {
        fwk.runPostBindPlugins(state, pod, host);
        return Status.SUCCESS;
      });
      return;
    }
    fwk.runReservePluginsUnreserve(state, pod, host);
    cache.forgetPod(pod.key());
    // The room the pod held is free again: pods waiting for room may fit now.
    queue.moveAllToActiveOrBackoff(ClusterEvent.ASSIGNED_POD_DELETE);
    metrics.attempt(fwk.profileName(), s.isRejected() ? "unschedulable" : "error", cycleNanos + (now - start));
    failed(fwk, q, cycle, s, s.plugin() == null ? Set.of() : Set.of(s.plugin()), null);
  }

  /**
   * upstream's handleSchedulingFailure: back to the queue (unless the pod is gone or bound meanwhile), remember a
   * nomination, and tell the user: FailedScheduling event and PodScheduled=False.
   */
  private void failed(Framework fwk, QueuedPodInfo q, long cycle, Status status, Set<String> plugins,
      String nominatedNode) {
    PodInfo pod = q.podInfo();
    boolean rejected = status.isRejected();
    String reason = rejected ? "Unschedulable" : "SchedulerError";
    String message = truncate(status.message());
    if (!rejected) {
      LOG.debugf("error scheduling pod %s: %s", pod, message);
    }
    q.unschedulablePlugins.clear();
    q.unschedulablePlugins.addAll(plugins);
    Pod current = currentPod.apply(pod);
    if (current == null || current.getSpec().getNodeName() != null && !current.getSpec().getNodeName().isEmpty()
        || current.getMetadata().getDeletionTimestamp() != null) {
      queue.done(pod.key());
      return;
    }
    if (nominatedNode != null) {
      if (nominatedNode.isEmpty()) {
        queue.nominator().delete(pod);
      } else {
        queue.nominator().add(pod, nominatedNode);
      }
    }
    queue.addUnschedulable(q, cycle, !rejected);
    writer.schedulingFailed(current, reason, message, nominatedNode);
  }

  static String truncate(String m) {
    if (m.length() <= MAX_MESSAGE) {
      return m;
    }
    return m.substring(0, MAX_MESSAGE - 3) + "...";
  }

  public static String schedulerName(Pod pod) {
    String n = pod.getSpec().getSchedulerName();
    return n == null || n.isEmpty() ? "default-scheduler" : n;
  }

  /** Runs one extension point and reports its duration (upstream's framework_extension_point_duration_seconds). */
  private Status timed(Framework fwk, String extensionPoint, java.util.function.Supplier<Status> run) {
    long t0 = clock.getAsLong();
    Status s = run.get();
    metrics.extensionPoint(fwk.profileName(), extensionPoint, statusLabel(s), clock.getAsLong() - t0);
    return s;
  }

  /** The status as upstream's Code.String(): Success, Error, Unschedulable, UnschedulableAndUnresolvable... */
  static String statusLabel(Status s) {
    return switch (s.code()) {
      case SUCCESS -> "Success";
      case ERROR -> "Error";
      case UNSCHEDULABLE -> "Unschedulable";
      case UNSCHEDULABLE_AND_UNRESOLVABLE -> "UnschedulableAndUnresolvable";
      case WAIT -> "Wait";
      case SKIP -> "Skip";
      case PENDING -> "Pending";
    };
  }
}
