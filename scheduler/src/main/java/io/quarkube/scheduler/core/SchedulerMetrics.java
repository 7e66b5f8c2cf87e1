package io.quarkube.scheduler.core;

/** What the scheduling loop reports; the app backs it with Micrometer. */
public interface SchedulerMetrics {
  /** One scheduling attempt: result is scheduled, unschedulable or error. */
  void attempt(String profile, String result, long durationNanos);

  /** A pod bound: from entering the queue to a written binding. */
  void podScheduled(String profile, long e2eNanos, int attempts);

  /**
   * One run of all plugins of an extension point (Reserve, Permit, PreBind, Bind, PostBind...), with its outcome as
   * upstream's status label (Success, Error, Unschedulable...).
   */
  default void extensionPoint(String profile, String extensionPoint, String status, long durationNanos) {}

  /** A preemption that evicted {@code victims} pods. */
  default void preemption(int victims) {}

  SchedulerMetrics NONE = new SchedulerMetrics() {
    @Override
    public void attempt(String profile, String result, long durationNanos) {}

    @Override
    public void podScheduled(String profile, long e2eNanos, int attempts) {}
  };
}
