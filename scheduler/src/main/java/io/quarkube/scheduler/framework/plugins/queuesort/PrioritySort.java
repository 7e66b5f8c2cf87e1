package io.quarkube.scheduler.framework.plugins.queuesort;

import io.quarkube.scheduler.framework.QueueSortPlugin;
import io.quarkube.scheduler.framework.QueuedPodInfo;

/** Higher priority first; equal priority in the order the pods entered the queue. */
public final class PrioritySort implements QueueSortPlugin {
  public static final String NAME = "PrioritySort";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int compare(QueuedPodInfo a, QueuedPodInfo b) {
    int p = Integer.compare(b.podInfo().priority(), a.podInfo().priority());
    return p != 0 ? p : Long.compare(a.timestampNanos, b.timestampNanos);
  }
}
