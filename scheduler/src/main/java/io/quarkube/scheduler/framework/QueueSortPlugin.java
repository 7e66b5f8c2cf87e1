package io.quarkube.scheduler.framework;

/** Orders the active queue. Exactly one per profile, and all profiles must agree. */
public interface QueueSortPlugin extends Plugin {
  /** Negative when {@code a} should be scheduled before {@code b}. */
  int compare(QueuedPodInfo a, QueuedPodInfo b);
}
