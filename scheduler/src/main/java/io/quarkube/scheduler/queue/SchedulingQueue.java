package io.quarkube.scheduler.queue;

import io.quarkube.scheduler.framework.ClusterEvent;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.QueuedPodInfo;
import io.quarkube.scheduler.framework.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Upstream's PriorityQueue: pods wait in one of three places.
 * <ul>
 *   <li><b>active</b> — ready to be tried, highest priority first (the profile's QueueSort);</li>
 *   <li><b>backoff</b> — tried and failed recently; they return to active when their backoff (1 s, doubled per
 *   attempt, at most 10 s) runs out;</li>
 *   <li><b>unschedulable</b> — turned down by plugins; they only leave when a cluster event one of those plugins
 *   cares about happens (a node added, a pod deleted, ...), or after 5 minutes regardless.</li>
 * </ul>
 * Pods rejected by PreEnqueue (scheduling gates) are parked apart. A pod popped for scheduling is "in flight"
 * until {@link #done}; updates and deletions that arrive meanwhile are applied when it comes back.
 */
public final class SchedulingQueue {
  /** Unschedulable pods are retried after this long even without a relevant event. */
  public static final Duration MAX_IN_UNSCHEDULABLE = Duration.ofMinutes(5);

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final PriorityQueue<QueuedPodInfo> active;
  private final Map<String, QueuedPodInfo> activeIndex = new HashMap<>();
  private final PriorityQueue<QueuedPodInfo> backoff;
  private final Map<String, QueuedPodInfo> backoffIndex = new HashMap<>();
  private final Map<String, QueuedPodInfo> unschedulable = new HashMap<>();
  private final Map<String, QueuedPodInfo> gated = new HashMap<>();
  /** Popped and not yet done: key -> the latest info (null value when the pod was deleted meanwhile). */
  private final Map<String, PodInfo> inFlight = new HashMap<>();
  private final Map<String, Boolean> inFlightDeleted = new HashMap<>();

  private final long initialBackoffNanos;
  private final long maxBackoffNanos;
  private final LongSupplier clock;
  private final Function<PodInfo, Status> preEnqueue;
  private final Map<String, List<ClusterEvent>> pluginEvents;
  private final Nominator nominator;
  private long schedulingCycle;
  private long moveRequestCycle = -1;
  private boolean closed;

  public SchedulingQueue(Comparator<QueuedPodInfo> order, Function<PodInfo, Status> preEnqueue,
      Map<String, List<ClusterEvent>> pluginEvents, Duration initialBackoff, Duration maxBackoff,
      LongSupplier nanoClock, Nominator nominator) {
    this.active = new PriorityQueue<>(order);
    this.backoff = new PriorityQueue<>(Comparator.comparingLong(this::backoffExpiry));
    this.preEnqueue = preEnqueue;
    this.pluginEvents = pluginEvents;
    this.initialBackoffNanos = initialBackoff.toNanos();
    this.maxBackoffNanos = maxBackoff.toNanos();
    this.clock = nanoClock;
    this.nominator = nominator;
  }

  public Nominator nominator() {
    return nominator;
  }

  /** The backoff of a pod tried {@code attempts} times: initial * 2^(attempts-1), at most the maximum. */
  long backoffDuration(QueuedPodInfo p) {
    long d = initialBackoffNanos;
    for (int i = 1; i < p.attempts; i++) {
      d *= 2;
      if (d > maxBackoffNanos) {
        return maxBackoffNanos;
      }
    }
    return Math.min(d, maxBackoffNanos);
  }

  long backoffExpiry(QueuedPodInfo p) {
    return p.lastFailureNanos + backoffDuration(p);
  }

  private boolean backingOff(QueuedPodInfo p, long now) {
    return p.attempts > 0 && backoffExpiry(p) - now > 0;
  }

  // ------------------------------------------------------------------------------------------------------- adds

  /** A new pending pod from the informer. */
  public void add(PodInfo pod) {
    lock.lock();
    try {
      String key = pod.key();
      if (inFlight.containsKey(key)) {
        inFlight.put(key, pod);
        return;
      }
      removeEverywhere(key);
      QueuedPodInfo q = new QueuedPodInfo(pod, clock.getAsLong());
      enqueueActiveOrGated(q);
      nominator.add(pod, null);
    } finally {
      lock.unlock();
    }
  }

  private void enqueueActiveOrGated(QueuedPodInfo q) {
    Status s = preEnqueue.apply(q.podInfo());
    if (!s.isSuccess()) {
      q.gated = true;
      q.unschedulablePlugins.clear();
      if (s.plugin() != null) {
        q.unschedulablePlugins.add(s.plugin());
      }
      gated.put(q.key(), q);
      return;
    }
    q.gated = false;
    q.timestampNanos = clock.getAsLong();
    activeIndex.put(q.key(), q);
    active.add(q);
    notEmpty.signal();
  }

  /** A pending pod changed. */
  public void update(PodInfo oldPod, PodInfo newPod) {
    lock.lock();
    try {
      String key = newPod.key();
      nominator.update(oldPod, newPod);
      if (inFlight.containsKey(key)) {
        inFlight.put(key, newPod);
        return;
      }
      QueuedPodInfo q = activeIndex.get(key);
      if (q != null) {
        active.remove(q);
        q.setPodInfo(newPod);
        active.add(q);
        return;
      }
      q = backoffIndex.get(key);
      if (q != null) {
        backoff.remove(q);
        q.setPodInfo(newPod);
        backoff.add(q);
        return;
      }
      q = gated.remove(key);
      if (q != null) {
        q.setPodInfo(newPod);
        enqueueActiveOrGated(q);
        return;
      }
      q = unschedulable.remove(key);
      if (q != null) {
        q.setPodInfo(newPod);
        if (specChanged(oldPod, newPod)) {
          // The pod itself changed (new tolerations, smaller requests...): it deserves another try.
          requeue(q, clock.getAsLong());
        } else {
          unschedulable.put(key, q);
        }
        return;
      }
      QueuedPodInfo fresh = new QueuedPodInfo(newPod, clock.getAsLong());
      enqueueActiveOrGated(fresh);
    } finally {
      lock.unlock();
    }
  }

  /** Whether anything but status and bookkeeping metadata changed (upstream's isPodUpdated). */
  static boolean specChanged(PodInfo a, PodInfo b) {
    return !Objects.equals(a.pod().getSpec(), b.pod().getSpec())
        || !Objects.equals(a.pod().getMetadata().getLabels(), b.pod().getMetadata().getLabels())
        || !Objects.equals(a.pod().getMetadata().getAnnotations(), b.pod().getMetadata().getAnnotations());
  }

  /** The pod is gone (deleted, or bound by someone). */
  public void delete(PodInfo pod) {
    lock.lock();
    try {
      String key = pod.key();
      nominator.delete(pod);
      if (inFlight.containsKey(key)) {
        inFlightDeleted.put(key, true);
        return;
      }
      removeEverywhere(key);
    } finally {
      lock.unlock();
    }
  }

  private void removeEverywhere(String key) {
    QueuedPodInfo q = activeIndex.remove(key);
    if (q != null) {
      active.remove(q);
    }
    q = backoffIndex.remove(key);
    if (q != null) {
      backoff.remove(q);
    }
    unschedulable.remove(key);
    gated.remove(key);
  }

  // -------------------------------------------------------------------------------------------------------- pop

  /** Blocks until a pod is active (or the queue is closed: null, or the timeout passes: null). */
  public QueuedPodInfo pop(long timeout, TimeUnit unit) throws InterruptedException {
    lock.lock();
    try {
      long nanos = unit.toNanos(timeout);
      while (active.isEmpty()) {
        if (closed || nanos <= 0) {
          return null;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      QueuedPodInfo q = active.poll();
      activeIndex.remove(q.key());
      q.attempts++;
      schedulingCycle++;
      inFlight.put(q.key(), q.podInfo());
      return q;
    } finally {
      lock.unlock();
    }
  }

  public long schedulingCycle() {
    lock.lock();
    try {
      return schedulingCycle;
    } finally {
      lock.unlock();
    }
  }

  /** The pod's attempt ended with it assumed on a node: it leaves the queue for good. */
  public void done(String key) {
    lock.lock();
    try {
      inFlight.remove(key);
      inFlightDeleted.remove(key);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The attempt failed: back to unschedulable (rejected by plugins) or backoff (error, or a cluster event arrived
   * during the attempt that may have changed the answer). Dropped if the pod was deleted meanwhile.
   */
  public void addUnschedulable(QueuedPodInfo q, long podSchedulingCycle, boolean error) {
    lock.lock();
    try {
      String key = q.key();
      PodInfo latest = inFlight.remove(key);
      boolean deleted = inFlightDeleted.remove(key) != null;
      if (deleted) {
        return;
      }
      if (latest != null) {
        q.setPodInfo(latest);
      }
      if (activeIndex.containsKey(key) || backoffIndex.containsKey(key) || unschedulable.containsKey(key)) {
        return;
      }
      long now = clock.getAsLong();
      q.lastFailureNanos = now;
      if (error || moveRequestCycle >= podSchedulingCycle || q.unschedulablePlugins.isEmpty()) {
        backoffIndex.put(key, q);
        backoff.add(q);
      } else {
        unschedulable.put(key, q);
      }
    } finally {
      lock.unlock();
    }
  }

  // ----------------------------------------------------------------------------------------------------- moving

  /** Moves unschedulable pods that the event may help to active (or backoff while they back off). */
  public void moveAllToActiveOrBackoff(ClusterEvent event) {
    lock.lock();
    try {
      moveRequestCycle = schedulingCycle;
      if (unschedulable.isEmpty()) {
        return;
      }
      long now = clock.getAsLong();
      Iterator<Map.Entry<String, QueuedPodInfo>> it = unschedulable.entrySet().iterator();
      List<QueuedPodInfo> moved = new ArrayList<>();
      while (it.hasNext()) {
        QueuedPodInfo q = it.next().getValue();
        if (relevant(q, event)) {
          it.remove();
          moved.add(q);
        }
      }
      for (QueuedPodInfo q : moved) {
        requeue(q, now);
      }
    } finally {
      lock.unlock();
    }
  }

  private boolean relevant(QueuedPodInfo q, ClusterEvent event) {
    if (event.resource() == ClusterEvent.Resource.WILDCARD || q.unschedulablePlugins.isEmpty()) {
      return true;
    }
    for (String plugin : q.unschedulablePlugins) {
      List<ClusterEvent> registered = pluginEvents.get(plugin);
      if (registered == null) {
        return true;
      }
      for (ClusterEvent r : registered) {
        if (r.covers(event)) {
          return true;
        }
      }
    }
    return false;
  }

  private void requeue(QueuedPodInfo q, long now) {
    if (backingOff(q, now)) {
      backoffIndex.put(q.key(), q);
      backoff.add(q);
    } else {
      enqueueActiveOrGated(q);
    }
  }

  /** Backoff pods whose time is up go to active. Called every second. */
  public void flushBackoffCompleted() {
    lock.lock();
    try {
      long now = clock.getAsLong();
      while (!backoff.isEmpty() && !backingOff(backoff.peek(), now)) {
        QueuedPodInfo q = backoff.poll();
        backoffIndex.remove(q.key());
        enqueueActiveOrGated(q);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Unschedulable pods that waited longer than {@link #MAX_IN_UNSCHEDULABLE} get another try. */
  public void flushUnschedulableLeftover() {
    lock.lock();
    try {
      long now = clock.getAsLong();
      List<QueuedPodInfo> moved = new ArrayList<>();
      Iterator<QueuedPodInfo> it = unschedulable.values().iterator();
      while (it.hasNext()) {
        QueuedPodInfo q = it.next();
        if (now - q.lastFailureNanos > MAX_IN_UNSCHEDULABLE.toNanos()) {
          it.remove();
          moved.add(q);
        }
      }
      for (QueuedPodInfo q : moved) {
        requeue(q, now);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Wakes {@link #pop} callers and makes them return null. */
  public void close() {
    lock.lock();
    try {
      closed = true;
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Counts per part: active, backoff, unschedulable, gated. */
  public record Sizes(int active, int backoff, int unschedulable, int gated) {}

  public Sizes sizes() {
    lock.lock();
    try {
      return new Sizes(active.size(), backoff.size(), unschedulable.size(), gated.size());
    } finally {
      lock.unlock();
    }
  }

  /** Where a pod is: "active", "backoff", "unschedulable", "gated", "inFlight" or null (tests, debugging). */
  public String whereIs(String key) {
    lock.lock();
    try {
      if (activeIndex.containsKey(key)) {
        return "active";
      }
      if (backoffIndex.containsKey(key)) {
        return "backoff";
      }
      if (unschedulable.containsKey(key)) {
        return "unschedulable";
      }
      if (gated.containsKey(key)) {
        return "gated";
      }
      if (inFlight.containsKey(key)) {
        return "inFlight";
      }
      return null;
    } finally {
      lock.unlock();
    }
  }
}
